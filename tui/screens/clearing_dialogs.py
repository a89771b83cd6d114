"""The F4 wizard's questions: the disk's PIN, a supervisor's own name and password, and where
to export the clearing log. Each keeps nothing: what is typed goes back to the caller once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Label, Static

from tui.language import Said, msg, said_of, t
from tui.screens.dialogs import Dialog

if TYPE_CHECKING:
    from storage.accounts.users import Session
    from tui.app import FapiaoApp


class PinDialog(Dialog[str | None]):
    """The disk's PIN for one LOGIN ("" = the keyring's)."""

    def compose_body(self) -> ComposeResult:
        yield Static(id="pin-note")
        yield from self.row(
            "pin-label", Input(id="pin", password=True, compact=True, max_length=32)
        )

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#dialog-title", Static).update(t("tui.clear.pin_title"))
        note = t("tui.clear.pin_note")
        app: FapiaoApp = self.app  # type: ignore[assignment]
        if app.demo:
            from tui.demo_disk import PIN

            note += "\n" + t("disk_live.demo_pin", pin=PIN)
        self.query_one("#pin-note", Static).update(note)
        self.query_one("#pin-label", Label).update(t("disk_live.pin_label"))

    @on(Input.Submitted, "#pin")
    def _submitted(self, event: Input.Submitted) -> None:
        pin = event.value
        event.input.value = ""  # the PIN leaves the screen at once
        self.dismiss(pin)


class Authenticated(Message):
    def __init__(self, session: Session | None, error: Said = "") -> None:
        super().__init__()
        self.session = session
        self.error = error


class SupervisorDialog(Dialog["Session | None"]):
    """Who confirms the clear: a user name and that user's own password, checked by the store.
    The role is not checked here: the flow refuses a clerk's session (and audits it)."""

    def __init__(self, kind: Message | Any, period: str) -> None:
        super().__init__()
        self.kind = kind
        self.period = period
        self.checking = False

    def compose_body(self) -> ComposeResult:
        yield Static(id="confirm-note")
        yield from self.row("user-label", Input(id="confirm-user", compact=True, max_length=50))
        yield from self.row("password-label", Input(id="confirm-password", password=True, compact=True,
                                                    max_length=200))  # fmt: skip

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#dialog-title", Static).update(
            t("tui.clear.confirm_title", kind=self.kind, period=self.period)
        )
        self.query_one("#confirm-note", Static).update(t("tui.clear.confirm_note"))
        self.query_one("#user-label", Label).update(t("tui.clear.username"))
        self.query_one("#password-label", Label).update(t("tui.clear.password"))

    @on(Input.Submitted, "#confirm-user")
    def _user_entered(self) -> None:
        self.query_one("#confirm-password", Input).focus()

    @on(Input.Submitted, "#confirm-password")
    def _password_entered(self) -> None:
        name = self.query_one("#confirm-user", Input).value.strip()
        box = self.query_one("#confirm-password", Input)
        password = box.value
        if not name:
            self.say(msg("tui.dialog.empty"))
            self.query_one("#confirm-user", Input).focus()
            return
        if self.checking:
            return
        self.checking = True
        box.value = ""
        self.say(msg("tui.clear.authenticating"))
        self._authenticate(name, password)

    @work(
        thread=True,
        exclusive=True,
        group="clear-confirm",
        exit_on_error=False,
        name="clear-confirm",
    )
    def _authenticate(self, name: str, password: str) -> None:
        from storage.accounts.users import AuthError, authenticate

        app: FapiaoApp = self.app  # type: ignore[assignment]
        with app.store_connection():
            try:
                session = authenticate(name, password, demo_mode=app.demo)
            except AuthError as refused:
                self.post_message(Authenticated(None, said_of(refused)))
                return
        self.post_message(Authenticated(session))

    def on_authenticated(self, event: Authenticated) -> None:
        self.checking = False
        if event.session is None:
            self.say(event.error)
            self.query_one("#confirm-password", Input).focus()
            return
        self.dismiss(event.session)


class ExportDialog(Dialog[str | None]):
    """The file the filtered clearing log goes to (.xlsx or .csv)."""

    def compose_body(self) -> ComposeResult:
        yield from self.row("export-label", Input(id="export-path", compact=True, max_length=500))

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#dialog-title", Static).update(t("tui.clear_log.export_title"))
        self.query_one("#export-label", Label).update(t("tui.clear_log.export_label"))
        self.query_one("#export-path", Input).placeholder = t("tui.clear_log.export_placeholder")

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        path = event.value.strip()
        if not path:
            self.say(msg("tui.dialog.empty"))
            return
        self.dismiss(path)
