"""Screens restyled only when something they show could have changed.

Textual restyles more than a screen switch needs, and on the counter's box it was most of a
switch's time (F3, F5, F6, F10, F2, F3, F5 from the lookup: 1.35 s of CPU, ~0.19 s a key;
0.84 s without what is skipped here, docs/terminal.md):

* The first time a mode is entered, its new screen is made with a "CSS update count" of -1,
  never the app's, so ``App._init_mode`` and then ``App.switch_mode`` call ``refresh_css()``:
  every node of every screen made so far is styled again, each time a little more of them.
  The new screen needs none of it (its nodes are styled as they mount, by the stylesheet of
  then) and the others neither: each screen's and widget's own CSS is scoped to it, so what a
  new screen brings matches nothing outside it. A screen made here says it is current.
* Every ``ScreenResume`` restyles the whole screen resumed. What can change a suspended
  screen's styles is already applied as it happens: a pseudo-class (focus, disabled) by the
  widget's own update, which reaches suspended screens too, and a theme or CSS variable by
  ``refresh_css``, which ``switch_mode`` runs when the screen's count is behind the app's.
  One thing does not: a class or pseudo-class of the App itself (the terminal's focus,
  ``App:blur``) restyles the current screen only. No rule here depends on one; one that
  ever does must change the styles through ``refresh_css``.

Both are Textual internals (``Screen._css_update_count``, ``ScreenResume.refresh_styles`` as
read by ``Screen._on_screen_resume``); ``tests/functional/test_restyle.py`` pins what this
relies on and that a switch still shows each screen as styled from scratch would.
"""

from __future__ import annotations

from textual.app import App
from textual.events import ScreenResume
from textual.screen import Screen


def made_current(screen: Screen[object]) -> None:
    """``screen`` was just made: its styles come from the stylesheet as it is now."""
    try:
        app: App[object] = screen.app
    except RuntimeError:  # Textual's NoActiveAppError
        return  # made outside a running app: Textual styles it in full when it is used
    screen._css_update_count = app._css_update_count


def resumed(event: ScreenResume) -> None:
    """A screen comes back: Textual need not style all of it again (see above)."""
    event.refresh_styles = False
