"""Keys that arrive together (several in one read, as over SSH) are applied in the order typed.

The upstream cause (Textual 8.2, ``textual/app.py``, not its driver or parser: the
``XTermParser`` yields the keys of one read in order, and the driver posts them in order):
``App.on_event`` forwards each key to the focused widget's queue, and a key the widget does not
handle itself (an ``Input`` only inserts printable characters) bubbles back up to the App,
whose ``_on_key`` then runs the non-priority binding — Input's own ``backspace``, ``ctrl+a``,
``ctrl+k``, ``home``, ``left``… By then the App has already forwarded the keys read after it,
so a printable key typed after Backspace is inserted before the Backspace is applied. One key
per read leaves the queues empty between keys, which is why typing by hand works and a batch
(an SSH packet, a paste without bracketed paste, a terminal replaying type-ahead) does not:
with ``10002620`` in a box, Backspace×8 then ``10002602`` left the box unchanged, and
``C-a C-k 10002620`` left it empty.

The way around it: when an ``Input`` has the focus, a non-printable key bound by the Input itself
runs its action from the Input's own queue (a ``call_later`` callback), the queue its printable
keys go through, so it keeps its place among them. Printable keys, keys bound by the screen or
the App (and priority bindings, which win over the Input's) go Textual's usual way.
"""

from __future__ import annotations

import weakref
from typing import Any

from textual import events
from textual.app import App
from textual.widgets import Input


def queue_bound_key(app: App[Any], event: events.Key) -> bool:
    """Queue ``event`` (a key straight from the terminal) behind the keys already sent to the
    focused box, when it is one of the keys that would otherwise overtake them; True if it
    was queued (the caller then does nothing more with it)."""
    focused = app.focused
    if event in _handed_back or event.is_forwarded or event.is_printable:
        return False
    if not isinstance(focused, Input):
        return False
    screen = app.screen
    if screen.maximized is not None and event.key == "escape":
        return False  # Textual's own: escape minimises
    active = screen.active_bindings.get(event.key)
    if active is None or active.node is not focused or not active.enabled:
        return False  # a binding of the screen or the App: Textual's way, as it always went
    app.app_focus = True
    focused.call_later(_run_binding, app, event)
    return True


# Keys whose binding on the box did nothing (``↓`` is the box's ``scroll_down``, skipped when
# there is nothing to scroll): they go back to the App, to go Textual's way to the next binding.
_handed_back: weakref.WeakSet[events.Key] = weakref.WeakSet()


async def _run_binding(app: App[Any], event: events.Key) -> None:
    # Looked up again now, as Textual does when the key comes back to the App: the key before
    # this one may have moved the focus or changed what is bound.
    active = app.screen.active_bindings.get(event.key)
    if (
        active is not None
        and active.enabled
        and active.node is app.focused
        and await app.run_action(active.binding.action, active.node)
    ):
        return
    _handed_back.add(event)
    app.post_message(event)
