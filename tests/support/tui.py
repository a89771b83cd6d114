"""Shared by the TUI tests: a demo store prepared once per run, and driving the app."""

from __future__ import annotations

import asyncio
import atexit
import datetime as dt
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from devices.service import DeviceService
from devices.simulator import Disk, SimServer
from storage.config.settings import Settings
from storage.demo.space import prepare_demo_store
from storage.store.database import close_database
from tests.support.disk import serve
from tests.support.paths import SHARED_DIR_ENV
from tui.app import FapiaoApp
from tui.demo_disk import demo_state

#: The demo data is dated relative to "today"; a fixed one keeps snapshots identical.
TODAY = dt.date(2026, 3, 15)

# Invoices of the demo store seeded for TODAY (seed 2026): the clerk's branch is 总部.
NORMAL_NUMBER = "26112000000000000001"  # 数电普, 青岛同创信息技术有限公司, 1,130.00
RED_NUMBER = "26112000000000000289"  # 数电专, red, reverses ...285
VOID_NUMBER = "26112000000000000025"
OTHER_BRANCH_NUMBER = "26112000000000000008"  # 上海分公司: the clerk must not see it
MISSING_NUMBER = "26119999999999999999"


@cache
def demo_template() -> Path:
    """The seeded demo store, built once per test run (seeding takes a couple of seconds of
    CPU): by the first parallel worker to need it, the others waiting for it, when the run
    has a shared folder; else in a folder of this process's own."""
    shared = os.environ.get(SHARED_DIR_ENV)
    if not shared:
        folder = Path(tempfile.mkdtemp(prefix="fapiao-demo-"))
        atexit.register(shutil.rmtree, folder, True)  # the run leaves no demo folder behind
        path = folder / "demo.db"
        prepare_demo_store(path, today=TODAY)
        close_database()
        return path
    path = Path(shared) / "demo.db"
    with (Path(shared) / "demo.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not path.exists():
            building = path.with_suffix(".building")
            prepare_demo_store(building, today=TODAY)
            close_database()
            building.rename(path)
    return path


def fresh_demo_store(directory: Path) -> Path:
    """A private copy of the demo store, so lockouts and writes stay in one test."""
    target = directory / "demo.db"
    shutil.copyfile(demo_template(), target)
    return target


def demo_app(directory: Path, *, demo_disk: bool = True, **settings: object) -> FapiaoApp:
    """The demo app on a fresh copy of the demo store; ``demo_disk=False``: no disk at all."""
    return FapiaoApp(
        Settings(**settings).with_defaults(),  # type: ignore[arg-type]
        demo=True,
        today=TODAY,
        demo_path=fresh_demo_store(directory),
        demo_disk=demo_disk,
    )


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 5) -> None:
    """Let the app run until ``condition()`` holds (workers run in threads), then until it
    has handled what that brought. Between looks the test only sleeps: the app runs
    meanwhile, and ``pilot.pause()`` at every look (a walk over every widget of the screen)
    cost more CPU than the wait."""
    loop_time = 0.0
    while not condition():
        if loop_time > timeout:
            raise AssertionError(f"timed out waiting for {condition}")
        await asyncio.sleep(0.02)
        loop_time += 0.02
    await pilot.pause()


async def log_in(
    pilot: Pilot[Any],
    user: str = "clerk",
    password: str = "clerk",
    *,
    keys: bool = False,
    keep_reminder: bool = False,
) -> None:
    """Log in; key by key with ``keys``, else the fields are filled and Enter pressed.

    The log-in's backup reminder (a toast) is waited for and dismissed, so screens and
    snapshots do not depend on when it arrives; ``keep_reminder`` leaves it.
    """
    from textual.widgets import Input

    app = pilot.app
    assert isinstance(app, FapiaoApp)
    await wait_for(pilot, lambda: app.store_state == "ready")
    name_box = app.screen.query_one("#username", Input)
    await wait_for(pilot, lambda: not name_box.disabled)
    if keys:
        name_box.value = ""
        name_box.focus()
        await pilot.press(*user, "enter", *password, "enter")
    else:
        name_box.value = user
        app.screen.query_one("#password", Input).value = password
        app.screen.query_one("#password", Input).focus()
        await pilot.press("enter")
    await wait_for(pilot, lambda: app.session is not None)
    await wait_for(pilot, lambda: type(app.screen).__name__ == "LookupScreen")
    await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "query")
    if not keep_reminder:
        reminders = [w for w in app.workers if w.name == "reminder"]
        await wait_for(pilot, lambda: all(w.is_finished for w in reminders))
        app.clear_notifications()


async def look_up(pilot: Pilot[Any], text: str, *, keys: bool = False) -> None:
    """Put ``text`` in the lookup box (key by key with ``keys``; Pilot takes ~60 ms a key)
    and wait for its result on screen."""
    from textual.widgets import Input

    app = pilot.app
    if keys:
        await pilot.press(*text)
    else:
        app.screen.query_one("#query", Input).value = text
    await wait_for(
        pilot,
        lambda: getattr(app.screen, "result", None) is not None and app.screen.result.query == text,  # type: ignore[attr-defined]
    )


def toasts(app: FapiaoApp) -> list[str]:
    """The notifications on the screen now, each its title and message as the clerk reads
    them (Textual exports no Toast class: it is matched by name). Pilot hides them unless
    the app runs with ``run_test(notifications=True)``; without, this fails rather than
    finding none."""
    if not app.screen.query("ToastRack"):
        raise AssertionError("toasts are hidden: use app.run_test(notifications=True)")
    from textual.content import Content

    shown = [toast.render() for toast in app.screen.query("Toast")]
    return [text.plain if isinstance(text, Content) else str(text) for text in shown]


def plain(widget: object, width: int = 78) -> str:
    """The text a widget shows, without styles (rich tables rendered at ``width``)."""
    import io

    from rich.console import Console
    from rich.text import Text
    from textual.content import Content
    from textual.widgets import Static

    shown: object
    if isinstance(widget, Static):
        shown = widget.content
    elif hasattr(widget, "render"):
        shown = widget.render()
    else:
        shown = widget  # a rich renderable, e.g. an option's prompt
    if isinstance(shown, str):
        return shown
    if isinstance(shown, Text | Content):
        return shown.plain
    console = Console(width=width, record=True, file=io.StringIO(), force_terminal=False)
    console.print(shown)
    return console.export_text()


@contextmanager
def disk_service(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Disk, SimServer, DeviceService]]:
    """The demo's disk state (clock 2026-03-15, every type reported, window until 03-18) behind a device service."""
    socket_dir = Path(tempfile.mkdtemp(prefix="ftui-", dir="/tmp"))
    with serve(state=demo_state(TODAY)) as (disk, server):
        service = DeviceService(server.url, socket_dir / "disk.sock",
                                link_options={"reply_timeout": 0.2})  # fmt: skip
        monkeypatch.setenv("FAPIAO_DEVICE_SOCKET", str(service.socket_path))
        service.start()
        try:
            yield disk, server, service
        finally:
            service.stop()
    shutil.rmtree(socket_dir, ignore_errors=True)


async def open_detail(pilot: Pilot[Any], number: str) -> None:
    """Log in, look ``number`` up and open its detail view, its lines laid out."""
    from textual.widgets import DataTable

    from tui.screens.detail import DetailScreen

    await log_in(pilot)
    await look_up(pilot, number)
    await pilot.press("down", "enter")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.view)
    # The lines' table is laid out a refresh later; on a busy machine, after a capture.
    lines = app.screen.query_one("#lines", DataTable)
    await wait_for(pilot, lambda: lines.region.height > lines.row_count)
