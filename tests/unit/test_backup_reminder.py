"""The log-in reminder: none, old, and recent backups."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from storage.backup import reminder
from storage.config.settings import Settings

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _made(*ages_hours: float) -> list[SimpleNamespace]:
    return [SimpleNamespace(created_at=NOW - dt.timedelta(hours=h)) for h in ages_hours]


@pytest.mark.parametrize(
    ("ages", "expected"),
    [((), "还没有任何备份：请按 F5 立即备份"), ((80, 50), "上次备份已是 2 天前：请按 F5 备份"),
     ((80, 3), None)],
)  # fmt: skip
def test_reminder(monkeypatch: pytest.MonkeyPatch, ages: tuple[float, ...],
                  expected: str | None) -> None:  # fmt: skip
    monkeypatch.setattr(reminder, "list_backups", lambda settings: _made(*ages))
    message = reminder.backup_reminder(Settings().with_defaults(), now=NOW)
    assert (message.text() if message else None) == expected
