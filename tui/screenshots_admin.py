"""Screenshot steps for the backup, user and audit screens, on fixed sample data.

Used by ``python -m tui.screenshots`` and the 80×24 snapshot tests: the backup index, the
accounts and the audit entries shown are written with fixed times, so the pictures only change
when the screens do. (A real backup's id, time and size change on every run.)
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from tui.app import FapiaoApp

CHINA = dt.timezone(dt.timedelta(hours=8))
#: "Now" for the backup list's ages in the pictures.
SHOT_NOW = dt.datetime(2026, 3, 15, 18, 30, tzinfo=CHINA)
LOCKED_AT = dt.datetime(2099, 1, 1, 9, 0)  # zhao's failed log-ins, far ahead: still locked
SSH = "ssh:192.168.1.23"


async def until(pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 15) -> None:
    """Let the app run until ``condition()`` holds, then until it has handled what that
    brought (only sleeping between looks: ``pilot.pause()`` walks every widget)."""
    waited = 0.0
    while not condition():
        if waited > timeout:
            raise TimeoutError("the screen did not reach the expected state")
        await asyncio.sleep(0.02)
        waited += 0.02
    await pilot.pause()


def sample_backups(folder: Path) -> None:
    """An index with one verified daily full backup (its file is not needed to list it)."""
    from storage.backup import manifest
    from storage.backup.manifest import BackupEntry

    entry = BackupEntry(
        id="20260315-090000-a1b2c3", kind="full", engine="sqlite", parent="",
        created="2026-03-15T09:00:00.000000+08:00", file="20260315-090000-a1b2c3.fbk",
        file_size=1_025_793, file_sha256="0" * 64, payload_size=3_887_104,
        payload_sha256="0" * 64, store_size=3_887_104, key_id="2dfc137c5a1e4f00",
        row_counts={"invoice": 6000}, reason="daily",
        verified_at="2026-03-15T09:01:10+08:00", verified_ok=True,
        verify_detail="integrity_check",
    )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    manifest.save(folder, [entry])


def sample_accounts() -> None:
    """li and wang (clerks), zhao (locked out), shen (auditor); on the open store."""
    from storage.accounts.users import AuthError, add_user, authenticate
    from storage.store.models import Role

    add_user("li", "li-pass-1", role=Role.CLERK, branch="总部", by="super")
    add_user("wang", "wang-pass-1", role=Role.SUPERVISOR, branch="总部", all_branches=True,
             by="super")  # fmt: skip
    add_user("zhao", "zhao-pass-1", role=Role.CLERK, branch="上海分公司", by="super")
    add_user("shen", "shen-pass-1", role=Role.AUDITOR, branch="总部", by="super")
    for _ in range(5):
        with contextlib.suppress(AuthError):  # refused, as it should be: that locks it
            authenticate("zhao", "wrong", now=LOCKED_AT)


def sample_audit(username: str = "zhang") -> None:
    """A clerk's day in the audit log, with fixed times and terminal (``storage.demo``)."""
    from storage.demo.audit_day import append_sample_day

    append_sample_day(username, SSH)


async def log_in_as(pilot: Pilot[Any], user: str, password: str) -> None:
    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await until(pilot, lambda: app.store_state == "ready")
    await until(pilot, lambda: not app.screen.query_one("#username", Input).disabled)
    app.screen.query_one("#username", Input).value = user
    app.screen.query_one("#password", Input).value = password
    app.screen.query_one("#password", Input).focus()
    await pilot.press("enter")
    await until(pilot, lambda: app.session is not None and app.current_mode == "lookup")
    # the log-in's backup reminder is a toast that comes and goes: keep it off the pictures
    reminders = [w for w in app.workers if w.name == "reminder"]
    await until(pilot, lambda: all(w.is_finished for w in reminders))
    app.clear_notifications()


def shot_backups(app: FapiaoApp) -> None:
    """Before the log-in: the backup folder holds one verified backup, ages counted from SHOT_NOW."""
    import tui.screens.backup as backup_screen

    folder = Path(app.settings.backup_dir) if app.demo_path is None else (
        app.demo_path.parent / "shot-backups")  # fmt: skip
    app.settings = dataclasses.replace(app.settings, backup_dir=str(folder))
    sample_backups(folder)
    backup_screen.CLOCK = lambda: SHOT_NOW


# Each ``open_…`` goes from wherever the logged-in app is to its screen, so that one app can be
# walked through several (the text-fits test does); each shot starts its own app.


async def open_backup(pilot: Pilot[Any]) -> None:
    from tui.screens.backup import BackupScreen

    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await pilot.press("f5")
    await until(pilot, lambda: isinstance(app.screen, BackupScreen)
                 and app.screen.table.row_count == 1)  # fmt: skip


async def open_users(pilot: Pilot[Any]) -> None:
    from tui.screens.users import UsersScreen

    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await app.run_action("open('users')")
    await until(pilot, lambda: isinstance(app.screen, UsersScreen) and app.screen.table.row_count)


async def open_audit(pilot: Pilot[Any]) -> None:
    """The audit log filtered to one clerk's (fixed) day, as an auditor would look at it."""
    from tui.screens.audit_log import AuditLogScreen

    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await app.run_action("open('audit')")
    screen = app.screen
    assert isinstance(screen, AuditLogScreen)
    await until(pilot, lambda: screen.rows)
    screen.query_one("#f-user", Input).value = "zhang"
    screen.query_one("#f-user", Input).focus()
    await pilot.press("enter")
    await until(pilot, lambda: not screen.loading and len(screen.rows) == 7)
    screen.table.focus()
    await pilot.pause()


async def backup_shot(pilot: Pilot[Any]) -> None:
    """F5 as the supervisor with one verified backup, ages counted from SHOT_NOW."""
    shot_backups(pilot.app)  # type: ignore[arg-type]
    await log_in_as(pilot, "super", "super")
    await open_backup(pilot)


async def as_supervisor_with(
    pilot: Pilot[Any], sample: Callable[[], None], open_screen: Callable[[Pilot[Any]], Any]
) -> None:
    """``sample`` put in the store once it is open, then the supervisor logged in and on the
    screen ``open_screen`` goes to."""
    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await until(pilot, lambda: app.store_state == "ready")
    with app.store_connection():
        sample()
    await log_in_as(pilot, "super", "super")
    await open_screen(pilot)


async def users_shot(pilot: Pilot[Any]) -> None:
    await as_supervisor_with(pilot, sample_accounts, open_users)


async def audit_shot(pilot: Pilot[Any]) -> None:
    """The audit log filtered to one clerk's (fixed) day, as an auditor would look at it."""
    await as_supervisor_with(pilot, sample_audit, open_audit)
