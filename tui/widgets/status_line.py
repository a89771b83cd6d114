"""A status line that keeps what it says as a ``Message`` and says it again on F8.

A screen's answer to the last thing the clerk did ("saved", "refused: …") stays on screen
until the next one; rendered once, it would stay in the old language after the switch.
"""

from __future__ import annotations

from textual.widgets import Static

from tui.language import Said, render


class StatusLine(Static):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.said: Said = ""
        self.error = False

    def on_mount(self) -> None:
        self.watch(self.app, "language", self._show, init=False)

    def say(self, said: Said, error: bool = False) -> None:
        self.said, self.error = said, error
        self.set_class(error, "-error")
        self._show()

    def _show(self) -> None:
        self.update(render(self.said))
