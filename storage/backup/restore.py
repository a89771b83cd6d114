"""Rebuilding a store from a backup chain: every chunk authenticated, every checksum checked."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from storage.backup import incremental
from storage.backup.container import OpenedContainer, ThreadedSha256, open_container
from storage.backup.errors import BackupCorrupt, BackupError
from storage.backup.keys import KeyRing
from storage.backup.manifest import BackupEntry
from storage.backup.snapshot import row_counts
from storage.messages import Listing, Message

OnBytes = Callable[[int], None]
T = TypeVar("T")


def _open(folder: Path, entry: BackupEntry, ring: KeyRing, on_bytes: OnBytes | None
          ) -> OpenedContainer:  # fmt: skip
    path = folder / entry.file
    if not path.exists():
        raise BackupCorrupt("backup.file_missing", file=entry.file)
    opened = open_container(path, ring, on_bytes=on_bytes)
    head = opened.header
    if (
        head.get("backup_id") != entry.id
        or head.get("kind") != entry.kind
        or head.get("parent", "") != entry.parent
    ):
        raise BackupCorrupt("backup.header_mismatch", id=entry.id)
    return opened


def checked_payload(folder: Path, entry: BackupEntry, ring: KeyRing,
                    on_bytes: OnBytes | None = None) -> Iterator[bytes]:  # fmt: skip
    """The decrypted payload; at its end the file's and the payload's checksums are compared
    with the manifest (a mismatch raises before the last piece counts as read)."""
    opened = _open(folder, entry, ring, on_bytes)
    digest = ThreadedSha256()
    size = 0
    for piece in opened.payload:
        digest.update(piece)
        size += len(piece)
        yield piece
    if opened.file_sha256() != entry.file_sha256:
        raise BackupCorrupt("backup.checksum_mismatch", id=entry.id, what="file")
    if size != entry.payload_size or digest.hexdigest() != entry.payload_sha256:
        raise BackupCorrupt("backup.checksum_mismatch", id=entry.id, what="payload")


def rebuild_sqlite(folder: Path, chain: list[BackupEntry], ring: KeyRing, target: Path,
                   on_bytes: OnBytes | None = None) -> None:  # fmt: skip
    """Write the database image of ``chain[-1]`` to ``target`` (a new file)."""
    full = chain[0]
    if full.kind != "full" or full.engine != "sqlite":
        raise BackupCorrupt("backup.chain_broken", id=full.id, parent=full.parent)
    # A full backup's payload is its image: its checked payload checksum is the image's, and
    # the image is hashed a second time only if the index says otherwise.
    image = None if full.image_sha256 in ("", full.payload_sha256) else hashlib.sha256()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # plaintext invoices: 0600 whatever the umask or a stale file's mode
    with os.fdopen(fd, "wb") as out:
        for piece in checked_payload(folder, full, ring, on_bytes):
            if image is not None:
                image.update(piece)
            out.write(piece)
    if image is not None and image.hexdigest() != full.image_sha256:
        raise BackupCorrupt("backup.checksum_mismatch", id=full.id, what="image")
    for step in chain[1:]:
        reader = incremental.PayloadReader(checked_payload(folder, step, ring, on_bytes))
        page_count, changed = incremental.apply(reader, target)
        reader.drain()
        if page_count != step.page_count or changed != step.changed_pages:
            raise BackupCorrupt("backup.checksum_mismatch", id=step.id, what="pages")


def as_rollback_journal(path: Path) -> None:
    """Mark a rebuilt image as a rollback-journal database (header bytes 18-19, the file
    format's write and read versions: 1 legacy, 2 WAL). Nothing else changes, and reading it
    then creates no -wal or -shm file; the online backup into a WAL store keeps that store WAL."""
    fd = os.open(path, os.O_RDWR)
    try:
        if os.pread(fd, 2, 18) == b"\x02\x02":
            os.pwrite(fd, b"\x01\x01", 18)
    finally:
        os.close(fd)


CHECK_CACHE_KIB = 64 * 1024


def check_sqlite(path: Path, expected: dict[str, int], *, thorough: bool) -> Message | None:
    """None when the database passes SQLite's own check and has the expected rows, else why not."""
    conn = sqlite3.connect(str(path))  # our own scratch copy: closing it removes its WAL files
    with contextlib.closing(conn):
        # integrity_check walks every index against its table, revisiting pages: a bigger
        # cache than the default 2 MiB saves re-reading them (about a third faster here).
        conn.execute(f"PRAGMA cache_size=-{CHECK_CACHE_KIB}")
        # Our own copy, only read: mapped, SQLite reads its pages without copying each one
        # out of the page cache (a quarter off quick_check here).
        conn.execute(f"PRAGMA mmap_size={path.stat().st_size}")
        try:
            pragma = "integrity_check" if thorough else "quick_check"
            result = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchmany(5)]
            if result != ["ok"]:
                return Message("backup.check.failed", {"check": Message(f"backup.check.{pragma}"),
                                                       "detail": "; ".join(result)})  # fmt: skip
            counts = row_counts(conn)
        except sqlite3.DatabaseError as exc:
            return Message("backup.check.unreadable", {"detail": str(exc)})
    return counts_differ(expected, counts)


def counts_differ(expected: dict[str, int], counts: dict[str, int]) -> Message | None:
    wrong = sorted(k for k in expected.keys() | counts.keys() if counts.get(k) != expected.get(k))
    return Message("backup.check.row_counts", {"tables": Listing(wrong)}) if wrong else None


STEP_PAGES = 256  # pages the online backup copies at a time into the live store's cache
LOCK_WAIT = 30.0  # seconds a restore waits for another terminal's write to finish


def restore_into_live(restored: Path, live: Path, while_locked: Callable[[], T], *,
                      lock_wait: float = LOCK_WAIT) -> T:  # fmt: skip
    """Write the restored image INTO the live store with SQLite's online backup API, holding
    the store's write lock from before ``while_locked`` runs (the safety backup) until the
    restored content commits; returns what ``while_locked`` returned.

    The backup API holds a write transaction on its destination from its first step until it
    is done, and writes through the destination's own pager: in WAL mode the restored pages are
    appended to the WAL as one transaction, so other connections keep reading the old content
    until the commit and the new content after it; the file is never replaced under them, and
    it shrinks only in a checkpoint, which SQLite never runs past a reader still using the
    larger file (their memory maps stay valid). Other terminals' writes wait on the lock
    (their busy timeout and retries) and land after the restore; none commits between the
    safety backup and the swap, so each is in the one or the other. If anything fails before
    the commit, the transaction rolls back and the live store is as it was.
    """
    source = sqlite3.connect(f"file:{restored}?mode=ro", uri=True)
    dest = sqlite3.connect(str(live), timeout=lock_wait, isolation_level=None)
    with contextlib.closing(source), contextlib.closing(dest):
        pages = source.execute("PRAGMA page_count").fetchone()[0]
        if pages < 2:  # every store has its schema and tables: one page would be done at once
            raise BackupCorrupt("backup.corrupt_payload")
        # The first step must leave pages to copy: the callback runs with the lock held but
        # nothing committed yet.
        step = min(STEP_PAGES, pages - 1)
        deadline = time.monotonic() + lock_wait
        held: list[T] = []

        def after_step(status: int, remaining: int, total: int) -> None:
            if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                if time.monotonic() > deadline:
                    raise BackupError("backup.store_busy", seconds=int(lock_wait))
                return
            if not held and status == sqlite3.SQLITE_OK:
                held.append(while_locked())

        try:
            source.backup(dest, pages=step, progress=after_step, sleep=0.05)
        except sqlite3.Error as exc:
            raise BackupError("backup.restore_swap_failed", detail=str(exc)) from exc
    if not held:  # the copy finished in one step: cannot happen with the step chosen above
        raise AssertionError("restored without the safety backup")
    return held[0]
