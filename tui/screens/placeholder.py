"""A screen whose feature comes in a later version: says so plainly instead of failing."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle
from textual.widgets import Static

from tui.language import t
from tui.screens.base import DeskScreen


class PlaceholderScreen(DeskScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="placeholder.back"),
    ]

    def __init__(self, feature: str) -> None:
        """``feature``: the screen's name key, e.g. ``checklist`` (``tui.screen.checklist``)."""
        super().__init__()
        self.feature = feature

    def compose_body(self) -> ComposeResult:
        with Middle(), Center():
            yield Static(id="placeholder-text")

    def on_mount(self) -> None:
        super().on_mount()
        self.retranslate()

    def retranslate(self) -> None:
        self.query_one("#placeholder-text", Static).update(
            f"{t('tui.screen.' + self.feature)}\n\n{t('tui.placeholder')}\n\n{t('tui.placeholder_back')}"
        )

    async def action_back(self) -> None:
        await self.app.run_action("open('lookup')")
