"""The first screen: user name and password; the refusal from the store is shown as is.

The form takes typing at once, while a worker opens the store; a log-in submitted before the
store is open waits for it. A store with no users says how to create the first supervisor
instead of offering a form that cannot work.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static
from textual.worker import Worker

from tui.language import Said, msg, said_of, t
from tui.messages import LoginFinished, LoginReady
from tui.screens.base import DeskScreen, Hints
from tui.widgets.status_line import StatusLine


class LoginScreen(DeskScreen):
    _pending: tuple[str, str] | None = None  # a log-in submitted while the store was opening

    HINTS: ClassVar[Hints] = (
        ("F1", "tui.key.help"),
        ("F8", "tui.key.language"),
        ("^Q", "tui.key.quit"),
    )

    def compose_body(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(id="login-title")
            with Horizontal(classes="login-row"):
                yield Label(id="username-label", classes="login-label")
                yield Input(id="username", max_length=50)
            with Horizontal(classes="login-row"):
                yield Label(id="password-label", classes="login-label")
                yield Input(id="password", password=True, max_length=200)
            yield StatusLine(id="login-message")
            yield Static(id="demo-hint")
            yield Static(id="login-forgot")
            yield Static(id="notices")

    def on_mount(self) -> None:
        super().on_mount()
        for field in self.query(Input):
            field.cursor_blink = False  # a blinking cursor redraws every idle terminal
        self.query_one("#demo-hint").display = self.desk.demo
        notices = self.desk.settings.notices
        self.query_one("#notices", Static).update("\n".join(notices))
        self.query_one("#notices").display = bool(notices)
        self.retranslate()
        self.watch(self.desk, "store_state", self._store_state_changed)
        self.query_one("#username", Input).focus()
        self.post_message(LoginReady())

    def retranslate(self) -> None:
        self.query_one("#login-title", Static).update(
            f"{t('tui.app_title')} · {t('tui.login.title')}"
        )
        self.query_one("#username-label", Label).update(t("tui.login.username"))
        self.query_one("#password-label", Label).update(t("tui.login.password"))
        self.query_one("#demo-hint", Static).update(t("tui.login.demo_hint"))
        self.query_one("#login-forgot", Static).update(t("tui.login.forgot"))
        self._store_state_changed(self.desk.store_state)

    def _say(self, text: Said, error: bool = False) -> None:
        self.query_one("#login-message", StatusLine).say(text, error)

    def _enable(self, enabled: bool) -> None:
        for field in self.query(Input):
            field.disabled = not enabled

    def _store_state_changed(self, state: str) -> None:
        box_rows = self.query(".login-row")
        if state == "opening":
            key = "tui.login.preparing_demo" if self.desk.demo else "tui.login.opening"
            self._say(msg(key))
        elif state == "no_users":
            box_rows.set(display=False)
            self.query_one("#login-forgot").display = False
            self._say(t("auth.no_users") + "\n" + t("tui.login.quit_hint"), error=True)
        elif state == "failed":
            box_rows.set(display=False)
            self.query_one("#login-forgot").display = False
            detail = self.desk.store_error
            self._say(
                t("error.store_unreachable", detail=detail) + "\n" + t("tui.login.quit_hint"),
                error=True,
            )
        elif state == "ready":
            if not self.query_one("#login-message").has_class("-error"):
                self._say("")  # the "opening…" line goes; a refusal stays (also across F8)
            if self._pending is not None:
                name, password = self._pending
                self._pending = None
                self._say(msg("tui.login.checking"))
                self._authenticate(name, password)

    @on(Input.Submitted, "#username")
    def _name_entered(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    def _password_entered(self) -> None:
        name = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not name:
            self._say(msg("tui.login.empty_name"), error=True)
            self.query_one("#username", Input).focus()
            return
        self._enable(False)
        if self.desk.store_state == "opening":
            self._pending = (name, password)  # sent as soon as the store is open
            return
        self._say(msg("tui.login.checking"))
        self._authenticate(name, password)

    @work(thread=True, exclusive=True, group="login", exit_on_error=False, name="login")
    def _authenticate(self, name: str, password: str) -> None:
        from storage.accounts.users import AuthError, authenticate
        from storage.audit.chain import AuditTampered

        with self.desk.store_connection():
            try:
                session = authenticate(name, password, demo_mode=self.desk.demo)
            except AuthError as refused:
                self.post_message(LoginFinished(None, said_of(refused)))
                return
            except AuditTampered as tampered:  # said as tampering, not as an internal error
                self.post_message(LoginFinished(None, said_of(tampered)))
                return
        self.post_message(LoginFinished(session))

    def on_login_finished(self, event: LoginFinished) -> None:
        if event.session is None:
            self._refused(event.error)
            return
        self._say("")
        self.query_one("#password", Input).value = ""  # nothing secret stays on a screen
        self.desk.logged_in(event.session)

    def _refused(self, text: Said) -> None:
        self._enable(True)
        self._say(text, error=True)
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()

    def worker_failed(self, worker: Worker[Any]) -> None:
        self._refused("")
