"""Messages the screens and the app exchange: results posted back from thread workers.

The one way from a thread to the screen: a worker (``@work(thread=True)``) or a device's
reader thread posts one of these (``post_message`` is thread-safe); its handler runs on the
event loop and renders. Nothing else crosses: no ``call_soon_threadsafe``, no ``Callback``
events, no ``call_from_thread``.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from textual.message import Message
from textual.message_pump import MessagePump

if TYPE_CHECKING:  # the engine (and argon2) load on first use, not at start-up
    from devices.client import LogEntry
    from devices.scanner import ScannerState
    from storage.accounts.users import Session
    from storage.config.settings import Settings
    from storage.lookup.engine import LookupResult
    from storage.notices import PostedNotice
    from tui.disk_state import DiskState
    from tui.invoice_view import InvoiceView
    from tui.language import Said


def post_from_thread(target: MessagePump, message: Message) -> None:
    """``target.post_message(message)`` from a thread that may outlive the app (the disk
    poller, the notice feed, the scanner): once the loop has closed the message is dropped."""
    with contextlib.suppress(RuntimeError):
        target.post_message(message)


class StoreOpened(Message):
    """The store is open and migrated; ``has_users`` says whether anyone can log in."""

    def __init__(self, has_users: bool) -> None:
        super().__init__()
        self.has_users = has_users


class StoreFailed(Message):
    """The store could not be opened; ``detail`` is for the screen (no traceback)."""

    def __init__(self, detail: Said) -> None:
        super().__init__()
        self.detail = detail


class LoginReady(Message):
    """The login form accepts input (the start-up benchmark stops its clock here)."""


class LoginFinished(Message):
    """A log-in attempt ended: a session, or the refusal text from ``AuthError``."""

    def __init__(self, session: Session | None, error: Said = "") -> None:
        super().__init__()
        self.session = session
        self.error = error


class LookupDone(Message):
    def __init__(self, result: LookupResult) -> None:
        super().__init__()
        self.result = result


class DetailLoaded(Message):
    def __init__(self, view: InvoiceView | None) -> None:
        super().__init__()
        self.view = view


class DiskStateChanged(Message):
    """The disk poller's view of the disk (None: the same, but the store's synced seq moved)."""

    def __init__(self, state: DiskState | None) -> None:
        super().__init__()
        self.state = state


class SyncProgressed(Message):
    """A sync fetched ``fetched`` invoices so far."""

    def __init__(self, fetched: int) -> None:
        super().__init__()
        self.fetched = fetched


class SyncFinished(Message):
    """A sync ended; ``said`` is its result (the app says it; the screen that asked may
    look again)."""

    def __init__(self, ok: bool, said: Said | None) -> None:
        super().__init__()
        self.ok = ok
        self.said = said


class DiskLoginDone(Message):
    """A PIN login from F6 ended: what to say, and whether the disk took it."""

    def __init__(self, said: Said, ok: bool) -> None:
        super().__init__()
        self.said = said
        self.ok = ok


class DiskLogLoaded(Message):
    """The disk's own log (None: the disk wants a login first)."""

    def __init__(self, entries: tuple[LogEntry, ...] | None) -> None:
        super().__init__()
        self.entries = entries


class StoreSettingsRead(Message):
    """The settings in force, read again from the store (at start, or after a notice that a
    supervisor changed them)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings


class NoticesArrived(Message):
    """Notices posted since the last look, oldest first."""

    def __init__(self, notices: list[PostedNotice]) -> None:
        super().__init__()
        self.notices = notices


class ScannerRead(Message):
    """One line from the serial scanner (the app hands it to the screen on top)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ScannerStateChanged(Message):
    def __init__(self, state: ScannerState) -> None:
        super().__init__()
        self.state = state


class Reminder(Message):
    """Something to tell the clerk as a warning toast (at log-in: a backup or a clear due,
    a clear's journal settled)."""

    def __init__(self, said: Said, timeout: float) -> None:
        super().__init__()
        self.said = said
        self.timeout = timeout


class MarkDone(Message):
    """A bulk 入账/报销 mark ended: what it did (``storage.tracking.marks.MarkResult``), or why
    nothing was marked (``error``, in the user's language)."""

    def __init__(self, result: object | None, error: str = "") -> None:
        super().__init__()
        self.result = result
        self.error = error


class SummaryLoaded(Message):
    """The tracking summary, read in a worker (``storage.tracking.summary.TrackingSummary``)."""

    def __init__(self, summary: object) -> None:
        super().__init__()
        self.summary = summary
