"""The lookup at the counter: typing on the list starts the next query, and a page that is
not all of the matches says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input

from tests.support.checklist import burst
from tests.support.tui import (
    MISSING_NUMBER,
    NORMAL_NUMBER,
    demo_app,
    log_in,
    look_up,
    plain,
    wait_for,
)
from tui.screens.lookup import LookupScreen
from tui.widgets.diagnosis import Diagnosis
from tui.widgets.invoice_table import InvoiceTable

SIZE = (80, 24)


async def test_typing_on_the_results_goes_back_to_the_box(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, NORMAL_NUMBER)
        await pilot.press("down")  # ↓ in the box moves to the list
        query = app.screen.query_one("#query", Input)
        assert app.focused is app.screen.query_one(InvoiceTable)
        await pilot.press(*"2611")  # the next customer's number, straight away
        assert query.has_focus
        assert query.value == "2611"
        await look_up(pilot, MISSING_NUMBER)
        diagnosis = app.screen.query_one(Diagnosis)
        diagnosis.focus()
        await pilot.press("9", "8")
        assert query.has_focus and query.value == "98"
        await wait_for(pilot, lambda: app.screen.result.query == "98")  # type: ignore[attr-defined]


@pytest.mark.serial  # timing: keys or polls within a deadline
async def test_a_scan_into_the_results_becomes_the_next_query(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, MISSING_NUMBER)
        await look_up(pilot, "青岛")
        app.screen.query_one(InvoiceTable).focus()
        await pilot.pause()
        # a wedge scanner's burst: every key is routed to the list before the first moves
        # the focus; none may be lost or reordered, and its Enter must not open a detail
        await burst(pilot, NORMAL_NUMBER)
        query = app.screen.query_one("#query", Input)
        assert query.value == NORMAL_NUMBER and app.focused is query
        await wait_for(pilot, lambda: app.screen.result.query == NORMAL_NUMBER)  # type: ignore[attr-defined]
        assert isinstance(app.screen, LookupScreen)


async def test_more_matches_than_the_page_says_so(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, "公司")
        assert app.screen.result.more  # type: ignore[attr-defined]
        assert app.screen.query_one(InvoiceTable).row_count == 50
        status = plain(app.screen.query_one("#lookup-status"))
        assert status.startswith("显示最新 50 张，还有更多——请输入更多字缩小范围")
