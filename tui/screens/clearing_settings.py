"""清卡设置: a supervisor changes the peak hours, the reminder days, who is told and the mail
server (issue 10, step 10). Reached from the command palette and from the F4 clearing screen
(``app.push_screen(ClearingSettingsScreen())``).

The screen only presents: reading and saving go through ``storage.config.stored``, which
checks the role and audits (a clerk reads the refusal, not the form). Values are saved in the
store, over the config file's, and every terminal picks them up through a notice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static
from textual.worker import Worker

from tui.language import Said, msg, said_of, t
from tui.screens.base import DeskScreen, Hints
from tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from storage.accounts.users import Session
    from storage.config.stored import ClearingSettings
    from storage.notices import MailStatus

#: The form's rows, in order: (setting, input width).
FIELDS = (("peak_hours", 0), ("clear_remind_days", 6), ("notify_to", 0), ("smtp_url", 0))
ENV_HINT = "tui.notices.settings.fixed_by_env"


class SettingsLoaded(Message):
    def __init__(self, shown: ClearingSettings | None, mail: MailStatus | None,
                 refusal: Said = "") -> None:  # fmt: skip
        super().__init__()
        self.shown = shown  # None when refused
        self.mail = mail
        self.refusal = refusal


class SettingsSaved(Message):
    def __init__(self, shown: ClearingSettings | None, error: Said = "") -> None:
        super().__init__()
        self.shown = shown  # None when refused or a value is bad
        self.error = error


class ClearingSettingsScreen(DeskScreen):
    DEFAULT_CSS = """
    ClearingSettingsScreen #cs-body { height: 1fr; padding: 0 1; }
    ClearingSettingsScreen #cs-title { height: 1; text-style: bold; }
    ClearingSettingsScreen #cs-changed { height: 1; color: $text-muted; margin-bottom: 1; }
    ClearingSettingsScreen .cs-row { height: 1; }
    ClearingSettingsScreen .cs-label { width: 16; height: 1; text-wrap: nowrap; }
    ClearingSettingsScreen .cs-row Input { width: 1fr; }
    ClearingSettingsScreen #cs-clear_remind_days { width: 6; }
    ClearingSettingsScreen .cs-hint { height: 1; padding-left: 16; color: $text-muted;
                                       text-wrap: nowrap; text-overflow: ellipsis; }
    ClearingSettingsScreen #cs-message { height: auto; margin-top: 1; }
    ClearingSettingsScreen #cs-message.-error { text-style: bold; color: $error; }
    ClearingSettingsScreen #cs-mail { height: auto; }
    ClearingSettingsScreen #cs-where { height: auto; color: $text-muted; }
    """
    HINTS: ClassVar[Hints] = (
        ("^S", "tui.notices.key.save"),
        ("Esc", "tui.key.back"),
        ("F1", "tui.key.help"),
        ("F8", "tui.key.language"),
        ("^Q", "tui.key.quit"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="clearing_settings.back"),
        Binding("ctrl+s", "save", show=False, priority=True, id="clearing_settings.save"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.shown: ClearingSettings | None = None
        self.mail: MailStatus | None = None
        self.refused: Said = ""
        self.saving = False

    def compose_body(self) -> ComposeResult:
        with Vertical(id="cs-body"):
            yield Static(id="cs-title")
            yield Static(id="cs-changed")
            for key, _width in FIELDS:
                with Horizontal(classes="cs-row", id=f"cs-row-{key}"):
                    yield Static(classes="cs-label", id=f"cs-label-{key}")
                    yield Input(id=f"cs-{key}", compact=True, max_length=500, disabled=True)
                yield Static(classes="cs-hint", id=f"cs-hint-{key}")
            yield StatusLine(id="cs-message")
            yield Static(id="cs-mail")
            yield Static(id="cs-where")

    def box(self, key: str) -> Input:
        return self.query_one(f"#cs-{key}", Input)

    def on_mount(self) -> None:
        super().on_mount()
        self.retranslate()
        self._say(msg("tui.notices.settings.loading"))
        session = self.desk.session
        if session is not None:
            self._load(session)

    def retranslate(self) -> None:
        self.query_one("#cs-title", Static).update(t("tui.screen.clearing_settings"))
        for key, _width in FIELDS:
            self.query_one(f"#cs-label-{key}", Static).update(t(f"notice.setting.{key}"))
        self._show_values(keep_typed=True)
        if self.refused:
            self._say(self.refused, error=True)

    # -- reading

    @work(thread=True, exclusive=True, group="clearing-settings", exit_on_error=False,
          name="clearing-settings-load")  # fmt: skip
    def _load(self, session: Session) -> None:
        from storage.accounts.permissions import PermissionDenied
        from storage.config.stored import clearing_settings_for
        from storage.notices import mail_status

        with self.desk.store_connection():
            try:
                shown = clearing_settings_for(session, self.desk.file_settings)
            except PermissionDenied as refused:
                self.post_message(SettingsLoaded(None, None, said_of(refused)))
                return
            mail = mail_status()
        self.post_message(SettingsLoaded(shown, mail))

    def on_settings_loaded(self, event: SettingsLoaded) -> None:
        if event.shown is None:
            self.refused = event.refusal
            for key, _width in FIELDS:
                self.query_one(f"#cs-row-{key}").display = False
                self.query_one(f"#cs-hint-{key}").display = False
            self._say(event.refusal, error=True)
            return
        self.shown, self.mail = event.shown, event.mail
        self._show_values(keep_typed=False)
        self._say("")
        first = next((self.box(key) for key, _w in FIELDS if not self.box(key).disabled), None)
        if first is not None:
            first.focus()

    def _show_values(self, *, keep_typed: bool) -> None:
        shown = self.shown
        if shown is None:
            return
        for key, _width in FIELDS:
            box = self.box(key)
            variable = shown.fixed.get(key)
            if not keep_typed or box.disabled:
                box.value = shown.text(key)
            box.disabled = variable is not None
            hint = t(ENV_HINT, env=variable) if variable else t(f"tui.notices.settings.hint.{key}")
            self.query_one(f"#cs-hint-{key}", Static).update(hint)
        changed = t("tui.notices.settings.never_changed")
        if shown.changed_at is not None:
            changed = t("tui.notices.settings.changed", user=shown.changed_by,
                        at=shown.changed_at.strftime("%Y-%m-%d %H:%M"))  # fmt: skip
        self.query_one("#cs-changed", Static).update(changed)
        self.query_one("#cs-mail", Static).update(self._mail_text())
        source = self.desk.file_settings.source or t("tui.notices.settings.no_file")
        self.query_one("#cs-where", Static).update(t("tui.notices.settings.where", file=source))

    def _mail_text(self) -> Text:
        mail, shown = self.mail, self.shown
        if shown is None or mail is None:
            return Text()
        if not shown.smtp_url or not shown.notify_to:
            return Text(t("tui.notices.mail.off", n=mail.waiting))
        if mail.failing:
            next_try = mail.next_try.strftime("%H:%M") if mail.next_try else "-"
            return Text(t("tui.notices.mail.failing", n=mail.waiting, error=mail.last_error,
                          at=next_try), style="bold")  # fmt: skip
        if mail.waiting:
            return Text(t("tui.notices.mail.waiting", n=mail.waiting))
        return Text(t("tui.notices.mail.ok"))

    # -- saving

    def action_save(self) -> None:
        session = self.desk.session
        if session is None or self.shown is None or self.saving or self.refused:
            return
        typed = {key: self.box(key).value for key, _w in FIELDS if not self.box(key).disabled}
        self.saving = True
        self._say(msg("tui.notices.settings.saving"))
        self._save(session, typed)

    @work(thread=True, exclusive=True, group="clearing-settings-save", exit_on_error=False,
          name="clearing-settings-save")  # fmt: skip
    def _save(self, session: Session, typed: dict[str, str]) -> None:
        from storage.accounts.permissions import PermissionDenied
        from storage.config.settings import SettingsError
        from storage.config.stored import change_clearing_settings

        with self.desk.store_connection():
            try:
                shown = change_clearing_settings(session, self.desk.file_settings, typed)
            except (PermissionDenied, SettingsError) as exc:
                self.post_message(SettingsSaved(None, said_of(exc)))
                return
        self.post_message(SettingsSaved(shown))

    def on_settings_saved(self, event: SettingsSaved) -> None:
        self.saving = False
        if event.shown is None:
            self._say(event.error, error=True)
            return
        self.shown = event.shown
        self._show_values(keep_typed=False)
        self._say(msg("tui.notices.settings.saved"))
        self.desk.notice_feed.poke()  # this terminal reloads at once; the others within seconds

    def worker_failed(self, worker: Worker[Any]) -> None:
        self.saving = False
        self._say("")

    def _say(self, text: Said, error: bool = False) -> None:
        self.query_one("#cs-message", StatusLine).say(text, error)

    async def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:  # pushed by the F4 screen: back there
            self.app.pop_screen()
        else:
            await self.app.run_action("open('lookup')")
