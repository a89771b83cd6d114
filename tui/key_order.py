"""Keys that arrive together (several in one read, as over SSH) are applied in the order typed,
each by the widget that has the focus once the keys before it are done.

The upstream cause (Textual 8.2, ``textual/app.py``, not its driver or parser: the
``XTermParser`` yields the keys of one read in order, and the driver posts them to the App in
order): ``App.on_event`` picks a key's target when the App takes the key from its queue — it
forwards the key to ``app.focused`` (``Widget._forward_event`` posts it to that widget's queue)
and goes on to the next key at once. What a key does happens later, in other queues:

- a key the focused widget does not handle itself (an ``Input`` only inserts printable
  characters) bubbles up through the screen and comes back to the App's queue, where
  ``App._on_key`` runs the binding (the Input's own Backspace, ``ctrl+a``, ``ctrl+k``, Enter;
  the screen's Tab, the App's F-keys). By then the keys read after it have been forwarded, so
  printable keys typed after a Backspace are inserted before it is applied;
- a key that moves the focus moves it even later: Enter runs ``Input.action_submit``, which
  posts ``Input.Submitted``; the screen's handler calls ``widget.focus()``, which only queues
  ``Screen.set_focus`` on the App (``app.call_later``). Tab's ``focus_next`` and an F-key's
  screen switch also run after the key has bubbled back. The keys read with it went to the
  box that had the focus when they were read: ``clerk⏎clerk⏎`` in one read put
  ``clerkclerk`` in the log-in name box.

One key per read leaves every queue empty between keys, which is why typing by hand works
and a batch (an SSH packet, a wedge scanner, a terminal replaying type-ahead) did not.

The way around it, ``KeyGate``: a key (or paste) from the terminal that can do more than insert
a character — anything but a printable key while an ``Input`` has the focus — closes the gate
once Textual has routed it. The keys read after it are held, in order, in the gate until
everything that key set off is done: rounds of a callback through the App and every widget of
the current screen (as ``Pilot`` waits for the screen) until no queue has anything left in it,
nor anything waiting for the next refresh. Then the held keys go Textual's usual way, one at a
time, to the widget that has the focus then. Printable keys into a box never wait, so a wedge
scanner's digits and typing stay as fast as Textual makes them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from textual import events
from textual.app import App, ScreenStackError
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input

#: A key is held only while what the key before it set off makes progress: when a round of
#: callbacks has not got through in this many seconds (a handler waiting on something that
#: may never come), or after this many rounds with the queues never all empty (something that
#: posts messages all the time), the held keys go on as Textual would have sent them.
HOLD_LIMIT = 2.0
MAX_ROUNDS = 100

TerminalInput = events.Key | events.Paste
Dispatch = Callable[[events.Event], Awaitable[None]]


class KeyGate:
    """The App's keys from the terminal, held while the key before them is still at work."""

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._held: deque[tuple[TerminalInput, Dispatch]] = deque()
        self._settling = 0  # the number of the wait in progress; 0 when the gate is open
        self._waits = 0
        self._rounds = 0
        self._limit: Timer | None = None

    @property
    def holding(self) -> bool:
        return bool(self._settling or self._held)

    async def route(self, event: TerminalInput, dispatch: Dispatch) -> None:
        """Route ``event`` (not yet forwarded) with ``dispatch`` (Textual's ``App.on_event``)
        now, or once the keys before it are done. Runs on the App's task."""
        if self.holding:
            self._held.append((event, dispatch))
            return
        await self._dispatch(event, dispatch)

    async def _dispatch(self, event: TerminalInput, dispatch: Dispatch) -> None:
        may_move_focus = isinstance(event, events.Key) and not (
            event.is_printable and isinstance(self._app.focused, Input)
        )
        await dispatch(event)
        if may_move_focus:
            self._close()

    def _close(self) -> None:
        self._waits += 1
        wait = self._settling = self._waits
        self._rounds = 0
        self._limit = self._app.set_timer(
            HOLD_LIMIT, lambda: self._app.call_later(self._open, wait), name="key-gate"
        )  # the timer calls back on its own task: the keys go on from the App's
        self._round(wait)

    def _round(self, wait: int) -> None:
        """A callback through every queue; when all have run, see whether more came in."""
        if wait != self._settling:
            return
        self._rounds += 1
        if self._rounds > 1 and self._limit is not None:
            self._limit.reset()  # progress: the limit counts from here
        left = 0

        def one_done() -> None:
            nonlocal left
            left -= 1
            if left == 0:
                self._app.call_later(self._check, wait)

        for pump in self._pumps():
            if pump.call_later(one_done):
                left += 1
        if left == 0:
            self._app.call_later(self._check, wait)

    async def _check(self, wait: int) -> None:
        if wait != self._settling:
            return
        if self._rounds >= MAX_ROUNDS:
            await self._open(wait)
        elif any(_has_work(pump) for pump in self._pumps()):
            self._round(wait)
        elif self._refresh_pending():  # a focus() may wait for the next frame
            self._app.call_after_refresh(self._round, wait)
        else:
            await self._open(wait)

    async def _open(self, wait: int) -> None:
        if wait != self._settling:
            return
        self._settling = 0
        if self._limit is not None:
            self._limit.stop()
            self._limit = None
        while self._held and not self._settling:
            event, dispatch = self._held.popleft()
            await self._dispatch(event, dispatch)

    def _screen(self) -> Screen[Any] | None:
        try:
            return self._app.screen
        except ScreenStackError:  # starting or closing: only the App's queue is left
            return None

    def _pumps(self) -> list[MessagePump]:
        screen = self._screen()
        return [self._app, *(screen.walk_children(with_self=True) if screen else ())]

    def _refresh_pending(self) -> bool:
        screen = self._screen()
        return screen is not None and bool(screen._callbacks)  # call_after_refresh's


def _has_work(pump: MessagePump) -> bool:
    # Textual has no public "anything pending?"; these are the queue, the message it peeked
    # at, and the call_next callbacks run after the current message.
    return bool(
        not pump._message_queue.empty() or pump._pending_message is not None or pump._next_callbacks
    )
