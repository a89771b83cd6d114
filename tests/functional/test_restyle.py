"""Screen switches restyle only what could have changed (tui.restyle): Textual no longer styles
every node of every screen again when a mode is first entered, nor a whole screen each time
it comes back; yet every screen on a path of switches, the help pushed and popped and the
language switched on the way, in the app's theme and in the 16-colour one, is styled exactly
as a full restyle from scratch styles it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.screen import Screen

from tests.support.tui import demo_app, log_in, wait_for
from tui.app import FapiaoApp

SIZE = (80, 24)
PATH = ("f3", "f5", "f6", "f10", "f2", "f1", "escape", "f3", "f8", "f5", "f2")


def _styles(screen: Screen[Any]) -> list[tuple[str, str | None, str]]:
    """Every node's styles as resolved, in document order."""
    nodes: list[DOMNode] = list(screen.walk_children(with_self=True))
    return [(type(node).__name__, node.id, node.styles.css) for node in nodes]


async def _restyled_from_scratch(pilot: Pilot[Any]) -> tuple[list[Any], str]:
    """What a full restyle makes of the screen on top: its styles and what it draws."""
    app = pilot.app
    app.stylesheet.update(app, animate=False)  # every node of the screen on top, from the rules
    await pilot.pause()
    return _styles(app.screen), app.export_screenshot()


@pytest.mark.parametrize("theme", [None, "ansi-dark"])  # as on a 16-colour terminal
async def test_each_switch_shows_the_screen_as_a_full_restyle_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, theme: str | None
) -> None:
    refreshes: list[str] = []
    whole_screens: list[str] = []
    refresh_css, update_node_styles = App.refresh_css, DOMNode.update_node_styles

    def counted_refresh(self: App[Any], animate: bool = True) -> None:
        refreshes.append(type(self.screen_stack[-1]).__name__ if self.screen_stack else "")
        refresh_css(self, animate)

    def counted_update(self: DOMNode, animate: bool = True) -> None:
        if isinstance(self, Screen):
            whole_screens.append(type(self).__name__)
        update_node_styles(self, animate)

    monkeypatch.setattr(App, "refresh_css", counted_refresh)
    monkeypatch.setattr(DOMNode, "update_node_styles", counted_update)
    app = demo_app(tmp_path, demo_disk=False)
    if theme is not None:
        app.theme = theme  # as FapiaoApp(ansi=True) does
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        before = len(refreshes), len(whole_screens)
        for key in PATH:
            await pilot.press(key)
            await wait_for(pilot, lambda: app.screen.is_mounted)
            # What the screen loads (F5's backup list) is in before either picture is taken;
            # else the second could show it where the first did not yet. (The app's own
            # workers, the store's and the notices', run on.)
            await wait_for(pilot, lambda: not any(
                worker.node is app.screen and not worker.is_finished for worker in app.workers
            ), timeout=30)  # fmt: skip
            await pilot.pause()
            shown = _styles(app.screen), app.export_screenshot()
            assert shown == await _restyled_from_scratch(pilot), f"after {key}"
        # Ten switches over five screens and the help restyled nothing whole (Textual's own
        # ways: every node of every screen on entering each mode, a whole screen at each return).
        assert (len(refreshes), len(whole_screens)) == before, (refreshes, whole_screens)
        assert isinstance(app, FapiaoApp) and app.language == "en"  # F8 on the way


async def test_a_theme_change_still_restyles_the_screens_that_were_away(tmp_path: Path) -> None:
    """What does change a suspended screen's styles (a theme, its colour variables) still
    reaches it when it comes back."""
    app = demo_app(tmp_path, demo_disk=False)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        away = app.screen
        await pilot.press("f3")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "ChecklistScreen")
        colour_before = away.query_one("#query").styles.background
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        await pilot.press("f2")
        await wait_for(pilot, lambda: app.screen is away)
        await pilot.pause()
        assert away.query_one("#query").styles.background != colour_before
        assert _styles(away) == (await _restyled_from_scratch(pilot))[0]
