"""The notices in the TUI: two terminals on one store both show a posted notice within
seconds; the clearing reminder at log-in and in the header; the clearing settings screen
(a clerk refused below it, a supervisor saves, audited, every terminal follows)."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import Input

from storage.config.settings import Settings
from storage.demo.space import prepare_demo_store
from storage.notices import ClearingOutcome, TypeOutcome, post_clearing_notice
from storage.store.database import database_proxy
from tests.support.tui import TODAY, demo_app, log_in, plain, toasts, wait_for
from tui.app import FapiaoApp
from tui.messages import NoticesArrived, StoreSettingsRead
from tui.screens.clearing_settings import ClearingSettingsScreen
from tui.widgets.disk_strip import DiskStrip
from tui.widgets.header import AppHeader

SIZE = (80, 24)
SnapCompare = Callable[..., bool]


def _shows(app: FapiaoApp, text: str) -> bool:
    return any(text in toast for toast in toasts(app))


def _terminal(path: Path, **settings: object) -> FapiaoApp:
    """A terminal on the shared demo store at ``path`` (no disk: not what is tested here)."""
    return FapiaoApp(Settings(**settings).with_defaults(), demo=True, today=TODAY,  # type: ignore[arg-type]
                     demo_path=path, demo_disk=False)  # fmt: skip


def _post_in_a_thread(fn: Callable[[], object]) -> Any:
    """What another terminal (or the clearing flow's thread) does: its own connection."""
    import threading

    result: list[object] = []

    def run() -> None:
        with database_proxy.obj.connection_context():
            result.append(fn())

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    return result[0]


async def test_two_terminals_show_a_posted_notice_within_seconds(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    prepare_demo_store(path, today=TODAY)
    front, office = _terminal(path), _terminal(path)
    async with (
        front.run_test(size=SIZE, notifications=True) as one,
        office.run_test(size=SIZE, notifications=True) as two,
    ):
        await log_in(one, "clerk", "clerk")
        await log_in(two, "super", "super")
        await wait_for(one, lambda: front.notice_feed.last_id is not None)
        await wait_for(two, lambda: office.notice_feed.last_id is not None)
        outcome = ClearingOutcome(
            "2026-03", "ordinary", started_by="super", confirmed_by="super",
            results=(TypeOutcome("004", True, TODAY.replace(month=5)),
                     TypeOutcome("007", False, error_code="E_NETWORK", error="无法连接税务服务器")),
        )  # fmt: skip
        posted_at = time.monotonic()
        notice_id = _post_in_a_thread(lambda: post_clearing_notice(outcome, mail=True))

        def shown_on_both() -> bool:
            return notice_id in front.notice_feed.shown and notice_id in office.notice_feed.shown

        while not shown_on_both():
            assert time.monotonic() - posted_at < 5, "not shown within 5 s"
            await one.pause(0.05)
            await two.pause(0.05)
        for app, pilot in ((front, one), (office, two)):
            await wait_for(pilot, partial(_shows, app, "2026-03"))
            [toast] = [text for text in toasts(app) if "2026-03" in text]
            assert toast.startswith("清卡部分失败：2026-03 普通清卡，1 类成功，1 类失败")
            assert "004：清卡成功，新截止日期 2026-05-15" in toast
            assert "007：清卡失败（E_NETWORK）：无法连接税务服务器" in toast
    # an old notice is not shown again by a terminal started later
    late = _terminal(path)
    async with late.run_test(size=SIZE) as three:
        await log_in(three, "clerk", "clerk")
        await wait_for(three, lambda: late.notice_feed.last_id is not None)
        assert late.notice_feed.last_id >= notice_id
        await three.pause(2.5)
        assert late.notice_feed.shown == []


async def test_nothing_is_redrawn_when_there_is_no_notice(tmp_path: Path) -> None:
    app = demo_app(tmp_path, demo_disk=False)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot)
        await wait_for(pilot, lambda: app.notice_feed.last_id is not None)
        to_loop: list[object] = []
        refreshes: list[int] = []
        post_message, screen_refresh = app.post_message, app.screen.refresh

        def sent(message: Message) -> bool:  # what the feed's thread posts to the app
            if isinstance(message, NoticesArrived | StoreSettingsRead):
                to_loop.append(message)
            return post_message(message)

        def counted(*args: Any, **kwargs: Any) -> Any:
            refreshes.append(1)
            return screen_refresh(*args, **kwargs)

        app.post_message = sent  # type: ignore[method-assign]
        app.screen.refresh = counted  # type: ignore[method-assign]
        await pilot.pause(4.5)  # two polls at least
        assert [w for w in app.workers if w.name == "notice-feed" and w.is_running]
        assert to_loop == [] and refreshes == [] and toasts(app) == []


# -- the clearing reminder ---------------------------------------------------------------


async def test_log_in_and_header_remind_of_the_clear_within_the_reminder_days(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)  # the demo disk: every type due in 3 days; 5 reminder days
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, keep_reminder=True)
        await wait_for(pilot, lambda: any("须在 03-18 前清卡" in text for text in toasts(app)))
        [toast] = [text for text in toasts(app) if "清卡" in text]
        assert "004 须在 03-18 前清卡（剩 3 天）：请主管按 F4 清卡（另有 3 类）" in toast
        strip = app.screen.query_one(AppHeader).query_one(DiskStrip)
        # beside the demo's user at 80 columns the strip keeps the days left, marked
        await wait_for(pilot, lambda: "004 已抄税未清卡 !剩3天" in plain(strip))


async def test_outside_the_reminder_days_there_is_no_reminder(tmp_path: Path) -> None:
    app = demo_app(tmp_path, clear_remind_days=2)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot, keep_reminder=True)
        strip = app.screen.query_one(AppHeader).query_one(DiskStrip)
        await wait_for(pilot, lambda: "004 已抄税未清卡 剩3天" in plain(strip))
        reminders = [w for w in app.workers if w.name == "reminder"]
        await wait_for(pilot, lambda: all(w.is_finished for w in reminders))
        assert "!" not in plain(strip)
        assert not any("清卡" in text for text in toasts(app))


# -- the clearing settings screen --------------------------------------------------------


async def _open_settings(pilot: Pilot[Any]) -> ClearingSettingsScreen:
    app = pilot.app
    await app.switch_mode("clearing_settings")
    await wait_for(pilot, lambda: isinstance(app.screen, ClearingSettingsScreen))
    screen = app.screen
    assert isinstance(screen, ClearingSettingsScreen)
    await wait_for(pilot, lambda: screen.shown is not None or screen.refused)
    return screen


async def test_a_clerk_is_refused_below_the_screen(tmp_path: Path) -> None:
    from storage.audit.chain import AuditEntry
    from storage.config.stored import AppSetting

    app = demo_app(tmp_path, demo_disk=False)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "clerk", "clerk")
        screen = await _open_settings(pilot)
        assert "主管" in plain(screen.query_one("#cs-message"))
        assert not screen.query_one("#cs-row-smtp_url").display
        await pilot.press("ctrl+s")  # nothing to save, nothing saved
        await pilot.pause(0.2)
        with app.store_connection():
            denied = list(AuditEntry.select().where(AuditEntry.action == "denied"))
            assert [(e.username, e.target) for e in denied] == [("clerk", "change_settings")]
            assert AppSetting.select().count() == 0


async def test_a_supervisor_saves_it_is_audited_and_every_terminal_follows(tmp_path: Path) -> None:
    from storage.audit.chain import AuditEntry
    from storage.config.stored import AppSetting

    path = tmp_path / "shared.db"
    prepare_demo_store(path, today=TODAY)
    office, front = _terminal(path), _terminal(path)
    async with (
        office.run_test(size=SIZE) as pilot,
        front.run_test(size=SIZE, notifications=True) as other,
    ):
        await log_in(pilot, "super", "super")
        await log_in(other, "clerk", "clerk")
        await wait_for(other, lambda: front.notice_feed.last_id is not None)
        # from the command palette, as a supervisor finds it
        await pilot.press("ctrl+p")
        await pilot.press(*"清卡设置")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(office.screen, ClearingSettingsScreen))
        screen = office.screen
        assert isinstance(screen, ClearingSettingsScreen)
        await wait_for(pilot, lambda: screen.shown is not None)
        assert screen.box("clear_remind_days").value == "5"
        # a bad value: told, nothing saved
        screen.box("clear_remind_days").value = "40"
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: "提前提醒天数 '40' 无效" in plain(screen.query_one("#cs-message"))
        )
        screen.box("clear_remind_days").value = "8"
        screen.box("peak_hours").value = "09:00-11:30, 14:00-17:00"
        screen.box("notify_to").value = "finance@example.com"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "已保存" in plain(screen.query_one("#cs-message")))
        assert "super" in plain(screen.query_one("#cs-changed"))
        with office.store_connection():
            stored = {row.key: row.value for row in AppSetting.select()}
            entry = AuditEntry.select().where(AuditEntry.action == "settings.change").get()
        assert stored == {"clear_remind_days": "8", "notify_to": '["finance@example.com"]',
                          "peak_hours": '["09:00-11:30", "14:00-17:00"]'}  # fmt: skip
        assert entry.username == "super"
        # the other terminal picks the new values up and tells its user
        started = time.monotonic()
        while front.clear_remind_days != 8:
            assert time.monotonic() - started < 5
            await other.pause(0.05)
        assert front.settings.notify_to == ("finance@example.com",)
        await wait_for(other, partial(_shows, front, "super 修改了清卡设置"))
        await pilot.press("escape")
        await wait_for(pilot, lambda: type(office.screen).__name__ == "LookupScreen")


async def test_a_setting_fixed_by_the_environment_cannot_be_changed_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAPIAO_SMTP_URL", "smtp://mail.example.com:25")
    app = demo_app(tmp_path, demo_disk=False, smtp_url="smtp://mail.example.com:25")
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "super", "super")
        screen = await _open_settings(pilot)
        box = screen.box("smtp_url")
        assert box.disabled and box.value == "smtp://mail.example.com:25"
        assert "FAPIAO_SMTP_URL" in plain(screen.query_one("#cs-hint-smtp_url"))
        assert isinstance(app.focused, Input) and app.focused.id == "cs-peak_hours"


async def _settings_screen(pilot: Pilot[Any]) -> None:
    await log_in(pilot, "super", "super")
    await _open_settings(pilot)
    await pilot.pause()


def test_clearing_settings_snapshot(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = demo_app(tmp_path, demo_disk=False)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settings_screen)
