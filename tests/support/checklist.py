"""Driving the input checklist (F3) in Pilot tests: open it, and type like a scanner."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

from tests.support.tui import log_in, wait_for
from tui.screens.checklist import ChecklistScreen

# A 通行费 invoice: the QR says 10 (电子普票) but the code ending 12 makes it 14 for 查验.
TOLL_QR = "01,10,044001900112,12345678,100.00,20260301,12345678901234567890,ABCD"
# An invoice of the demo store seeded for tui_support.TODAY (总部, 专票).
ON_FILE = {"code": "1100263164", "number": "10000002", "date": "2026-02-14", "amount": "16407.37"}


async def open_checklist(pilot: Pilot[Any]) -> ChecklistScreen:
    """Log in as the clerk and press F3."""
    app = pilot.app
    await log_in(pilot)
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(app.screen, ChecklistScreen))
    screen = app.screen
    assert isinstance(screen, ChecklistScreen)
    await wait_for(pilot, lambda: len(screen.items) == 7)  # the first store check is back
    return screen


async def burst(pilot: Pilot[Any], text: str, *, enter: bool = True) -> None:
    """Type ``text`` the way a keyboard-wedge scanner does: every key at once, then Enter
    (Pilot's ``press`` waits after each key, ~60 ms, far slower than a scanner)."""
    app = pilot.app
    for character in text:
        app.post_message(events.Key(_character_to_key(character), character))
    if enter:
        app.post_message(events.Key("enter", "\r"))
    await pilot.pause()
