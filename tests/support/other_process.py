"""What another process does to the store while a test's own process does too: each function
is the target of a ``multiprocessing`` "spawn" child, which imports the target's module afresh.
Here that is this module alone, and the store's modules once the store's URL is known, not a
test module with pytest and, for a SQLite store, PostgreSQL's driver: ~0.2 s less a child."""

from __future__ import annotations

import contextlib


def _open(url: str) -> None:
    from storage.store.drivers import load_peewee

    load_peewee(url)  # before anything imports peewee, as the app's own processes do
    from storage.store.database import open_database

    open_database(url)


def guess_passwords(url: str, username: str, n: int) -> None:
    """``n`` log-ins as ``username`` with a wrong password."""
    _open(url)
    from storage.accounts.users import AuthError, authenticate

    for _ in range(n):
        with contextlib.suppress(AuthError):
            authenticate(username, "wrong")


def append_audit_entries(url: str, who: str, n: int) -> None:
    """``n`` audit entries by ``who``."""
    _open(url)
    from storage.audit.chain import record
    from storage.store.database import close_database

    for i in range(n):
        record(who, "lookup", target=str(i))
    close_database()
