"""The one-line header: who is logged in (role in words), the branch, and the disk strip.

No clock: the header changes only when the user, the language or the disk changes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from tui.disk_state import DiskState
from tui.language import t
from tui.widgets.disk_strip import DiskStrip

if TYPE_CHECKING:
    from tui.app import FapiaoApp


class AppHeader(Horizontal):
    DEFAULT_CSS = """
    AppHeader { height: 1; dock: top; background: $panel; }
    AppHeader #who { width: 1fr; min-width: 22; height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    AppHeader DiskStrip { padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(id="who")
        yield DiskStrip()

    def on_mount(self) -> None:
        app: FapiaoApp = self.app  # type: ignore[assignment]
        self.watch(app, "session", self._refresh_who)
        self.watch(app, "language", self._refresh_who)
        self.watch(app, "disk_state", self._disk_changed)
        self.watch(app, "clear_remind_days", self._remind_days_changed, init=False)

    def _remind_days_changed(self) -> None:
        self.query_one(DiskStrip).refresh(layout=True)

    def _disk_changed(self, state: DiskState) -> None:
        strip = self.query_one(DiskStrip)
        strip.state = state
        strip.refresh(layout=True)

    def _refresh_who(self) -> None:
        app: FapiaoApp = self.app  # type: ignore[assignment]
        session = app.session
        text = Text()
        if session is None:
            text.append(t("tui.app_title"), style="bold")
            text.append(" · " + app.settings.branch)
        else:
            role = t("role." + session.role.value)
            text.append(
                t("tui.header.user", user=session.username, role=role, branch=session.branch)
            )
        if app.demo:
            text.append(" [" + t("tui.header.demo") + "]", style="bold")
        self.query_one("#who", Static).update(text)
        self.query_one(DiskStrip).refresh(layout=True)
