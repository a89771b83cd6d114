"""The user screen's dialogs: a new account, a new password (typed twice), a new role."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Label, Select, Static

from storage.store.models import Role
from tui.language import msg, t
from tui.screens.dialogs import Dialog


def _role_options() -> list[tuple[str, str]]:
    return [(t(f"role.{role.value}"), role.value) for role in Role]


@dataclass(frozen=True)
class NewUser:
    name: str
    role: Role
    branch: str
    password: str


class _PasswordsMixin:
    """Two password boxes that must match and not be empty."""

    def passwords(self) -> str | None:
        dialog: Dialog[object] = self  # type: ignore[assignment]
        first = dialog.query_one("#password", Input)
        again = dialog.query_one("#password-again", Input)
        if not first.value:
            dialog.say(msg("tui.dialog.empty"))
            first.focus()
            return None
        if first.value != again.value:
            dialog.say(msg("tui.dialog.mismatch"))
            again.value = ""
            again.focus()
            return None
        return first.value


class AddUserDialog(_PasswordsMixin, Dialog[NewUser | None]):
    def __init__(self, branch: str) -> None:
        super().__init__()
        self.branch = branch

    def compose_body(self) -> ComposeResult:
        yield from self.row("name-label", Input(id="name", compact=True, max_length=50))
        yield from self.row(
            "role-label",
            Select(_role_options(), id="role", value=Role.CLERK.value, allow_blank=False,
                   compact=True),
        )  # fmt: skip
        yield from self.row(
            "branch-label", Input(self.branch, id="branch", compact=True, max_length=50)
        )
        yield from self.row("password-label", Input(id="password", password=True, compact=True))
        yield from self.row("again-label", Input(id="password-again", password=True, compact=True))

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#dialog-title", Static).update(t("tui.users.add_title"))
        for name, key in (("name", "tui.users.name"), ("role", "tui.users.role"),
                          ("branch", "tui.users.branch"), ("password", "tui.users.password"),
                          ("again", "tui.users.password_again")):  # fmt: skip
            self.query_one(f"#{name}-label", Label).update(t(key))
        select: Select[str] = self.query_one("#role", Select)
        chosen = select.value
        select.set_options(_role_options())  # the role names in the new language
        select.value = chosen

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        name = self.query_one("#name", Input).value.strip()
        branch = self.query_one("#branch", Input).value.strip()
        if not name or not branch:
            self.say(msg("tui.dialog.empty"))
            self.query_one("#name" if not name else "#branch", Input).focus()
            return
        if event.input.id != "password-again":
            self.focus_next()
            return
        password = self.passwords()
        if password is None:
            return
        role = Role(str(self.query_one("#role", Select).value))
        self.dismiss(NewUser(name, role, branch, password))


class PasswordDialog(_PasswordsMixin, Dialog[str | None]):
    """A supervisor's reset of a forgotten password."""

    def __init__(self, username: str) -> None:
        super().__init__()
        self.username = username

    def compose_body(self) -> ComposeResult:
        yield from self.row("password-label", Input(id="password", password=True, compact=True))
        yield from self.row("again-label", Input(id="password-again", password=True, compact=True))

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#dialog-title", Static).update(
            t("tui.users.password_title", user=self.username)
        )
        self.query_one("#password-label", Label).update(t("tui.users.password"))
        self.query_one("#again-label", Label).update(t("tui.users.password_again"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "password":
            self.query_one("#password-again", Input).focus()
            return
        password = self.passwords()
        if password is not None:
            self.dismiss(password)


class RoleDialog(Dialog[Role | None]):
    def __init__(self, username: str, current: Role) -> None:
        super().__init__()
        self.username = username
        self.current = current

    def compose_body(self) -> ComposeResult:
        yield from self.row(
            "role-label",
            Select(_role_options(), id="role", value=self.current.value, allow_blank=False,
                   compact=True),
        )  # fmt: skip

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#role", Select).focus()

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#dialog-title", Static).update(
            t("tui.users.role_title", user=self.username)
        )
        self.query_one("#role-label", Label).update(t("tui.users.role"))

    @on(Select.Changed, "#role")
    def _chosen(self, event: Select.Changed) -> None:
        if event.value != self.current.value and isinstance(event.value, str):
            self.dismiss(Role(event.value))
