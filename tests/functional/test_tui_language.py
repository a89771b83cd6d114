"""F8 at 80×24: the screen's words in the other language — status lines included — said
again from what the screen kept, without searching or reading the store again; and no
English left in Chinese mode (issue 12, rough edge 4; issue 11, item 3)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable, Input

import storage.lookup.engine as engine
from storage.messages import catalogue
from tests.support.tui import MISSING_NUMBER, demo_app, log_in, look_up, plain, wait_for
from tui.demo_disk import PIN
from tui.screens.audit_log import AuditLogScreen
from tui.screens.disk import DiskScreen
from tui.screens.login import LoginScreen
from tui.widgets.diagnosis import Diagnosis
from tui.widgets.key_hints import KeyHints

SIZE = (80, 24)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _options(diagnosis: Diagnosis) -> str:
    return "\n".join(plain(option.prompt) for option in diagnosis.options)


async def test_f8_says_the_diagnosis_and_its_status_line_again_without_searching_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    searched: list[str] = []
    real_lookup = engine.lookup

    def counted(text: str, *args: Any, **kwargs: Any) -> engine.LookupResult:
        searched.append(text)
        return real_lookup(text, *args, **kwargs)

    monkeypatch.setattr(engine, "lookup", counted)  # the screen's worker imports it per call
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, MISSING_NUMBER)
        screen = app.screen
        diagnosis = screen.query_one(Diagnosis)
        status = screen.query_one("#lookup-status")
        await wait_for(pilot, lambda: "本系统中没有这张发票" in _options(diagnosis))
        assert f"没有找到：{MISSING_NUMBER}" in plain(status)
        searches = len(searched)

        await pilot.press("f8")
        await wait_for(pilot, lambda: "this invoice is not in the store" in _options(diagnosis))
        shown = _options(diagnosis)
        assert not CJK.search(shown), shown  # causes, details, actions: all in English
        assert plain(status).startswith(f"not found: {MISSING_NUMBER}")
        assert not CJK.search(plain(status))
        assert "F1 Help" in plain(screen.query_one(KeyHints))

        await pilot.press("f8")
        await wait_for(pilot, lambda: "本系统中没有这张发票" in _options(diagnosis))
        assert f"没有找到：{MISSING_NUMBER}" in plain(status)
        assert len(searched) == searches  # said again from the kept result, not searched again


async def test_a_status_line_on_the_login_screen_follows_f8(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store_state == "ready")
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        await wait_for(pilot, lambda: not screen.query_one("#username", Input).disabled)
        screen.query_one("#password", Input).focus()
        await pilot.press("enter")  # no user name
        message = screen.query_one("#login-message")
        await wait_for(pilot, lambda: plain(message) == "请输入用户名")
        await pilot.press("f8")
        await wait_for(pilot, lambda: plain(message) == "Enter your user name")
        assert plain(screen.query_one("#username-label")) == "User name"
        await pilot.press("f8")
        await wait_for(pilot, lambda: plain(message) == "请输入用户名")


async def test_the_audit_log_shows_details_by_name_and_its_result_line_follows_f8(
    tmp_path: Path,
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "super", "super")
        await app.run_action("open('audit')")
        await wait_for(pilot, lambda: isinstance(app.screen, AuditLogScreen))
        screen = app.screen
        assert isinstance(screen, AuditLogScreen)
        await wait_for(pilot, lambda: screen.rows)
        detail = screen.query_one("#audit-detail")
        with_details = [i for i, row in enumerate(screen.rows) if row.detail.startswith("{")]
        assert with_details, "the demo log has entries with details"
        for index in with_details:
            screen.table.move_cursor(row=index)
            await pilot.pause()
            assert '{"' not in plain(detail) and '":' not in plain(detail), plain(detail)
        last = with_details[-1]  # (the cursor is on it) its first field, named in Chinese
        field = sorted(json.loads(screen.rows[last].detail))[0]
        zh_name, en_name = catalogue()[f"tui.audit.field.{field}"]
        assert f" · {zh_name} " in plain(detail), plain(detail)

        await pilot.press("v")
        result = screen.query_one("#audit-result")
        await wait_for(pilot, lambda: "哈希链校验通过" in plain(result))
        await pilot.press("f8")
        await wait_for(pilot, lambda: "hash chain verified" in plain(result))
        assert not CJK.search(plain(result))
        assert f" · {en_name} " in plain(detail), plain(detail)
        headers = [str(column.label) for column in screen.table.columns.values()]
        assert headers[:3] == ["Seq", "Time", "User"]


async def test_the_disk_log_names_its_operations_in_the_language_shown(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("f6")
        await wait_for(pilot, lambda: isinstance(app.screen, DiskScreen))
        screen = app.screen
        await wait_for(pilot, lambda: app.disk_state.connected)
        await pilot.press(*PIN, "enter")
        message = screen.query_one("#disk-message")
        await wait_for(pilot, lambda: "已登录税控盘" in plain(message))
        log = screen.query_one("#disk-log", DataTable)

        def operations() -> list[str]:
            return [str(log.get_row_at(i)[1]) for i in range(log.row_count)]

        await wait_for(pilot, lambda: "登录" in operations())
        assert "LOGIN" not in operations()
        await pilot.press("f8")
        await wait_for(pilot, lambda: "log in" in operations())
        assert "logged in to the disk" in plain(message)  # the status line, said again


async def test_the_palette_says_no_match_in_chinese(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"zzzq")
        commands = app.screen.query_one(CommandList)

        def prompts() -> list[str]:
            return [
                str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)
            ]

        await wait_for(pilot, lambda: "没有匹配的命令" in prompts())
        await pilot.pause(0.7)  # past Textual's own half-second "no matches" countdown
        assert not any("No matches" in p for p in prompts())
        await pilot.press("enter")  # choosing it just closes the palette
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))


async def test_a_thread_worker_renders_in_the_language_shown_when_it_started(
    tmp_path: Path,
) -> None:
    # The refusal is worded in the login worker's thread (storage renders it as it raises):
    # the thread gets the app's language of the moment, not the default one.
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store_state == "ready")
        screen = app.screen
        await wait_for(pilot, lambda: not screen.query_one("#username", Input).disabled)
        await pilot.press("f8")
        screen.query_one("#username", Input).value = "clerk"
        screen.query_one("#password", Input).value = "not-the-password"
        screen.query_one("#password", Input).focus()
        await pilot.press("enter")
        message = screen.query_one("#login-message")
        await wait_for(pilot, lambda: "password" in plain(message), timeout=15)
        assert plain(message) == "wrong user name or password"
