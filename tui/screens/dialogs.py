"""Small modal questions: yes/no, a passphrase (never kept), a restore target.

Each puts its words in the current language when it opens and again on F8; Esc cancels.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from tui.language import Said, msg, t
from tui.widgets.status_line import StatusLine

R = TypeVar("R")

DIALOG_CSS = """
Dialog { align: center middle; }
Dialog > #dialog {
    width: 72; max-width: 100%; height: auto; max-height: 100%;
    border: round $primary; background: $surface; padding: 0 1;
}
Dialog #dialog-title { text-style: bold; margin-bottom: 1; }
Dialog .dialog-row { height: 1; margin-bottom: 1; }
Dialog .dialog-label { width: 12; }
Dialog .dialog-row Input, Dialog .dialog-row Select { width: 1fr; }
Dialog .dialog-row Input { background: $boost; }
Dialog #dialog-error { color: $error; text-style: bold; height: auto; }
Dialog #dialog-hint { color: $text-muted; }
Dialog #dialog-buttons { height: 1; align-horizontal: center; margin-top: 1; }
Dialog #dialog-buttons Button { margin: 0 2; }
"""


class Dialog(ModalScreen[R]):
    """The frame: a title, the body, an error line, the hint; words set in ``retranslate``."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", show=False, id="dialog.cancel"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(id="dialog-title")
            yield from self.compose_body()
            yield StatusLine(id="dialog-error")
            yield Static(id="dialog-hint")

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.watch(self.app, "language", lambda: self.retranslate(), init=False)
        for box in self.query(Input):
            box.cursor_blink = False  # a blinking cursor redraws every idle terminal
        self.retranslate()
        inputs = list(self.query(Input))
        if inputs:
            inputs[0].focus()

    def retranslate(self) -> None:
        self.query_one("#dialog-hint", Static).update(t("tui.dialog.submit_hint"))

    def say(self, text: Said) -> None:
        self.query_one("#dialog-error", StatusLine).say(text)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def row(self, label_id: str, widget: Any) -> ComposeResult:
        with Horizontal(classes="dialog-row"):
            yield Label(id=label_id, classes="dialog-label")
            yield widget


class ConfirmDialog(Dialog[bool]):
    """``text``'s first line is the title; Y or Enter on 确定 says yes, N or Esc says no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", show=False, id="confirm.yes"),
        Binding("n", "answer(False)", show=False, id="confirm.no"),
    ]

    def __init__(self, text_key: str, **fields: object) -> None:
        super().__init__()
        self.text_key = text_key
        self.fields = fields

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="dialog-buttons"):
            yield Button(id="yes", compact=True)
            yield Button(id="no", compact=True)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#no", Button).focus()  # Enter alone does not overwrite anything

    def text(self) -> str:
        return t(self.text_key, **self.fields)

    def retranslate(self) -> None:
        title, _, rest = self.text().partition("\n")
        self.query_one("#dialog-title", Static).update(title)
        self.say("")
        self.query_one("#dialog-hint", Static).update(rest)
        self.query_one("#yes", Button).label = t("tui.dialog.yes")
        self.query_one("#no", Button).label = t("tui.dialog.no")

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_cancel(self) -> None:
        self.dismiss(False)


class PassphraseDialog(Dialog[str | None]):
    """The backup passphrase, typed by a supervisor; twice for a new key folder."""

    def __init__(self, *, new_key: bool = False) -> None:
        super().__init__()
        self.new_key = new_key

    def compose_body(self) -> ComposeResult:
        yield Static(id="passphrase-note")
        yield from self.row("passphrase-label", Input(id="passphrase", password=True, compact=True))
        if self.new_key:
            yield from self.row(
                "again-label", Input(id="passphrase-again", password=True, compact=True)
            )

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#dialog-title", Static).update(t("tui.dialog.passphrase_title"))
        note = "tui.dialog.passphrase_new_note" if self.new_key else "tui.dialog.passphrase_note"
        self.query_one("#passphrase-note", Static).update(t(note))
        self.query_one("#passphrase-label", Label).update(t("tui.dialog.passphrase"))
        if self.new_key:
            self.query_one("#again-label", Label).update(t("tui.dialog.passphrase_again"))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        first = self.query_one("#passphrase", Input)
        if not first.value:
            self.say(msg("tui.dialog.empty"))
            first.focus()
            return
        if self.new_key:
            again = self.query_one("#passphrase-again", Input)
            if event.input is first:
                again.focus()
                return
            if again.value != first.value:
                self.say(msg("tui.dialog.mismatch"))
                again.value = ""
                return
        self.dismiss(first.value)


class SetPassphraseDialog(Dialog[tuple[str, str, str] | None]):
    """A clerk's first backup sets the master passphrase: a supervisor types their own name
    and password, then the new passphrase twice. Only collected here: the backup service
    checks the supervisor (and audits it); nothing is kept."""

    _FIELDS = ("supervisor", "supervisor-password", "passphrase", "passphrase-again")

    def compose_body(self) -> ComposeResult:
        yield Static(id="passphrase-note")
        yield from self.row("supervisor-label", Input(id="supervisor", compact=True, max_length=50))
        for field in self._FIELDS[1:]:
            yield from self.row(f"{field}-label",
                                Input(id=field, password=True, compact=True, max_length=200))  # fmt: skip

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#dialog-title", Static).update(t("tui.dialog.set_passphrase_title"))
        self.query_one("#passphrase-note", Static).update(t("tui.dialog.set_passphrase_note"))
        labels = ("tui.dialog.supervisor", "tui.dialog.supervisor_password",
                  "tui.dialog.passphrase", "tui.dialog.passphrase_again")  # fmt: skip
        for field, key in zip(self._FIELDS, labels, strict=True):
            self.query_one(f"#{field}-label", Label).update(t(key))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        boxes = [self.query_one(f"#{field}", Input) for field in self._FIELDS]
        empty = next((box for box in boxes if not box.value.strip()), None)
        if empty is not None:
            if event.input is not boxes[-1] and event.input.value:
                boxes[boxes.index(event.input) + 1].focus()  # Enter moves on, as in the others
                return
            self.say(msg("tui.dialog.empty"))
            empty.focus()
            return
        name, password, first, again = boxes
        if again.value != first.value:
            self.say(msg("tui.dialog.mismatch"))
            again.value = ""
            again.focus()
            return
        self.dismiss((name.value.strip(), password.value, first.value))


class RestoreDialog(Dialog[str | None]):
    """Where to restore: a new file's path, or "" for over the live store."""

    def __init__(self, backup_id: str) -> None:
        super().__init__()
        self.backup_id = backup_id

    def compose_body(self) -> ComposeResult:
        yield from self.row("target-label", Input(id="target", compact=True, max_length=500))
        yield Static(id="restore-note")

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#dialog-title", Static).update(
            t("tui.backup.restore_title", id=self.backup_id)
        )
        self.query_one("#target-label", Label).update(t("tui.backup.restore_target"))
        self.query_one("#target", Input).placeholder = t("tui.backup.restore_placeholder")
        self.query_one("#restore-note", Static).update(t("tui.backup.restore_note"))

    @on(Input.Submitted, "#target")
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())
