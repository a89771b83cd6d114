"""The bottom line of key hints, in the current language.

Textual's Footer takes its words from ``Binding.description``, fixed when the class is
defined; these hints are looked up at render time so the language switch re-renders them.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tui.language import t


class KeyHints(Widget):
    DEFAULT_CSS = """
    KeyHints { dock: bottom; height: 1; background: $panel; padding: 0 1; }
    """

    def __init__(self, hints: tuple[tuple[str, str], ...]) -> None:
        """``hints``: (key as shown, message key of its word)."""
        super().__init__()
        self.hints = hints

    def on_mount(self) -> None:
        self.watch(self.app, "language", self._language_changed, init=False)

    def _language_changed(self) -> None:
        self.refresh()

    def render(self) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, (key, word) in enumerate(self.hints):
            if index:
                text.append(" ")
            text.append(key, style="reverse bold")
            text.append(" " + t(word))
        return text
