"""``tui.key_order.KeyGate`` on a form of two boxes where Enter in the first moves the focus to
the second: keys posted to the App all at once (as the driver posts the keys of one read) land
where the focus is once the keys before them are done, and a handler that never finishes
holds the keys after it no longer than ``HOLD_LIMIT``.

The real app in a real pty: ``test_batched_keys.py``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from textual import events, on
from textual.app import App, ComposeResult
from textual.keys import _character_to_key
from textual.screen import Screen
from textual.widgets import Input

from tests.support.tui import wait_for
from tui.key_order import HOLD_LIMIT, KeyGate


class TwoBoxes(Screen[None]):
    def __init__(self, *, stuck: bool) -> None:
        super().__init__()
        self.stuck = stuck
        self.never = asyncio.Event()  # set at the end of the test, to let the screen close

    def compose(self) -> ComposeResult:
        yield Input(id="first")
        yield Input(id="second")

    @on(Input.Submitted, "#first")
    async def _first_entered(self) -> None:
        self.query_one("#second", Input).focus()
        if self.stuck:
            await self.never.wait()  # this screen takes no message until the test ends


class GatedApp(App[None]):
    """Wired as ``FapiaoApp.on_event`` is."""

    def __init__(self, *, stuck: bool = False) -> None:
        super().__init__()
        self.form = TwoBoxes(stuck=stuck)
        self.key_gate = KeyGate(self)

    def get_default_screen(self) -> Screen[Any]:
        return self.form

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            await self.key_gate.route(event, super().on_event)
            return
        await super().on_event(event)


def post_together(app: App[Any], text: str) -> None:
    """``text``'s keys in the App's queue at once, ``\\r`` as Enter."""
    for character in text:
        if character == "\r":
            app.post_message(events.Key("enter", "\r"))
        else:
            app.post_message(events.Key(_character_to_key(character), character))


async def test_keys_after_an_enter_that_moves_the_focus_go_to_the_new_box() -> None:
    app = GatedApp()
    async with app.run_test() as pilot:
        first, second = app.form.query_one("#first", Input), app.form.query_one("#second", Input)
        first.focus()
        await pilot.pause()
        post_together(app, "clerk\rclerk")
        await wait_for(pilot, lambda: second.value == "clerk")
        assert first.value == "clerk" and app.focused is second


@pytest.mark.serial  # timing: the limit is measured in seconds
async def test_a_handler_that_never_ends_holds_the_next_keys_no_longer_than_the_limit() -> None:
    app = GatedApp(stuck=True)
    async with app.run_test() as pilot:
        first, second = app.form.query_one("#first", Input), app.form.query_one("#second", Input)
        first.focus()
        await pilot.pause()
        started = time.monotonic()
        post_together(app, "a\rbc")
        try:
            # (not Pilot's pause: it waits for every queue of the screen, this one's too)
            while second.value != "bc" and time.monotonic() - started < 4 * HOLD_LIMIT:
                await asyncio.sleep(0.02)
            waited = time.monotonic() - started
            assert second.value == "bc" and first.value == "a" and app.focused is second
            assert HOLD_LIMIT * 0.9 <= waited <= HOLD_LIMIT * 3
        finally:
            app.form.never.set()
