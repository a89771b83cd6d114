"""The app driven by keys at 80×24, on a copy of the demo store: what the clerk sees."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.command import CommandInput, CommandList, CommandPalette
from textual.widgets import DataTable, Input, Static

from storage.accounts.users import add_user
from storage.config.settings import Settings
from storage.lookup.engine import CauseKind
from storage.store.database import close_database, open_database
from storage.store.models import Role, User
from storage.store.schema import upgrade
from tests.support.tui import (
    MISSING_NUMBER,
    NORMAL_NUMBER,
    OTHER_BRANCH_NUMBER,
    RED_NUMBER,
    VOID_NUMBER,
    demo_app,
    log_in,
    look_up,
    plain,
    toasts,
    wait_for,
)
from tui.app import FapiaoApp, few_colours
from tui.disk_state import DiskState
from tui.screens.clearing import ClearingScreen
from tui.screens.detail import DetailScreen
from tui.screens.help import HelpScreen
from tui.screens.login import LoginScreen
from tui.screens.lookup import LookupScreen
from tui.screens.placeholder import PlaceholderScreen
from tui.widgets.diagnosis import Diagnosis
from tui.widgets.disk_strip import DiskStrip
from tui.widgets.header import AppHeader
from tui.widgets.invoice_table import InvoiceTable
from tui.widgets.key_hints import KeyHints

SIZE = (80, 24)


def table_rows(table: DataTable[Any]) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def message_of(app: FapiaoApp) -> str:
    return plain(app.screen.query_one("#login-message", Static))


async def test_demo_login_shows_hint_and_a_wrong_password_reads_like_an_unknown_name(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store_state == "ready")
        assert isinstance(app.screen, LoginScreen)
        hint = app.screen.query_one("#demo-hint")
        assert hint.display
        assert plain(hint) == "演示账户：clerk/clerk（前台）super/super（主管）"
        password = app.screen.query_one("#password", Input)
        answers = []
        for name in ("clerk", "nobody"):  # a known name, then an unknown one
            app.screen.query_one("#username", Input).value = name
            app.screen.query_one("#login-message", Static).update("")  # the last answer goes
            password.value = "wrong"
            password.focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: not password.disabled and bool(message_of(app)))
            answers.append(message_of(app))
            assert app.session is None
            assert password.value == ""  # cleared for the retry
            assert app.focused is password
        assert answers == ["用户名或密码错误", "用户名或密码错误"]


async def test_five_wrong_passwords_lock_the_account(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store_state == "ready")
        await pilot.press(*"clerk", "enter")
        password = app.screen.query_one("#password", Input)
        for _ in range(5):
            await wait_for(pilot, lambda: not password.disabled)
            app.screen.query_one("#login-message", Static).update("")
            password.value = "nope"
            await pilot.press("enter")
            await wait_for(pilot, lambda: not password.disabled and bool(message_of(app)))
            assert message_of(app) == "用户名或密码错误"
        with app.store_connection():
            assert User.get(User.username == "clerk").locked_until is not None
        app.screen.query_one("#login-message", Static).update("")
        password.value = "clerk"
        await pilot.press("enter")  # even the right password is refused now, in the same words
        await wait_for(pilot, lambda: not password.disabled and bool(message_of(app)))
        assert message_of(app) == "用户名或密码错误"
        assert app.session is None


async def test_login_is_not_offered_on_a_store_without_users(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    upgrade(open_database(url))  # `fapiao db upgrade`: a store, no users yet
    close_database()
    app = FapiaoApp(Settings(database_url=url).with_defaults())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store_state != "opening")
        assert app.store_state == "no_users"
        assert "还没有任何用户：请先用 fapiao user add 创建第一位主管" in message_of(app)
        assert not app.screen.query_one("#username", Input).display or not any(
            row.display for row in app.screen.query(".login-row")
        )
        assert not app.screen.query_one("#demo-hint").display  # not in demo mode


async def test_real_store_login_and_demo_accounts_refused_outside_demo(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(open_database(url))
    add_user("wang", "s3cret-pass", role=Role.SUPERVISOR, branch="总部", all_branches=True)
    add_user("clerk", "clerk", role=Role.CLERK, branch="总部", demo=True)
    close_database()
    app = FapiaoApp(Settings(database_url=url).with_defaults())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store_state == "ready")
        assert not app.screen.query_one("#demo-hint").display
        await pilot.press(*"clerk", "enter", *"clerk", "enter")
        await wait_for(pilot, lambda: "演示" in message_of(app))
        assert message_of(app) == "演示账户只能在演示模式使用"
        await log_in(pilot, "wang", "s3cret-pass", keys=True)
        assert "wang（主管）· 总部" in plain(app.screen.query_one(AppHeader).query_one("#who"))


async def test_unreachable_store_is_said_in_words(tmp_path: Path) -> None:
    app = FapiaoApp(Settings(database_url="mysql://nowhere/x").with_defaults())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store_state != "opening")
        assert app.store_state == "failed"
        assert message_of(app).startswith("无法打开数据库：")


async def test_login_leads_to_lookup_with_user_role_branch_and_disk_strip(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, keys=True)
        assert isinstance(app.screen, LookupScreen)
        header = app.screen.query_one(AppHeader)
        assert "clerk（前台）· 总部" in plain(header.query_one("#who"))
        strip = header.query_one(DiskStrip)
        # the demo's own disk (simulator + device service in the app), a clear due in 3 days:
        # inside the 5 reminder days, so the deadline is marked "!"; at 80 columns beside the
        # whole user, branch and [演示]: connected, the days left and the stock
        expected = "税控盘 ● 已连接 004 已抄税未清卡 !剩3天 库存 120"
        await wait_for(pilot, lambda: plain(strip) == expected)
        query = app.screen.query_one("#query", Input)
        assert query.placeholder == "发票号码 / 代码 / 二维码 / 购方名称 / 税号"
        assert query.cursor_blink is False  # no idle redraws over SSH
        # the strip follows the app's disk state (the disk poller will set it)
        app.disk_state = DiskState(configured=True, connected=True, detail="库存 120")
        await pilot.pause()
        assert plain(strip) == "税控盘 ● 已连接 | 库存 120"
        app.disk_state = DiskState(configured=True, connected=False)
        await pilot.pause()
        assert plain(strip) == "税控盘 ○ 未连接"


async def test_typed_number_shows_its_status_and_enter_opens_the_detail(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, RED_NUMBER, keys=True)
        rows = table_rows(app.screen.query_one(InvoiceTable))
        assert len(rows) == 1
        status, date, kind, number, _buyer, total = rows[0]
        assert (status, date, kind, number) == ("红冲", "2026-02-16", "数电专", RED_NUMBER)
        assert total == "-19,797.50"
        assert "找到 1 张" in plain(app.screen.query_one("#lookup-status"))
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.view)
        screen = app.screen
        assert isinstance(screen, DetailScreen)
        headline = plain(screen.query_one("#detail-status"))
        assert "状态：红冲" in headline and RED_NUMBER in headline
        fields = plain(screen.query_one("#detail-fields"))
        for label in (
            "发票号码",
            "开票日期",
            "金额（不含税）",
            "税额",
            "价税合计",
            "税率",
            "红冲原票",
        ):
            assert label in fields
        assert "26112000000000000285" in fields  # the invoice it reverses
        assert "-19,797.50" in fields
        # A red invoice has no lines of its own: said so, not "明细（0 行）" over an empty table.
        assert plain(screen.query_one("#lines-title")) == (
            "明细：红冲发票不列明细，见原发票 26112000000000000285"
        )
        assert not screen.query_one("#lines", DataTable).display
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, LookupScreen))


async def test_detail_shows_parties_and_lines(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, NORMAL_NUMBER)
        await pilot.press("enter")  # Enter on the one match opens it: no second key
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.view)
        screen = app.screen
        assert isinstance(screen, DetailScreen) and screen.view is not None
        assert "状态：正常" in plain(screen.query_one("#detail-status"))
        parties = plain(screen.query_one("#detail-parties"))
        for label in ("发票类型", "购方名称", "购方税号", "销方名称", "销方税号"):
            assert label in parties
        assert "青岛同创信息技术有限公司" in parties
        lines = screen.query_one("#lines", DataTable)
        assert lines.row_count == len(screen.view.lines) == 1
        cells = [str(c) for c in lines.get_row_at(0)]
        assert cells[-3:] == ["1,000.00", "13%", "130.00"]
        line = screen.view.lines[0]
        assert cells[1:5] == [line.spec, line.unit, line.quantity, "1,000.00"]  # price as money
        assert "同步时间 —" not in plain(screen.query_one("#detail-fields"))
        await pilot.press("f2")  # F2 on a detail goes back to the list, query kept
        await wait_for(pilot, lambda: isinstance(app.screen, LookupScreen))
        assert app.screen.query_one("#query", Input).value == NORMAL_NUMBER


async def test_no_match_shows_the_diagnosis(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, MISSING_NUMBER)
        diagnosis = app.screen.query_one(Diagnosis)
        assert diagnosis.display and not app.screen.query_one(InvoiceTable).display
        assert f"没有找到：{MISSING_NUMBER}" in plain(app.screen.query_one("#lookup-status"))
        shown = "\n".join(plain(option.prompt) for option in diagnosis.options)
        result = app.screen.result  # type: ignore[attr-defined]
        # Every cause is listed, numbered; a number nowhere in the store ends with NOT_HERE.
        assert result.causes and result.causes[-1].kind is CauseKind.NOT_HERE
        for number, cause in enumerate(result.causes, start=1):
            assert f"{number}. {cause.title.text()}" in shown
        assert f"{len(result.causes)}. 本系统中没有这张发票" in shown


async def test_other_branch_invoice_is_not_shown_to_the_clerk(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, OTHER_BRANCH_NUMBER)
        assert app.screen.query_one(InvoiceTable).row_count == 0
        assert app.screen.query_one(Diagnosis).display


async def test_f7_hides_and_shows_void_and_red(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, VOID_NUMBER)
        table = app.screen.query_one(InvoiceTable)
        assert table_rows(table)[0][0] == "作废"
        status = app.screen.query_one("#lookup-status")
        assert "作废/红冲：显示" in plain(status)
        await pilot.press("f7")
        assert app.show_void_red is False
        await wait_for(pilot, lambda: "作废/红冲：隐藏" in plain(status))
        await wait_for(pilot, lambda: "正在查询" not in plain(status))
        # hidden: the void invoice leaves the list, and the diagnosis says why
        assert not table.display or table.row_count == 0
        diagnosis = app.screen.query_one(Diagnosis)
        shown = "\n".join(plain(option.prompt) for option in diagnosis.options)
        assert diagnosis.display and "1. 发票已作废或红冲，当前视图未显示" in shown
        await pilot.press("f7")
        await wait_for(pilot, lambda: "作废/红冲：显示" in plain(status))
        await wait_for(pilot, lambda: table.display and table.row_count == 1)
        assert table_rows(table)[0][0] == "作废"


async def test_f_keys_switch_screens_and_esc_comes_back(tmp_path: Path) -> None:
    app = demo_app(tmp_path, support=("电话 400-000-0000", "help@example.com"))
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("f4")
        await wait_for(pilot, lambda: isinstance(app.screen, ClearingScreen))
        assert "1 检查" in plain(app.screen.query_one("#clear-steps"))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, LookupScreen))
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        help_text = plain(app.screen.query_one("#help-text"))
        assert "F2  发票查询" in help_text and "Ctrl+Q  退出" in help_text
        assert help_text.count("Ctrl+P") == 1  # one line for the palette, not two
        assert "电话 400-000-0000" in help_text and "help@example.com" in help_text
        await pilot.press("f4")  # from help straight to another screen
        await wait_for(pilot, lambda: isinstance(app.screen, ClearingScreen))
        await pilot.press("f2")
        await wait_for(pilot, lambda: isinstance(app.screen, LookupScreen))


async def test_f_keys_do_nothing_before_login_but_help_works(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store_state == "ready")
        await pilot.press("f3", "f7")
        assert isinstance(app.screen, LoginScreen) and app.show_void_red is True
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        assert "未配置联系方式" in plain(app.screen.query_one("#help-text"))
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen))


async def test_f8_switches_the_language_and_back(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, VOID_NUMBER)
        await pilot.press("f8")
        assert app.language == "en"  # the app's choice (no process-wide language)
        screen = app.screen
        assert screen.query_one("#query", Input).placeholder.startswith("number / code")
        assert table_rows(screen.query_one(InvoiceTable))[0][0] == "void"
        assert "clerk (clerk) · 总部" in plain(screen.query_one(AppHeader).query_one("#who"))
        assert "F1 Help" in plain(screen.query_one(KeyHints))
        assert plain(screen.query_one(DiskStrip)).startswith("Disk ● connected 004 to clear")
        await pilot.press("f8")
        assert app.language == "zh"  # the app's choice (no process-wide language)
        assert "F1 帮助" in plain(screen.query_one(KeyHints))


async def test_escape_clears_the_box_and_ctrl_q_quits(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, NORMAL_NUMBER)
        await pilot.press("down")
        assert app.focused is app.screen.query_one(InvoiceTable)
        await pilot.press("escape")
        query = app.screen.query_one("#query", Input)
        assert query.has_focus
        await pilot.press("escape")
        assert query.value == ""
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.return_code == 0
    assert not app.is_running


async def test_command_palette_lists_the_screens(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        assert app.screen.query_one(CommandInput).placeholder.startswith("输入命令")
        await pilot.press(*"清卡")
        commands = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: commands.option_count == 2)  # the wizard and its log
        prompts = [str(commands.get_option_at_index(i).prompt) for i in range(2)]
        assert any("打开清卡 (F4)" in p for p in prompts) and any(
            "打开清卡记录" in p for p in prompts
        )
        await pilot.press(*" (F4)")
        await wait_for(pilot, lambda: commands.option_count == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ClearingScreen))


def test_every_binding_has_an_id_and_none_sits_on_ctrl_h_i_m() -> None:
    classes = (FapiaoApp, LookupScreen, DetailScreen, HelpScreen, PlaceholderScreen, LoginScreen)
    for cls in classes:
        for binding in cls.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding)
            assert binding.id, binding
            assert not {"ctrl+h", "ctrl+i", "ctrl+m"} & set(binding.key.split(","))


def test_sixteen_colour_terminals_get_the_ansi_theme() -> None:
    assert few_colours({"TERM": "linux"})
    assert few_colours({"TERM": "xterm"})
    assert not few_colours({"TERM": "xterm-256color"})
    assert not few_colours({"TERM": "xterm", "COLORTERM": "truecolor"})
    app = FapiaoApp(Settings().with_defaults(), ansi=True)
    assert app.theme == "ansi-dark"


async def test_a_failing_lookup_is_told_and_logged_not_stuck(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import storage.lookup.engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot)
        monkeypatch.setattr(storage.lookup.engine, "lookup", broken)
        app.screen.query_one("#query", Input).value = "10000001"
        await wait_for(pilot, lambda: any("RuntimeError" in shown for shown in toasts(app)))
        status = app.screen.query_one("#lookup-status", Static)
        await wait_for(pilot, lambda: "正在查询" not in plain(status))
    assert any("worker lookup" in r.getMessage() or "failed" in r.getMessage()
               for r in caplog.records if r.name == "fapiao.tui")  # fmt: skip


async def test_a_pasted_page_is_refused_in_words_not_as_a_store_failure(tmp_path: Path) -> None:
    pasted = "".join(chr(0x4E00 + i) for i in range(1000))
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot)
        box = app.screen.query_one("#query", Input)
        box.value = pasted
        text = box.value.strip()  # what the box kept of the paste
        await wait_for(pilot, lambda: app.screen.result is not None  # type: ignore[attr-defined]
                       and app.screen.result.query == text)  # type: ignore[attr-defined]  # fmt: skip
        diagnosis = app.screen.query_one(Diagnosis)
        shown = "\n".join(plain(option.prompt) for option in diagnosis.options)
        assert diagnosis.display and "太长" in shown and "最多 200 个字" in shown
        assert "无法按此查询" in plain(app.screen.query_one("#lookup-status", Static))
        assert not any("错误" in shown or "数据库" in shown for shown in toasts(app))


async def test_a_search_the_store_refuses_is_said_on_the_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import peewee

    import storage.lookup.engine

    def refused(*args: object, **kwargs: object) -> None:
        raise peewee.OperationalError("Expression tree is too large (maximum depth 1000)")

    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot)
        monkeypatch.setattr(storage.lookup.engine, "find", refused)
        await look_up(pilot, "华信")
        shown = "\n".join(plain(o.prompt) for o in app.screen.query_one(Diagnosis).options)
        assert "查询失败" in shown
        assert not any("OperationalError" in shown for shown in toasts(app))
