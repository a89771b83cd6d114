"""F1: the keys, and whom to call (the configured support contacts)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui.language import t
from tui.screens.base import DeskScreen, Hints

_KEYS = (
    "tui.help.key_f1", "tui.help.key_f2", "tui.help.key_f3", "tui.help.key_f4",
    "tui.help.key_f5", "tui.help.key_f6", "tui.help.key_f7", "tui.help.key_f8",
    "tui.help.key_f9", "tui.help.key_f10",
    "tui.help.key_esc", "tui.help.key_palette", "tui.help.key_quit",
)  # fmt: skip


class HelpScreen(DeskScreen):
    HINTS: ClassVar[Hints] = (
        ("Esc", "tui.key.back"),
        ("F8", "tui.key.language"),
        ("^Q", "tui.key.quit"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="help.back"),
    ]

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(id="help-text")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#help", VerticalScroll).focus()
        self.retranslate()

    def retranslate(self) -> None:
        text = Text()
        text.append(t("tui.help.keys") + "\n", style="bold underline")
        for key in _KEYS:
            text.append("  " + t(key) + "\n")
        text.append("\n" + t("tui.help.support") + "\n", style="bold underline")
        contacts = self.desk.settings.support
        if contacts:
            for contact in contacts:
                text.append("  " + contact + "\n")
        else:
            text.append("  " + t("tui.help.no_support") + "\n")
        self.query_one("#help-text", Static).update(text)

    def action_back(self) -> None:
        self.dismiss()
