"""The live disk in the app at 80×24: the simulator on a pty, the device service, the app as
one of its terminals — the header strip, F6, login, sync, and "not synced yet"."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from devices.service_client import ServiceClient, ServiceConnection
from devices.simulator import Disk
from storage.audit.chain import AuditEntry
from storage.lookup.engine import CauseKind
from storage.store.models import Invoice, Source
from tests.support.disk import PIN, restart_after_first_page
from tests.support.tui import demo_app, disk_service, log_in, look_up, plain, toasts, wait_for
from tui.app import FapiaoApp
from tui.messages import DiskStateChanged
from tui.screens.disk import DiskScreen
from tui.widgets.diagnosis import SYNC, Diagnosis
from tui.widgets.disk_strip import DiskStrip
from tui.widgets.header import AppHeader

SIZE = (80, 24)
SnapCompare = Callable[..., bool]
REPORTED = "税控盘 ● 已连接 004 已抄税未清卡 !剩3天 库存 120"  # at 80 columns, beside the user


def strip_of(app: FapiaoApp) -> str:
    return plain(app.screen.query_one(AppHeader).query_one(DiskStrip))


async def until_strip(pilot: Pilot[Any], app: FapiaoApp, text: str, timeout: float) -> float:
    started = time.monotonic()
    try:
        await wait_for(pilot, lambda: strip_of(app) == text, timeout=timeout)
    except AssertionError as exc:
        raise AssertionError(f"no {text!r} after {timeout:g} s: {strip_of(app)!r}") from exc
    return time.monotonic() - started


@pytest.mark.serial  # timing: keys or polls within a deadline
async def test_strip_shows_the_disk_live_and_follows_its_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with disk_service(monkeypatch) as (_disk, server, service):
        app = demo_app(tmp_path, device_url=server.url)
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot)
            assert await until_strip(pilot, app, REPORTED, 2.0) < 2.0
            # Another terminal moves the disk's clock past the deadline: the types lock.
            other = ServiceClient(ServiceConnection(service.socket_path).connect())
            other.sim(clock="2026-04-16T10:00:00+08:00")
            other.close()
            started = time.monotonic()
            await wait_for(pilot, lambda: "已锁死" in strip_of(app), timeout=5.0)
            assert time.monotonic() - started < 2.5, strip_of(app)  # a 2 s poll, then the frame
            assert strip_of(app).startswith("税控盘 ● 已连接 | ") and "已锁死" in strip_of(app)
            # The cable is pulled, the app running meanwhile (stopping the simulator waits for
            # its threads). The link gives up after 6 silent tries of 0.2 s, at the next poll
            # (2 s); the bound allows a send's own 2 s write timeout twice over, as one CI run
            # on a busy machine saw the link's tries stall past a 5 s bound.
            await asyncio.to_thread(server.stop)
            await until_strip(pilot, app, "税控盘 ○ 未连接", 10.0)


async def test_nothing_is_redrawn_while_the_disk_is_idle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with disk_service(monkeypatch) as (_disk, server, service):
        app = demo_app(tmp_path, device_url=server.url)
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot)
            await until_strip(pilot, app, REPORTED, 2.0)
            await pilot.pause(0.5)
            strip = app.screen.query_one(AppHeader).query_one(DiskStrip)
            renders: list[int] = []
            original = strip.render

            def counted() -> Any:
                renders.append(1)
                return original()

            strip.render = counted  # type: ignore[method-assign]
            published, polls = app.disk_live.published, service.polls
            await pilot.pause(3.5)
            assert service.polls - polls >= 3  # the disk was asked...
            assert app.disk_live.published == published  # ...and nothing changed on screen
            assert renders == []


async def disk_screen(pilot: Pilot[Any], *, pin: str | None = None) -> DiskScreen:
    """Log in as the clerk, open F6, and (with ``pin``) log in to the disk."""
    app = pilot.app
    await log_in(pilot)
    await pilot.press("f6")
    await wait_for(pilot, lambda: isinstance(app.screen, DiskScreen))
    screen = app.screen
    assert isinstance(screen, DiskScreen)
    if pin is not None:
        await wait_for(pilot, lambda: app.disk_state.connected)  # type: ignore[attr-defined]
        await pilot.press(*pin, "enter")
        await wait_for(pilot, lambda: "已登录税控盘" in plain(screen.query_one("#disk-message")))
    return screen


async def test_f6_shows_the_disk_and_a_wrong_pin_is_sent_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with disk_service(monkeypatch) as (disk, server, _service):
        app = demo_app(tmp_path, device_url=server.url)
        async with app.run_test(size=SIZE) as pilot:
            await disk_screen(pilot)
            facts = app.screen.query_one("#disk-facts")
            await wait_for(pilot, lambda: "设备号 661620039941" in plain(facts))
            text = plain(facts)
            assert "型号 TC-100" in text and "固件 2.3.1" in text
            assert "北京某某商贸有限公司（91110105MA005AEF36）" in text
            assert "盘上时间 2026-03-15" in text and "未登录" in text
            types = app.screen.query_one("#disk-types", DataTable)
            rows = [[str(c) for c in types.get_row_at(i)] for i in range(types.row_count)]
            assert [row[0] for row in rows] == ["004", "007", "026", "028"]
            assert rows[0] == ["004", "已抄税未清卡", "03-18", "03-01~18", "03-13", "120",
                               "100,000", "72小时/500,000"]  # fmt: skip
            assert "登录后显示税控盘日志" in str(
                app.screen.query_one("#disk-log", DataTable).get_row_at(0)[3]
            )
            assert "演示口令 88888888" in plain(app.screen.query_one("#disk-demo-hint"))
            box = app.screen.query_one("#disk-pin", Input)
            assert box.password
            await pilot.press(*"12345678", "enter")
            message = app.screen.query_one("#disk-message")
            await wait_for(pilot, lambda: "还可尝试" in plain(message))
            assert plain(message) == "口令错误，还可尝试 4 次（不会自动重试）"
            assert box.value == ""
            await pilot.pause(1.5)  # nothing tries again behind the clerk's back
            assert disk.executions["LOGIN"] == 1 and disk.state.pin_tries_left == 4


async def test_login_and_sync_from_f6_fill_the_store_and_the_audit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with disk_service(monkeypatch) as (disk, server, _service):
        app = demo_app(tmp_path, device_url=server.url)
        async with app.run_test(size=SIZE) as pilot:
            screen = await disk_screen(pilot, pin=PIN)
            log = screen.query_one("#disk-log", DataTable)
            await wait_for(pilot, lambda: "登录" in [str(c) for c in log.get_row_at(0)])
            numbers = [rec["number"] for rec in disk.state.invoices]
            on_disk = Invoice.select().where(Invoice.number.in_(numbers))
            assert on_disk.count() == 0
            await pilot.press("f9")
            await wait_for(pilot, lambda: not app.disk_live.sync_running, timeout=15)
            await wait_for(pilot, lambda: app.disk_live.store_seq == disk.state.last_seq)
            synced = on_disk.count()
            assert synced == len(numbers)
            assert all(i.source == Source.DISK.value and i.branch == "总部" for i in on_disk)
            entry = AuditEntry.select().where(AuditEntry.action == "sync").get()
            assert entry.username == "clerk" and f'"added": {synced}' in entry.detail


async def test_a_number_only_the_disk_has_is_diagnosed_not_synced_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with disk_service(monkeypatch) as (disk, server, _service):
        app = demo_app(tmp_path, device_url=server.url)
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot)
            await wait_for(pilot, lambda: app.disk_live.lookup_seqs()[0] is not None)
            assert app.disk_live.lookup_seqs() == (disk.state.last_seq, 0)
            number = disk.state.invoices[-1]["number"]
            await look_up(pilot, number)
            causes = app.screen.result.causes  # type: ignore[attr-defined]
            assert causes and causes[0].kind is CauseKind.NOT_SYNCED


def _on_f6(pilot: Pilot[Any]) -> Any:
    async def run() -> None:
        app = pilot.app
        await disk_screen(pilot)
        types = app.screen.query_one("#disk-types", DataTable)
        await wait_for(pilot, lambda: types.row_count == 4, timeout=5)
        await wait_for(pilot, lambda: "设备号" in plain(app.screen.query_one("#disk-facts")))
        await pilot.pause(0.2)

    return run()


def test_f6_snapshot(snap_compare: SnapCompare, tmp_path: Path) -> None:
    # The demo's own disk: a fixed day, so a fixed disk clock and state.
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=_on_f6)


async def test_sync_chosen_under_the_not_synced_cause_then_finds_the_invoice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with disk_service(monkeypatch) as (disk, server, _service):
        app = demo_app(tmp_path, device_url=server.url)
        async with app.run_test(size=SIZE) as pilot:
            await disk_screen(pilot, pin=PIN)  # the disk's INVOICES need its PIN first
            await pilot.press("f2")
            number = disk.state.invoices[-1]["number"]
            await wait_for(pilot, lambda: app.disk_live.lookup_seqs()[0] is not None)
            await look_up(pilot, number)
            screen = app.screen
            assert screen.result.causes[0].kind is CauseKind.NOT_SYNCED  # type: ignore[attr-defined]
            diagnosis = screen.query_one(Diagnosis)
            diagnosis.focus()
            sync_index = next(i for i, option in enumerate(diagnosis.options) if option.id == SYNC)
            diagnosis.highlighted = sync_index
            await pilot.press("enter")
            await wait_for(pilot, lambda: not app.disk_live.sync_running, timeout=15)
            # the lookup runs again by itself and now finds it
            await wait_for(pilot, lambda: bool(screen.result and screen.result.matches), timeout=5)  # type: ignore[attr-defined]
            assert screen.result.matches[0].number == number  # type: ignore[attr-defined]


async def test_sync_from_a_not_found_answer_asks_for_the_pin_right_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It once failed with "请先登录税控盘" and no way on (issue 12, rough edge 1)."""
    from tui.screens.clearing_dialogs import PinDialog

    with disk_service(monkeypatch) as (disk, server, _service):
        app = demo_app(tmp_path, device_url=server.url)
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot)
            number = disk.state.invoices[-1]["number"]
            await wait_for(pilot, lambda: app.disk_live.lookup_seqs()[0] is not None)
            await look_up(pilot, number)
            screen = app.screen
            assert screen.result.causes[0].kind is CauseKind.NOT_SYNCED  # type: ignore[attr-defined]
            diagnosis = screen.query_one(Diagnosis)
            diagnosis.focus()
            diagnosis.highlighted = next(
                i for i, option in enumerate(diagnosis.options) if option.id == SYNC
            )
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, PinDialog))
            await pilot.press(*PIN, "enter")
            await wait_for(pilot, lambda: app.screen is screen)
            await wait_for(pilot, lambda: disk.executions["INVOICES"] > 0, timeout=15)
            await wait_for(pilot, lambda: not app.disk_live.sync_running, timeout=15)
            await wait_for(pilot, lambda: bool(screen.result and screen.result.matches), timeout=5)  # type: ignore[attr-defined]
            assert screen.result.matches[0].number == number  # type: ignore[attr-defined]
            assert disk.executions["LOGIN"] == 1


async def test_f6_refuses_unsent_a_malformed_pin_and_one_the_disk_rejected(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with disk_service(monkeypatch) as (disk, _server, _service):
        app = demo_app(tmp_path, device_url=_server.url)
        async with app.run_test(size=SIZE) as pilot:
            screen = await disk_screen(pilot)
            await wait_for(pilot, lambda: app.disk_state.connected)
            message = screen.query_one("#disk-message")
            await pilot.press(*"abc", "enter")
            await wait_for(pilot, lambda: "6–8 位数字" in plain(message))
            await pilot.press(*"12345678", "enter")
            await wait_for(pilot, lambda: "还可尝试 4 次" in plain(message))
            await pilot.press(*"12345678", "enter")  # the same wrong PIN again
            await wait_for(pilot, lambda: "拒绝过" in plain(message))
            assert disk.executions["LOGIN"] == 1 and disk.state.pin_tries_left == 4
            await pilot.press(*PIN, "enter")
            await wait_for(pilot, lambda: "已登录税控盘" in plain(message))
            assert disk.executions["LOGIN"] == 2 and disk.state.pin_tries_left == 5


async def _sync_across_a_restart(pilot: Pilot[Any], disk: Disk) -> list[str]:
    app = pilot.app
    assert isinstance(app, FapiaoApp)
    await disk_screen(pilot, pin=PIN)
    await wait_for(pilot, lambda: bool(app.disk_live.status and app.disk_live.status.logged_in))
    restart_after_first_page(disk)
    await pilot.press("f9")
    await wait_for(pilot, lambda: not app.disk_live.sync_running, timeout=15)
    await pilot.pause(0.1)
    return toasts(app)


async def test_a_disk_restart_mid_sync_without_a_pin_at_hand_is_said_in_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import devices.pin

    monkeypatch.setattr(devices.pin, "keyring_pin", lambda: None)
    with disk_service(monkeypatch) as (disk, server, _service):
        app = demo_app(tmp_path, device_url=server.url)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            said = await _sync_across_a_restart(pilot, disk)
    assert any("税控盘中途重启" in text for text in said), said
    assert not any("E_AUTH" in text for text in said)
    assert disk.executions["LOGIN"] == 1


async def test_a_disk_restart_mid_sync_is_logged_in_again_with_the_keyring_pin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import devices.pin

    monkeypatch.setattr(devices.pin, "keyring_pin", lambda: PIN)
    with disk_service(monkeypatch) as (disk, server, _service):
        app = demo_app(tmp_path, device_url=server.url)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            said = await _sync_across_a_restart(pilot, disk)
            await wait_for(pilot, lambda: app.disk_live.store_seq == disk.state.last_seq)
    assert disk.executions["LOGIN"] == 2
    assert not any("重启" in text or "失败" in text for text in said), said
    numbers = [rec["number"] for rec in disk.state.invoices]
    assert Invoice.select().where(Invoice.number.in_(numbers)).count() == len(numbers)


@pytest.mark.parametrize(
    ("width", "strip"),
    [
        (80, "税控盘 ● 已连接 004 已抄税未清卡 !剩3天 库存 120"),
        (120, "税控盘 ● 已连接 | 004 已抄税未清卡 !截止03-18(剩3天) 另3类 | 库存 120"),
        (200, "税控盘 ● 已连接 | 004 已抄税未清卡 !截止03-18(剩3天) | 0"),
    ],
)
async def test_the_header_shows_the_user_whole_and_the_richest_strip_that_fits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, width: int, strip: str
) -> None:
    """At 120 and 200 columns neither the user nor the strip was cut; at 80 the strip keeps
    已连接 and the stock (SPEC's example) beside the whole user, branch and [演示]."""
    with disk_service(monkeypatch) as (_disk, server, _service):
        app = demo_app(tmp_path, device_url=server.url)
        async with app.run_test(size=(width, 24)) as pilot:
            await log_in(pilot)
            await wait_for(pilot, lambda: "已连接" in strip_of(app), timeout=10)
            await wait_for(pilot, lambda: strip_of(app).startswith(strip), timeout=10)
            header = app.screen.query_one(AppHeader)
            who = plain(header.query_one("#who"))
            assert who == "clerk（前台）· 总部 [演示]"
            assert cell_len(who) + cell_len(strip_of(app)) + 4 <= width  # nothing cut


async def test_quitting_while_the_disk_reports_is_no_internal_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk's news came in while the app shut down: the F6 screen, its rows already
    taken down, was asked to show it ("程序内部错误" on the way out, 1 run in 5 here). The
    news is handled here at the worst moment: the screen's rows gone, the screen not yet."""
    handled: list[bool] = []
    leave = DiskScreen.on_unmount

    def news_then_leave(screen: DiskScreen) -> None:
        app = screen.app
        assert isinstance(app, FapiaoApp)
        app.on_disk_state_changed(DiskStateChanged(None))
        handled.append(True)
        leave(screen)

    monkeypatch.setattr(DiskScreen, "on_unmount", news_then_leave)
    with disk_service(monkeypatch) as (_disk, server, _service):
        app = demo_app(tmp_path, device_url=server.url)
        async with app.run_test(size=SIZE) as pilot:
            await disk_screen(pilot)
            await wait_for(pilot, lambda: app.disk_live.status is not None)
    assert handled == [True]
