"""The demo disk always shows a clear due a few days ahead, on any day of the month, with the
disk's clock the host's own: on a month's last day the window runs on into the next month
instead of closing that very day (the strip read "剩0天" on 2026-11-30)."""

from __future__ import annotations

import datetime as dt

import pytest

from devices.simulator.disk import type_state, window_of
from devices.simulator.scenarios import clear_due
from tui.demo_disk import demo_clock, demo_state

LAST_DAYS = [dt.date(2026, 11, 30), dt.date(2026, 2, 28), dt.date(2028, 2, 29),
             dt.date(2026, 12, 31), dt.date(2026, 1, 31)]  # fmt: skip


@pytest.mark.parametrize("today", LAST_DAYS, ids=str)
def test_a_clear_is_due_days_ahead_on_a_months_last_day(today: dt.date) -> None:
    state = demo_state(today)
    assert state.now().date() == today  # the disk's clock is the host's day
    for rec in state.types:
        start, deadline = window_of(rec.open_period, state.window_end_day)
        assert type_state(rec, today, state.window_end_day) == "reported"
        assert start <= today and (deadline - today).days >= 3, (rec.type, start, deadline)


@pytest.mark.parametrize("day", range(1, 31))
def test_every_day_of_november_leaves_at_least_three_days(day: int) -> None:
    today = dt.date(2026, 11, day)
    state = clear_due(demo_clock(today))
    rec = state.types[0]
    assert rec.open_period == "2026-10"
    start, deadline = window_of(rec.open_period, state.window_end_day)
    assert start == dt.date(2026, 11, 1)
    assert deadline >= max(dt.date(2026, 11, 15), today + dt.timedelta(days=3))


def test_the_usual_window_is_unchanged() -> None:
    assert window_of("2026-10") == (dt.date(2026, 11, 1), dt.date(2026, 11, 15))
    assert window_of("2026-01", 28) == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
