"""Rebuilding a store from a backup chain: every chunk authenticated, every checksum checked."""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from storage.backup import incremental
from storage.backup.container import OpenedContainer, open_container
from storage.backup.errors import BackupCorrupt
from storage.backup.keys import KeyRing
from storage.backup.manifest import BackupEntry
from storage.backup.snapshot import row_counts

OnBytes = Callable[[int], None]


def _open(folder: Path, entry: BackupEntry, ring: KeyRing, on_bytes: OnBytes | None
          ) -> OpenedContainer:  # fmt: skip
    path = folder / entry.file
    if not path.exists():
        raise BackupCorrupt("backup.file_missing", file=entry.file)
    opened = open_container(path, ring, on_bytes=on_bytes)
    head = opened.header
    if head.get("backup_id") != entry.id or head.get("kind") != entry.kind or \
            head.get("parent", "") != entry.parent:
        raise BackupCorrupt("backup.header_mismatch", id=entry.id)
    return opened


def checked_payload(folder: Path, entry: BackupEntry, ring: KeyRing,
                    on_bytes: OnBytes | None = None) -> Iterator[bytes]:  # fmt: skip
    """The decrypted payload; at its end the file's and the payload's checksums are compared
    with the manifest (a mismatch raises before the last piece counts as read)."""
    opened = _open(folder, entry, ring, on_bytes)
    digest = hashlib.sha256()
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
    image = hashlib.sha256()
    with open(target, "wb") as out:
        for piece in checked_payload(folder, full, ring, on_bytes):
            image.update(piece)
            out.write(piece)
        out.flush()
    if full.image_sha256 and image.hexdigest() != full.image_sha256:
        raise BackupCorrupt("backup.checksum_mismatch", id=full.id, what="image")
    for step in chain[1:]:
        reader = incremental.PayloadReader(checked_payload(folder, step, ring, on_bytes))
        page_count, changed = incremental.apply(reader, target)
        reader.drain()
        if page_count != step.page_count or changed != step.changed_pages:
            raise BackupCorrupt("backup.checksum_mismatch", id=step.id, what="pages")


def check_sqlite(path: Path, expected: dict[str, int], *, thorough: bool) -> str:
    """"" when the database passes SQLite's own check and has the expected rows, else why not."""
    conn = sqlite3.connect(str(path))  # our own scratch copy: closing it removes its WAL files
    with contextlib.closing(conn):
        try:
            pragma = "integrity_check" if thorough else "quick_check"
            result = [r[0] for r in conn.execute(f"PRAGMA {pragma}").fetchmany(5)]
            if result != ["ok"]:
                return f"{pragma}: {'; '.join(result)}"
            counts = row_counts(conn)
        except sqlite3.DatabaseError as exc:
            return f"sqlite: {exc}"
    if counts != expected:
        wrong = sorted(k for k in expected.keys() | counts.keys() if counts.get(k) != expected.get(k))
        return "row counts differ: " + ", ".join(wrong)
    return ""


def replace_live_sqlite(restored: Path, live: Path) -> None:
    """Copy the restored image over the live store through SQLite itself (its locks, its WAL),
    so open connections see the restored data rather than a file swapped under them."""
    source = sqlite3.connect(f"file:{restored}?mode=ro", uri=True)
    dest = sqlite3.connect(str(live), timeout=30)
    with contextlib.closing(source), contextlib.closing(dest):
        source.backup(dest, pages=-1)
