"""``python -m tui.screenshots``: SVG screenshots of the main screens at 80×24.

Runs the demo in a scratch directory with a fixed day, so the pictures only change when
the screens do. Writes ``screenshots/<name>.svg`` for each of ``SHOTS`` (the clearing wizard's
steps as ``clearing-<step>.svg``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from storage.config.settings import Settings
from storage.messages import set_language
from storage.store.database import close_database
from tui.app import FapiaoApp
from tui.screens.detail import DetailScreen
from tui.screens.lookup import LookupScreen
from tui.screenshots_admin import audit_shot, backup_shot, log_in_as, until, users_shot
from tui.screenshots_clearing import (
    confirm_shot,
    execute_shot,
    kind_shot,
    log_shot,
    preflight_shot,
    report_shot,
    results_shot,
    scan_shot,
)

SIZE = (80, 24)
TODAY = dt.date(2026, 3, 15)
FOUND = "26112000000000000289"  # a red-reversed invoice of the demo data for TODAY
DETAILED = "26112000000000000001"
MISSING = "26119999999999999999"

Step = Callable[[Pilot[Any]], Awaitable[None]]


async def _login(pilot: Pilot[Any]) -> None:
    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await until(pilot, lambda: app.store_state == "ready")
    await until(pilot, lambda: not app.screen.query_one("#username", Input).disabled)


async def _logged_in(pilot: Pilot[Any]) -> None:
    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await log_in_as(pilot, "clerk", "clerk")
    await until(pilot, lambda: isinstance(app.screen, LookupScreen))


async def _search(pilot: Pilot[Any], text: str) -> None:
    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await _logged_in(pilot)
    screen = app.screen
    assert isinstance(screen, LookupScreen)
    screen.query_one("#query", Input).value = text
    await until(pilot, lambda: screen.result is not None and screen.result.query == text)


async def _lookup(pilot: Pilot[Any]) -> None:
    await _search(pilot, FOUND)


async def _detail(pilot: Pilot[Any]) -> None:
    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await _search(pilot, DETAILED)
    await pilot.press("down", "enter")
    await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.view is not None)


async def _diagnosis(pilot: Pilot[Any]) -> None:
    await _search(pilot, MISSING)


#: An invoice of the demo data for TODAY with its total mistyped (17884.03 on file).
BAD_INVOICE = {
    "code": "1100263164", "number": "10000002", "date": "2026-02-14", "amount": "16407.37",
    "tax": "1476.66", "total": "17884.30", "rate": "9%", "buyer_name": "长沙智远电子有限公司",
    "buyer_tax_id": "91310115BWXPKX15FC", "seller_name": "北京某某商贸有限公司",
    "seller_tax_id": "91110105MA005AEF36",
}  # fmt: skip


async def _checklist(pilot: Pilot[Any]) -> None:
    from tui.screens.checklist import ChecklistScreen

    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await _logged_in(pilot)
    await pilot.press("f3")
    await until(pilot, lambda: isinstance(app.screen, ChecklistScreen))
    screen = app.screen
    assert isinstance(screen, ChecklistScreen)
    for name, value in BAD_INVOICE.items():
        screen.box(name).value = value
    screen.box("total").focus()
    await until(pilot, lambda: bool(screen.differences and screen.items))
    await pilot.pause(0.2)


async def _help(pilot: Pilot[Any]) -> None:
    await _logged_in(pilot)
    await pilot.press("f1")
    await pilot.pause(0.1)


async def _disk(pilot: Pilot[Any]) -> None:
    from textual.widgets import DataTable

    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await _logged_in(pilot)
    await pilot.press("f6")
    await until(pilot, lambda: app.screen.query("#disk-types")
                 and app.screen.query_one("#disk-types", DataTable).row_count > 0)  # fmt: skip
    await pilot.pause(0.2)


async def _tracking(pilot: Pilot[Any]) -> None:
    """Received invoices found by an item name, two ticked for marking."""
    await _search(pilot, "住宿费")
    await pilot.press("down", "space", "space")
    await pilot.pause(0.1)


async def _mark(pilot: Pilot[Any]) -> None:
    from tui.screens.mark_dialog import MarkDialog

    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await _tracking(pilot)
    await pilot.press("f9")
    await until(pilot, lambda: isinstance(app.screen, MarkDialog))
    await pilot.pause(0.1)


async def _summary(pilot: Pilot[Any]) -> None:
    from tui.screens.summary import SummaryScreen

    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await _logged_in(pilot)
    await pilot.press("f10")
    await until(pilot, lambda: isinstance(app.screen, SummaryScreen)
                and app.screen.summary is not None)  # fmt: skip
    await pilot.pause(0.1)


SHOTS: dict[str, Step] = {
    "login": _login,
    "lookup": _lookup,
    "detail": _detail,
    "diagnosis": _diagnosis,
    "checklist": _checklist,
    "help": _help,
    "disk": _disk,
    "tracking": _tracking,
    "mark": _mark,
    "summary": _summary,
    "backup": backup_shot,
    "users": users_shot,
    "audit": audit_shot,
    "clearing-preflight": preflight_shot,
    "clearing-report": report_shot,
    "clearing-kind": kind_shot,
    "clearing-scan": scan_shot,
    "clearing-confirm": confirm_shot,
    "clearing-execute": execute_shot,
    "clearing-results": results_shot,
    "clearing-log": log_shot,
}


async def _shoot(name: str, step: Step, scratch: Path, out: Path) -> Path:
    settings = Settings(support=("技术支持热线 400-000-0000（工作日 9:00-18:00）",)).with_defaults()
    (scratch / name).mkdir()  # a store of its own: one shot's clear is not in the next one's
    app = FapiaoApp(settings, demo=True, today=TODAY, demo_path=scratch / name / "demo.db")
    async with app.run_test(size=SIZE) as pilot:
        await step(pilot)
        target = out / f"{name}.svg"
        target.write_text(app.export_screenshot(title=f"fapiao — {name}"), encoding="utf-8")
    close_database()
    return target


async def shoot_all(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    set_language("zh")
    from storage.demo.space import demo_space

    # The demo's own folder as the data directory: the shots' stores leave nothing in the
    # user's (their audit anchors went there).
    with demo_space("zh"), tempfile.TemporaryDirectory(prefix="fapiao-shots-") as scratch:
        return [await _shoot(name, step, Path(scratch), out) for name, step in SHOTS.items()]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0]) if args else Path("screenshots")
    for path in asyncio.run(shoot_all(out)):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
