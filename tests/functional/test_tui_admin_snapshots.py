"""80×24 SVG snapshots of the backup (F5), user and audit-log screens, on fixed sample data
(``tui/screenshots_admin.py``) so they do not move with the clock; ``pytest --snapshot-update``
accepts a deliberate change."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import tui.screens.backup as backup_screen
from tests.support.tui import demo_app
from tui.screenshots_admin import SHOT_NOW, audit_shot, backup_shot, users_shot

SIZE = (80, 24)
SnapCompare = Callable[..., bool]


def test_backup_screen(
    snap_compare: SnapCompare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_screen, "CLOCK", lambda: SHOT_NOW)  # put back afterwards
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=backup_shot)


def test_users_screen(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=users_shot)


def test_audit_screen(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=audit_shot)
