"""Opening the store by URL, and the one way to write to it.

SQLite is the embedded default (WAL, busy timeout). Writers take the lock up front
(``BEGIN IMMEDIATE``) so two counters never deadlock upgrading a read lock, and a write that
still finds the store busy is retried with jittered backoff. PostgreSQL is chosen by URL alone.
"""

from __future__ import annotations

import contextlib
import logging
import os
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlparse

import peewee

from storage.backup.leftovers import sweep as sweep_leftovers
from storage.errors import Exit
from storage.messages import MessageError
from storage.private_folder import private_folder

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Every model binds to this proxy; ``open_database`` points it at the real store.
database_proxy = peewee.DatabaseProxy()

SQLITE_PRAGMAS = (
    ("journal_mode", "wal"),
    ("synchronous", "normal"),  # safe with WAL: a power cut may lose the last commit, never corrupt
    ("foreign_keys", 1),
    ("busy_timeout", 5000),
    ("cache_size", -32000),  # 32 MiB page cache
    # Read pages straight from the OS file cache: a lookup touching a thousand cold pages
    # costs a few ms instead of tens (file-backed, so the OS can always take it back).
    ("mmap_size", 1 << 30),
)


_PG_WRITE_LOCK = 0x66617069616F01  # "fapiao" + 1: the store's one write lock on PostgreSQL


class StoreUnreachable(MessageError):
    """The store cannot be opened (bad URL, missing server, unreadable file)."""

    exit_code = Exit.UNREACHABLE


class StoreMissing(StoreUnreachable):
    """No store file where the URL points: only ``db upgrade`` and the first ``user add``
    create one, so a mistyped URL never becomes a new empty store."""


def is_sqlite(db: peewee.Database | None = None) -> bool:
    target = db if db is not None else database_proxy.obj
    return isinstance(target, peewee.SqliteDatabase)


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///`` URL; None for another scheme or an in-memory store."""
    parsed = urlparse(url)
    if parsed.scheme != "sqlite":
        return None
    path = unquote(parsed.path)
    # sqlite:////abs/path and sqlite:///rel/path both arrive with one leading slash kept
    if url.startswith("sqlite:////"):
        path = "/" + path.lstrip("/")
    elif url.startswith("sqlite:///"):
        path = path[1:] if not path.startswith("//") else path
    return None if path in ("", ":memory:") else Path(path).expanduser()


def _create_private(path: Path) -> None:
    """An empty store file only its owner can read, whatever the umask: SQLite then gives its
    WAL and shared-memory files the same mode."""
    private_folder(path.parent)
    with contextlib.suppress(FileExistsError):  # another terminal created it first
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))


def make_database(url: str, *, create: bool = True) -> peewee.Database:
    """A peewee database for ``url`` (``sqlite:///path`` or ``postgresql://…``), not yet
    connected. ``create=False``: a SQLite file that does not exist is ``StoreMissing``."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = sqlite_path(url)
        if path is not None and not path.exists():
            if not create:
                raise StoreMissing("store.missing", path=path)
            _create_private(path)
        return peewee.SqliteDatabase(str(path) if path else ":memory:", pragmas=SQLITE_PRAGMAS,
                                     timeout=5)  # fmt: skip
    if parsed.scheme in ("postgres", "postgresql"):
        return peewee.PostgresqlDatabase(
            unquote(parsed.path.lstrip("/")),
            user=unquote(parsed.username) if parsed.username else None,
            password=unquote(parsed.password) if parsed.password else None,
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
        )
    raise StoreUnreachable("store.bad_url", url=url)


def open_database(url: str, *, create: bool = True) -> peewee.Database:
    """Open the store at ``url`` and bind every model to it; ``create=False`` for every use
    that must find an existing store (``StoreMissing`` otherwise)."""
    db = make_database(url, create=create)
    try:
        db.connect(reuse_if_open=True)
    except peewee.OperationalError as exc:
        raise StoreUnreachable("store.unreachable", detail=exc) from exc
    database_proxy.initialize(db)
    if is_sqlite(db) and db.database != ":memory:":
        sweep_leftovers(Path(db.database).resolve())  # plaintext a killed backup or restore left
    return db


def close_database() -> None:
    db = database_proxy.obj
    if db is not None and not db.is_closed():
        db.close()


_pending = threading.local()  # what runs once this thread's outermost write() commits


def after_commit(fn: Callable[[], None]) -> bool:
    """Run ``fn`` once the enclosing ``write()`` has committed (never if it rolls back or is
    retried). False when there is no ``write()`` to wait for: then ``fn`` is not run."""
    waiting: list[Callable[[], None]] | None = getattr(_pending, "fns", None)
    if waiting is None:
        return False
    waiting.append(fn)
    return True


def _run_after_commit(fns: list[Callable[[], None]]) -> None:
    for fn in fns:
        try:
            fn()
        except Exception:  # the commit stands; what follows it must not undo the caller's work
            log.exception("after-commit step failed")


def _is_busy(exc: peewee.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def write(fn: Callable[[], T], *, attempts: int = 8, base_delay: float = 0.02) -> T:
    """Run ``fn`` in one write transaction, retried while the store is busy.

    ``fn`` must be safe to run again: everything it did is rolled back before a retry.
    """
    db = database_proxy.obj
    if db is None:
        raise StoreUnreachable("store.not_open")
    if db.transaction_depth() > 0:
        with db.atomic():  # a savepoint inside the caller's write
            return fn()
    for attempt in range(attempts):
        _pending.fns = []
        try:
            if is_sqlite(db):
                with db.atomic(lock_type="IMMEDIATE"):
                    result = fn()
            else:
                with db.atomic():
                    # PostgreSQL's counterpart of BEGIN IMMEDIATE: writers queue on one lock, so
                    # two counters never both insert the same new invoice or buyer.
                    db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_WRITE_LOCK,))
                    result = fn()
            done, _pending.fns = _pending.fns, None
            _run_after_commit(done)
            return result
        except peewee.OperationalError as exc:
            _pending.fns = None
            if not _is_busy(exc) or attempt == attempts - 1:
                raise
            delay = base_delay * (2**attempt) * (0.5 + random.random())
            log.debug("store busy, retry %d in %.3fs", attempt + 1, delay)
            time.sleep(delay)
        except BaseException:
            _pending.fns = None
            raise
    raise AssertionError("unreachable")
