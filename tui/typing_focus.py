"""Moving the focus to a box because the clerk (or a wedge scanner) started typing elsewhere,
without losing or reordering the characters."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Input


def type_into(box: Input, character: str) -> None:
    """``character`` into ``box`` as if typed there: it replaces the selection, if any."""
    selection = box.selection
    if selection.is_empty:
        box.insert_text_at_cursor(character)
    else:
        box.replace(character, *selection)


def focus_and_type(screen: Screen[object], box: Input, character: str) -> None:
    """Focus ``box`` and start its text afresh with ``character``."""
    # A box selects its text when it gets the focus, and the next key would then replace
    # this one. set_focus posts the Focus event now; the setting comes back after the box
    # has handled it.
    box.select_on_focus = False
    screen.set_focus(box)
    box.value = character
    box.cursor_position = len(box.value)
    box.call_later(setattr, box, "select_on_focus", True)
