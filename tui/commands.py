"""The command palette (ctrl+p): the screens, the language switch, the void/red filter, quit."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.command import (
    CommandInput,
    CommandPalette,
    DiscoveryHit,
    Hit,
    Hits,
    Provider,
    SearchIcon,
)

from tui.language import t

if TYPE_CHECKING:
    from tui.app import FapiaoApp

#: Screens in F-key order: (mode name, F key).
SCREENS = (
    ("lookup", "F2"),
    ("checklist", "F3"),
    ("clearing", "F4"),
    ("backup", "F5"),
    ("disk", "F6"),
)

#: Screens for some roles only, reached from the palette: (mode name, permission it needs;
#: the screen asks the store again, this only keeps the palette short).
ADMIN_SCREENS = (
    ("users", "manage_users"),
    ("audit", "read_audit"),
    ("clearing_settings", "change_settings"),  # also reached from the F4 clearing screen
)


class DeskCommands(Provider):
    def _commands(self) -> Iterator[tuple[str, str]]:
        """(text shown, action run), for what the user may do right now."""
        app: FapiaoApp = self.app  # type: ignore[assignment]
        yield f"{t('tui.screen.help')} (F1)", "help"
        if app.session is not None:
            for mode, key in SCREENS:
                yield (
                    f"{t('tui.cmd.open', screen=t('tui.screen.' + mode))} ({key})",
                    f"open('{mode}')",
                )
            yield t("tui.cmd.open", screen=t("tui.screen.clearing_log")), "open('clearing_log')"
            yield f"{t('tui.cmd.open', screen=t('tui.screen.summary'))} (F10)", "open('summary')"
            yield f"{t('tui.cmd.void_red')} (F7)", "toggle_void_red"
            from storage.accounts.permissions import offered  # not needed before login

            shown = offered(app.session, (permission for _, permission in ADMIN_SCREENS))
            for mode, permission in ADMIN_SCREENS:  # no key of their own: palette only
                if permission in shown:
                    yield t("tui.cmd.open", screen=t("tui.screen." + mode)), f"open('{mode}')"
        yield f"{t('tui.cmd.language')} (F8)", "toggle_language"
        yield f"{t('tui.cmd.quit')} (Ctrl+Q)", "quit"

    async def discover(self) -> Hits:
        for text, action in self._commands():
            yield DiscoveryHit(text, partial(self.app.run_action, action))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        found = False
        for text, action in self._commands():
            score = matcher.match(text)
            if score > 0:
                found = True
                yield Hit(
                    score, matcher.highlight(text), partial(self.app.run_action, action), text=text
                )
        if not found and query.strip():
            # Said here, in the language shown: Textual's own line for this is English only.
            text = t("tui.cmd.no_matches")
            yield Hit(1, text, _nothing, text=text)


async def _nothing() -> None:
    """Choosing "no matching command" just closes the palette."""


class DeskPalette(CommandPalette):
    """Textual's palette with our placeholder, and a plain ">" for the emoji icon, which a
    Linux console cannot draw."""

    def __init__(self) -> None:
        super().__init__(placeholder=t("tui.cmd.placeholder"), id="--command-palette")

    def on_mount(self) -> None:
        self.query_one(SearchIcon).icon = ">"
        self.query_one(CommandInput).cursor_blink = False  # no idle redraws over SSH
