"""The supervisor's user screen and the audit-log screen at 80×24, on a copy of the demo store."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import DataTable, Input, Select

from storage.accounts.users import AuthError, add_user, authenticate
from storage.audit import chain as audit
from storage.audit.chain import AuditEntry
from storage.store.database import close_database, open_database, write
from storage.store.models import Role, User
from tests.support.tui import demo_app, log_in, plain, wait_for
from tui.app import FapiaoApp
from tui.screens.audit_log import AuditLogScreen
from tui.screens.user_dialogs import AddUserDialog, PasswordDialog, RoleDialog
from tui.screens.users import UsersScreen

SIZE = (80, 24)


def prepared_app(tmp_path: Path, extra_audit: int = 0) -> FapiaoApp:
    """The demo app with real accounts: li (clerk), zhao (clerk, locked out), shen (auditor)."""
    app = demo_app(tmp_path)
    open_database(f"sqlite:///{app.demo_path}")
    add_user("li", "li-pass-1", role=Role.CLERK, branch="总部", by="super")
    add_user("zhao", "zhao-pass-1", role=Role.CLERK, branch="上海分公司", by="super")
    add_user("shen", "shen-pass-1", role=Role.AUDITOR, branch="总部", by="super")
    for _ in range(5):
        with pytest.raises(AuthError):
            authenticate("zhao", "wrong")
    if extra_audit:
        write(
            lambda: [audit.record("bot", "export", target=f"f{i}.csv") for i in range(extra_audit)]
        )
    close_database()
    return app


def rows(table: DataTable[Any]) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def user_row(app: FapiaoApp, name: str) -> User:
    with app.store_connection():
        user: User = User.get(User.username == name)
        return user


async def open_mode(pilot: object, mode: str, screen_type: type) -> object:
    app = pilot.app  # type: ignore[attr-defined]
    await app.run_action(f"open('{mode}')")
    await wait_for(pilot, lambda: isinstance(app.screen, screen_type))  # type: ignore[arg-type]
    return app.screen


async def test_supervisor_adds_resets_unlocks_and_changes_a_role(tmp_path: Path) -> None:
    app = prepared_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "super", "super")
        await pilot.press("ctrl+p")  # reached from the palette
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"用户管理")
        commands = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: commands.option_count == 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, UsersScreen))
        screen = app.screen
        assert isinstance(screen, UsersScreen)
        await wait_for(pilot, lambda: screen.table.row_count == 3)
        shown = {r[0]: r for r in rows(screen.table)}
        assert shown["shen"][1:4] == ["审计", "总部", "本机构"]
        assert shown["zhao"][4].startswith("锁定至 ")
        assert shown["li"][4] == "正常"

        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, AddUserDialog))
        dialog = app.screen
        dialog.query_one("#name", Input).value = "wu"
        dialog.query_one("#role", Select).value = "supervisor"
        dialog.query_one("#password", Input).value = "wu-pass-1"
        dialog.query_one("#password-again", Input).value = "wu-pass-1"
        dialog.query_one("#password-again", Input).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.table.row_count == 4)
        assert plain(screen.query_one("#users-message")) == "已新建用户 wu（主管，总部）"
        assert user_row(app, "wu").role == "supervisor"

        screen.table.move_cursor(row=[r[0] for r in rows(screen.table)].index("li"))
        await pilot.press("p")  # li forgot the password
        await wait_for(pilot, lambda: isinstance(app.screen, PasswordDialog))
        app.screen.query_one("#password", Input).value = "li-new-pass"
        await pilot.press("enter")
        app.screen.query_one("#password-again", Input).value = "li-new-pass"
        await pilot.press("enter")
        await wait_for(
            pilot, lambda: "已重置 li 的密码" in plain(screen.query_one("#users-message"))
        )
        with app.store_connection():
            assert authenticate("li", "li-new-pass", demo_mode=True).username == "li"

        screen.table.move_cursor(row=[r[0] for r in rows(screen.table)].index("zhao"))
        await pilot.press("u")
        await wait_for(pilot, lambda: plain(screen.query_one("#users-message")) == "已解锁 zhao")
        assert user_row(app, "zhao").locked_until is None
        await wait_for(pilot, lambda: {r[0]: r[4] for r in rows(screen.table)}["zhao"] == "正常")

        await pilot.press("r")  # zhao becomes an auditor
        await wait_for(pilot, lambda: isinstance(app.screen, RoleDialog))
        app.screen.query_one("#role", Select).value = "auditor"
        await wait_for(
            pilot, lambda: "zhao 的角色已改为 审计" in plain(screen.query_one("#users-message"))
        )
        assert user_row(app, "zhao").role == "auditor"

        with app.store_connection():
            done = [(e.username, e.action, e.target) for e in AuditEntry.select()
                    .where(AuditEntry.username == "super").order_by(AuditEntry.seq)]  # fmt: skip
        for change in (("super", "user.add", "wu"), ("super", "user.passwd", "li"),
                       ("super", "user.unlock", "zhao"), ("super", "user.role", "zhao")):  # fmt: skip
            assert change in done

        # the supervisor reads the same in the audit log, newest first
        log = await open_mode(pilot, "audit", AuditLogScreen)
        assert isinstance(log, AuditLogScreen)
        await wait_for(pilot, lambda: log.rows)
        top = rows(log.table)[:5]  # li's test log-in sits between
        assert [r[3] for r in top] == ["修改角色", "解锁用户", "登录", "修改密码", "新建用户"]
        assert [r[2] for r in top] == ["super", "super", "li", "super", "super"]
        assert [r[5] for r in top] == ["zhao", "zhao", "", "li", "wu"]
        assert all(r[4] == "成功" for r in top)


@pytest.mark.parametrize("user", ["clerk", "shen"])
async def test_clerk_and_auditor_are_refused_the_user_screen_and_clerk_the_log(
    tmp_path: Path, user: str
) -> None:
    app = prepared_app(tmp_path)
    password = {"clerk": "clerk", "shen": "shen-pass-1"}[user]
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, user, password)
        screen = await open_mode(pilot, "users", UsersScreen)
        assert isinstance(screen, UsersScreen)
        await wait_for(pilot, lambda: screen.refused)
        assert plain(screen.query_one("#users-message")) == "此操作需要 主管 权限"
        assert not screen.table.display and screen.table.row_count == 0
        await pilot.press("a")  # nothing opens
        assert app.screen is screen
        with app.store_connection():
            denied = AuditEntry.select().where(AuditEntry.action == "denied").order_by(
                AuditEntry.seq.desc()).first()  # fmt: skip
        assert (denied.username, denied.target, denied.ok) == (user, "manage_users", False)
        if user != "clerk":
            return
        log = await open_mode(pilot, "audit", AuditLogScreen)  # nor may a clerk read the log
        assert isinstance(log, AuditLogScreen)
        await wait_for(pilot, lambda: log.refused)
        # the service names the first role holding the permission: the supervisor
        assert plain(log.query_one("#audit-result")) == "此操作需要 主管 权限"
        assert not log.table.display and not log.query_one("#audit-filters").display
        assert log.rows == []


async def test_auditor_reads_filters_and_verifies_the_log(tmp_path: Path) -> None:
    app = prepared_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "shen", "shen-pass-1")
        screen = await open_mode(pilot, "audit", AuditLogScreen)
        assert isinstance(screen, AuditLogScreen)
        await wait_for(pilot, lambda: screen.rows)
        first = rows(screen.table)[0]
        assert first[2:5] == ["shen", "登录", "成功"]  # the newest: this log-in
        assert "已显示" in plain(screen.query_one("#audit-status"))

        await pilot.press("v")
        await wait_for(pilot, lambda: "哈希链" in plain(screen.query_one("#audit-result")))
        assert "哈希链校验通过" in plain(screen.query_one("#audit-result"))

        async def apply(**values: str | bool) -> list[list[str]]:
            for name, value in values.items():
                widget = screen.query_one(f"#f-{name}")
                widget.value = value  # type: ignore[attr-defined]
            screen.query_one("#f-user", Input).focus()
            await pilot.press("enter")
            await pilot.pause()  # the filters applied: the rows cleared, the page loading
            await wait_for(pilot, lambda: not screen.loading)
            return rows(screen.table)

        refused = await apply(refused=True)
        assert [r[2:5] for r in refused] == [["zhao", "登录", "拒绝"]] * 5
        by_user = await apply(refused=False, user="super")
        assert {r[3] for r in by_user} == {"新建用户"}
        assert [r[5] for r in by_user] == ["shen", "zhao", "li", "super"]  # and the demo's own
        logins = await apply(user="", action="登录")
        assert {r[3] for r in logins} == {"登录"} and len(logins) == 6
        today = dt.date.today()
        assert len(await apply(action="", **{"from": today.isoformat()})) == screen.rows[0].seq
        assert await apply(**{"from": (today + dt.timedelta(days=1)).isoformat()}) == []
        assert plain(screen.query_one("#audit-status")) == "没有符合条件的记录"
        screen.query_one("#f-from", Input).value = "2026-13-01"
        screen.query_one("#f-from", Input).focus()
        await pilot.press("enter")
        assert plain(screen.query_one("#audit-result")) == "日期格式应为 YYYY-MM-DD：2026-13-01"


async def test_the_log_is_paged_200_at_a_time(tmp_path: Path) -> None:
    app = prepared_app(tmp_path, extra_audit=450)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot, "super", "super")
        screen = await open_mode(pilot, "audit", AuditLogScreen)
        assert isinstance(screen, AuditLogScreen)
        await wait_for(pilot, lambda: len(screen.rows) == 200)
        assert screen.more and "M 或移到末行载入更多" in plain(screen.query_one("#audit-status"))
        await pilot.press("m")
        await wait_for(pilot, lambda: len(screen.rows) == 400)
        screen.table.move_cursor(row=399)  # the last row fetches the rest
        await wait_for(pilot, lambda: not screen.more and not screen.loading)
        total = screen.rows[0].seq
        assert len(screen.rows) == screen.table.row_count == total
        assert [r.seq for r in screen.rows] == list(range(total, 0, -1))
        assert plain(screen.query_one("#audit-status")) == f"已显示 {total} 条（全部）"


def test_every_binding_of_these_screens_has_an_id_and_none_sits_on_ctrl_h_i_m() -> None:
    from textual.binding import Binding

    from tui.screens.backup import BackupScreen
    from tui.screens.dialogs import ConfirmDialog, Dialog, PassphraseDialog, RestoreDialog

    classes = (BackupScreen, UsersScreen, AuditLogScreen, Dialog, ConfirmDialog,
               PassphraseDialog, RestoreDialog, AddUserDialog, PasswordDialog, RoleDialog)  # fmt: skip
    for cls in classes:
        for binding in cls.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding)
            assert binding.id, binding
            assert not {"ctrl+h", "ctrl+i", "ctrl+m"} & set(binding.key.split(","))
