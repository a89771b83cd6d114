"""用户管理: the supervisor's accounts — list, add, reset a forgotten password, change a role,
unlock. Every action is a use case of ``storage.accounts.users`` given the acting session, which
checks the role and audits: a clerk or auditor reads its refusal, not the list.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Static
from textual.worker import Worker

from tui.display import fit
from tui.language import Said, msg, said_of, t
from tui.screens.base import ADMIN_HINTS, DeskScreen, Hints
from tui.screens.user_dialogs import AddUserDialog, NewUser, PasswordDialog, RoleDialog
from tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from collections.abc import Callable

    from storage.accounts.users import AccountInfo, Session
    from storage.store.models import Role

_LONGEST = {"name": 16, "branch": 14}  # the most of a user or branch name the list shows
_COLUMNS = ("name", "role", "branch", "scope", "state")


class UsersLoaded(Message):
    def __init__(self, users: list[AccountInfo] | None, refusal: Said = "") -> None:
        super().__init__()
        self.users = users  # None when refused
        self.refusal = refusal


class UserChanged(Message):
    def __init__(self, text: Said, ok: bool) -> None:
        super().__init__()
        self.text = text
        self.ok = ok


def state_text(user: AccountInfo, now: dt.datetime) -> str:
    if not user.active:
        return t("tui.users.state.inactive")
    if user.locked_until is not None and user.locked_until > now:
        return t("tui.users.state.locked", until=user.locked_until.strftime("%m-%d %H:%M"))
    return t("tui.users.state.ok")


class UsersScreen(DeskScreen):
    DEFAULT_CSS = """
    UsersScreen .users-line { height: auto; padding: 0 1; }
    UsersScreen #users-message.-error { color: $error; text-style: bold; }
    UsersScreen #users { height: 1fr; }
    UsersScreen #users-actions { height: 1; color: $text-muted; }
    """
    HINTS: ClassVar[Hints] = ADMIN_HINTS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="users.back"),
        Binding("a", "add", show=False, id="users.add"),
        Binding("p", "password", show=False, id="users.password"),
        Binding("r", "role", show=False, id="users.role"),
        Binding("u", "unlock", show=False, id="users.unlock"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.users: list[AccountInfo] = []
        self.refused: Said = ""
        self._message: tuple[Said, bool] = ("", False)

    def compose_body(self) -> ComposeResult:
        yield StatusLine(id="users-message", classes="users-line")
        yield DataTable(id="users", cursor_type="row")
        yield Static(id="users-actions", classes="users-line")

    @property
    def table(self) -> DataTable[str]:
        return self.query_one("#users", DataTable)

    def on_mount(self) -> None:
        super().on_mount()
        self.retranslate()
        self._say(msg("tui.users.loading"))
        self.table.focus()
        self.reload()

    def retranslate(self) -> None:
        self.query_one("#users-actions", Static).update(t("tui.users.actions"))
        self._fill()  # the status line says its message again itself

    def reload(self) -> None:
        session = self.desk.session
        if session is not None:
            self._load(session)

    @work(thread=True, exclusive=True, group="users-list", exit_on_error=False, name="users")
    def _load(self, session: Session) -> None:
        from storage.accounts.permissions import PermissionDenied
        from storage.accounts.users import list_users

        with self.desk.store_connection():
            try:
                users = list_users(session)
            except PermissionDenied as refused:
                self.post_message(UsersLoaded(None, said_of(refused)))
                return
        self.post_message(UsersLoaded(users))

    def on_users_loaded(self, event: UsersLoaded) -> None:
        if event.users is None:
            self.refused = event.refusal
            self.table.display = False
            self.query_one("#users-actions").display = False
            self._say(event.refusal, error=True)
            return
        self.users = event.users
        self._fill()
        if self._message == (msg("tui.users.loading"), False):
            self._say(msg("tui.users.count", n=len(self.users)))

    def _fill(self) -> None:
        table = self.table
        chosen = self.selected()
        table.clear(columns=True)
        table.cell_padding = 0  # one cell between columns (two leave no room in English)
        now = dt.datetime.now()
        rows = [[fit(user.username, _LONGEST["name"]), t(f"role.{user.role.value}"),
                 fit(user.branch, _LONGEST["branch"]),
                 t("tui.users.scope.all" if user.all_branches else "tui.users.scope.own"),
                 state_text(user, now)] for user in self.users]  # fmt: skip
        for index, name in enumerate(_COLUMNS):
            label = t(f"tui.users.col.{name}")
            width = max(cell_len(str(cell)) for cell in [label, *(row[index] for row in rows)])
            table.add_column(label, width=width + 1, key=name)
        for user, row in zip(self.users, rows, strict=True):
            table.add_row(*row, key=user.username)
        names = [u.username for u in self.users]
        if chosen is not None and chosen.username in names:
            table.move_cursor(row=names.index(chosen.username))

    def selected(self) -> AccountInfo | None:
        if not self.users or self.table.cursor_row < 0:
            return None
        return self.users[min(self.table.cursor_row, len(self.users) - 1)]

    # -- actions: a dialog, then a worker that asks the store

    def _chosen_user(self) -> AccountInfo | None:
        if self.refused:
            return None
        user = self.selected()
        if user is None:
            self._say(msg("tui.users.nothing_selected"), error=True)
        return user

    def action_add(self) -> None:
        session = self.desk.session
        if session is None or self.refused:
            return

        def entered(new: NewUser | None) -> None:
            if new is not None:
                self._change(session, _adder(new))

        self.app.push_screen(AddUserDialog(session.branch), entered)

    def action_password(self) -> None:
        session, user = self.desk.session, self._chosen_user()
        if session is None or user is None:
            return

        def entered(password: str | None) -> None:
            if password:
                self._change(session, _password_setter(user.username, password))

        self.app.push_screen(PasswordDialog(user.username), entered)

    def action_role(self) -> None:
        session, user = self.desk.session, self._chosen_user()
        if session is None or user is None:
            return

        def chosen(role: Role | None) -> None:
            if role is not None:
                self._change(session, _role_setter(user.username, role))

        self.app.push_screen(RoleDialog(user.username, user.role), chosen)

    def action_unlock(self) -> None:
        session, user = self.desk.session, self._chosen_user()
        if session is not None and user is not None:
            self._change(session, _unlocker(user.username))

    @work(thread=True, exclusive=True, group="users", exit_on_error=False, name="user-change")
    def _change(self, session: Session, change: Callable[[Session], Said]) -> None:
        from storage.accounts.permissions import PermissionDenied
        from storage.accounts.users import AccountError

        with self.desk.store_connection():
            try:
                text = change(session)
            except (PermissionDenied, AccountError) as exc:
                self.post_message(UserChanged(said_of(exc), ok=False))
                return
        self.post_message(UserChanged(text, ok=True))

    def on_user_changed(self, event: UserChanged) -> None:
        self._say(event.text, error=not event.ok)
        if event.ok:
            self.reload()

    def worker_failed(self, worker: Worker[Any]) -> None:
        self._say("")

    def _say(self, text: Said, error: bool = False) -> None:
        self._message = (text, error)
        self.query_one("#users-message", StatusLine).say(text, error)

    async def action_back(self) -> None:
        await self.app.run_action("open('lookup')")


# The changes, run in the worker with the acting session; each returns what to tell the supervisor.


def _adder(new: NewUser) -> Callable[[Session], Said]:
    def add(acting: Session) -> Said:
        from storage.accounts.users import create_user

        create_user(acting, new.name, new.password, role=new.role, branch=new.branch)
        return msg("tui.users.added", user=new.name, role=msg(f"role.{new.role.value}"),
                   branch=new.branch)  # fmt: skip

    return add


def _password_setter(username: str, password: str) -> Callable[[Session], Said]:
    def reset(acting: Session) -> Said:
        from storage.accounts.users import set_password

        set_password(acting, username, password)
        return msg("tui.users.password_reset", user=username)

    return reset


def _role_setter(username: str, role: Role) -> Callable[[Session], Said]:
    def change(acting: Session) -> Said:
        from storage.accounts.users import set_role

        set_role(acting, username, role)
        return msg("tui.users.role_set", user=username, role=msg(f"role.{role.value}"))

    return change


def _unlocker(username: str) -> Callable[[Session], Said]:
    def unlock(acting: Session) -> Said:
        from storage.accounts.users import unlock

        unlock(acting, username)
        return msg("tui.users.unlocked", user=username)

    return unlock
