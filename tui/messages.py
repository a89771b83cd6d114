"""Messages the screens and the app exchange (results posted back from thread workers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the engine (and argon2) load on first use, not at start-up
    from storage.accounts.users import Session
    from storage.lookup.engine import LookupResult
    from tui.invoice_view import InvoiceView


class StoreOpened(Message):
    """The store is open and migrated; ``has_users`` says whether anyone can log in."""

    def __init__(self, has_users: bool) -> None:
        super().__init__()
        self.has_users = has_users


class StoreFailed(Message):
    """The store could not be opened; ``detail`` is for the screen (no traceback)."""

    def __init__(self, detail: str) -> None:
        super().__init__()
        self.detail = detail


class LoginReady(Message):
    """The login form accepts input (the start-up benchmark stops its clock here)."""


class LoginFinished(Message):
    """A log-in attempt ended: a session, or the refusal text from ``AuthError``."""

    def __init__(self, session: Session | None, error: str = "") -> None:
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


class DiskLoggedIn(Message):
    """A LOGIN with a typed PIN came back: the words to show, and whether it worked."""

    def __init__(self, words: str, ok: bool) -> None:
        super().__init__()
        self.words = words
        self.ok = ok
