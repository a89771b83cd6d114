"""Screenshot steps for the F4 clearing wizard and the clearing log, on the demo's own disk
(clock 10:00 on the fixed day) and fixed sample data.

Used by ``python -m tui.screenshots`` and the 80×24 snapshot tests. A real backup's id and
time change on every run, so the wizard's pictures use the sample backup index; the log's
runs are written with fixed times.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tui.app import FapiaoApp
from tui.screenshots_admin import as_supervisor_with, log_in_as, sample_backups, until

PIN = "88888888"


def fresh_sample_backup(app: FapiaoApp) -> None:
    # After log-in: the demo has set its own (throwaway) backup folder by then. Freshness is
    # judged by the real clock (backups are stamped by it); the picture shows only the id and
    # the verify time, which stay fixed.
    from storage.backup import manifest

    folder = Path(app.settings.backup_dir)
    sample_backups(folder)
    created = (dt.datetime.now().astimezone() - dt.timedelta(hours=1)).isoformat()
    manifest.save(folder, [dataclasses.replace(e, created=created) for e in manifest.load(folder)])


async def open_wizard(pilot: Pilot[Any], *, backup: bool = True) -> Any:
    """Logged in as the supervisor, F4 open and its first checks done."""
    from tui.screens.clearing import ClearingScreen

    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await log_in_as(pilot, "super", "super")
    if backup:
        fresh_sample_backup(app)
    await until(pilot, lambda: app.disk_state.connected)
    await pilot.press("f4")
    await until(pilot, lambda: isinstance(app.screen, ClearingScreen))
    screen = app.screen
    await until(pilot, lambda: screen.pre is not None and screen.running is None)  # type: ignore[attr-defined]
    return screen


# The steps below go on from where the one before left the wizard, so that one app can be
# walked through every step (the text-fits test does); each shot is its own walk from the
# start (a snapshot is one picture of one app).


async def unreport_two_types(pilot: Pilot[Any]) -> None:
    """Two types not reported yet: the report step comes first (from the next check on)."""
    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await until(pilot, lambda: app.disk_live._demo is not None)
    disk = app.disk_live._demo.server.disk
    with disk._lock:
        for rec in disk.state.types[:2]:
            rec.reported = False
            rec.last_report = None


async def get_ready(pilot: Pilot[Any], screen: Any) -> None:
    """From the first checks: the PIN typed, the return confirmed filed, every check passes."""
    from tui.screens.clearing_dialogs import PinDialog

    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await pilot.press("p")
    await until(pilot, lambda: isinstance(app.screen, PinDialog))
    await pilot.press(*PIN, "enter")
    await until(
        pilot, lambda: screen.running is None and screen.pre.check("disk").verdict.value == "pass"
    )
    await pilot.press("c")
    await until(pilot, lambda: screen.running is None and screen.pre.ok)
    app.clear_notifications()


async def to_report(pilot: Pilot[Any], screen: Any) -> None:
    await pilot.press("enter")
    await until(pilot, lambda: screen.step == "report")


async def to_kind(pilot: Pilot[Any], screen: Any) -> None:
    """From the checks passed: the kind step, the recommendation pre-selected."""
    await pilot.press("enter")
    await until(pilot, lambda: screen.step == "kind")


async def to_scan(pilot: Pilot[Any], screen: Any) -> None:
    """From the kind step: the kind highlighted chosen, the disk and the store compared."""
    await pilot.press("enter")
    await until(pilot, lambda: screen.scan is not None and screen.running is None, timeout=30)


async def to_confirm(pilot: Pilot[Any]) -> None:
    """From the scan: the supervisor's confirmation asked, the name typed."""
    from tui.screens.clearing_dialogs import SupervisorDialog

    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, SupervisorDialog))
    await pilot.press(*"super")


async def to_results(pilot: Pilot[Any], screen: Any) -> None:
    """From the confirmation with the name typed: the clear done, its results shown."""
    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await pilot.press("enter", *"super", "enter")
    await until(pilot, lambda: screen.step == "results", timeout=30)
    await until(pilot, lambda: app.disk_state.types and app.disk_state.types[0].state == "issuing")
    # The clear's notice reaches every terminal, this one too: let it arrive, then put it away,
    # so the picture shows the results alone whenever the feed happens to look.
    app.notice_feed.poke()
    await until(pilot, lambda: bool(app.notice_feed.shown), timeout=10)
    app.clear_notifications()


async def _ready(pilot: Pilot[Any]) -> Any:
    screen = await open_wizard(pilot)
    await get_ready(pilot, screen)
    return screen


async def _scanned(pilot: Pilot[Any]) -> Any:
    screen = await _ready(pilot)
    await to_kind(pilot, screen)
    await to_scan(pilot, screen)
    return screen


async def preflight_shot(pilot: Pilot[Any]) -> None:
    """The first look: not logged in to the disk, no backup, the return not confirmed."""
    await open_wizard(pilot, backup=False)
    await pilot.pause(0.1)


async def report_shot(pilot: Pilot[Any]) -> None:
    await unreport_two_types(pilot)
    screen = await _ready(pilot)
    await to_report(pilot, screen)
    await pilot.pause(0.1)


async def kind_shot(pilot: Pilot[Any]) -> None:
    screen = await _ready(pilot)
    await to_kind(pilot, screen)
    await pilot.press("down", "down")  # 专项: its types are listed to choose from
    await pilot.pause(0.1)


async def scan_shot(pilot: Pilot[Any]) -> None:
    await _scanned(pilot)
    await pilot.pause(0.1)


async def confirm_shot(pilot: Pilot[Any]) -> None:
    await _scanned(pilot)
    await to_confirm(pilot)
    await pilot.pause(0.1)


async def execute_shot(pilot: Pilot[Any]) -> None:
    """The clear's progress row, held at a fixed point (a real one moves on its own)."""
    screen = await _scanned(pilot)
    screen.running = "clear"
    screen._go("execute")
    screen._show_execute()
    screen.progress = (3, 8)
    screen._show_progress()
    await pilot.pause(0.1)


async def results_shot(pilot: Pilot[Any]) -> None:
    screen = await _scanned(pilot)
    await to_confirm(pilot)
    await to_results(pilot, screen)
    await pilot.pause(0.3)


def sample_runs() -> None:
    """Two clears of 2026-02 with fixed times: one partly done, then the retry of 007."""
    from storage.clearing.journal import ClearRun, dump
    from storage.store.database import write

    at = dt.datetime(2026, 3, 15, 10, 5)
    ok = [{"type": c, "ok": True, "deadline": "2026-04-18", "error": None, "message": None}
          for c in ("004", "026", "028")]  # fmt: skip
    failed = {
        "type": "007",
        "ok": False,
        "deadline": None,
        "error": "E_NOT_FILED",
        "message": "本期未申报",
    }

    def add() -> None:
        common = {"device_id": "661620039941", "period": "2026-02", "reason": "", "started_by": "zhang",
                  "confirmed_by": "super", "terminal": "ssh:192.168.1.23",
                  "backup_id": "20260315-090000-a1b2c3"}  # fmt: skip
        ClearRun.create(**common, kind="ordinary", types="[]", state="partial", started_at=at,
                        finished_at=at + dt.timedelta(seconds=3), results=dump([*ok, failed]))  # fmt: skip
        ClearRun.create(**common, kind="specific", types='["007"]', state="done", retry_of=1,
                        started_at=at + dt.timedelta(minutes=20),
                        finished_at=at + dt.timedelta(minutes=20, seconds=3),
                        results=dump([{**failed, "ok": True, "deadline": "2026-04-18", "error": None,
                                       "message": None}]))  # fmt: skip

    write(add)


async def open_log(pilot: Pilot[Any]) -> None:
    """From wherever the logged-in supervisor is: the clearing log, its second run chosen."""
    from tui.screens.clearing_log import ClearLogScreen

    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await app.run_action("open('clearing_log')")
    screen = app.screen
    assert isinstance(screen, ClearLogScreen)
    await until(pilot, lambda: len(screen.views) == 2 and not screen.fetching)
    await pilot.press("down")


async def log_shot(pilot: Pilot[Any]) -> None:
    await as_supervisor_with(pilot, sample_runs, open_log)
    await pilot.pause(0.1)
