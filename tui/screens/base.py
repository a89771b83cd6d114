"""What every screen shares: the header on top, key hints at the bottom, and re-rendering
its words when the language is switched."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.events import ScreenResume
from textual.screen import Screen
from textual.worker import Worker

from tui import restyle
from tui.widgets.header import AppHeader
from tui.widgets.key_hints import KeyHints

if TYPE_CHECKING:
    from tui.app import FapiaoApp

Hints = tuple[tuple[str, str], ...]

#: Nine hints fit 80 columns in both languages (checked by the 80×24 snapshots).
MAIN_HINTS: Hints = (
    ("F1", "tui.key.help"),
    ("F2", "tui.key.lookup"),
    ("F3", "tui.key.checklist"),
    ("F4", "tui.key.clearing"),
    ("F5", "tui.key.backup"),
    ("F6", "tui.key.disk"),
    ("F7", "tui.key.void_red"),
    ("F8", "tui.key.language"),
    ("^Q", "tui.key.quit"),
)

#: The admin screens (backups, users, audit log): their own keys are on their buttons.
ADMIN_HINTS: Hints = (
    ("Esc", "tui.key.back"),
    ("F1", "tui.key.help"),
    ("F2", "tui.key.lookup"),
    ("F8", "tui.key.language"),
    ("^Q", "tui.key.quit"),
)


class DeskScreen(Screen[Any]):
    HINTS: ClassVar[Hints] = MAIN_HINTS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        restyle.made_current(self)  # not all of the app styled again for it (tui/restyle.py)

    def _on_screen_resume(self, event: ScreenResume) -> None:
        # Called before Textual's own handler (each class's in turn): it then skips styling
        # the whole screen again (tui/restyle.py).
        restyle.resumed(event)

    @property
    def desk(self) -> FapiaoApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield from self.compose_body()
        yield KeyHints(self.HINTS)

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.watch(self.app, "language", self._language_changed, init=False)

    def _language_changed(self) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        """Put this screen's words in the new language (called on the switch)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.desk.worker_state_changed(event)

    def worker_failed(self, worker: Worker[Any]) -> None:
        """A worker this screen started failed (the app has told the user); undo busy state."""
