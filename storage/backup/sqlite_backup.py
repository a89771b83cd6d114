"""Taking a SQLite backup: a full image, or the pages changed since the basis."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from storage.backup import basis, incremental
from storage.backup.container import ContainerWriter, WrittenFile
from storage.backup.keys import KeyRing
from storage.backup.manifest import BackupEntry
from storage.backup.snapshot import SqliteView, sqlite_view

OnBytes = Callable[[int, int], None]  # (done, total)
FULL_BLOCK_PAGES = 1024  # a full backup reads 4 MiB at a time (at 4 KiB pages)


@dataclass
class Taken:
    entry: BackupEntry
    after_commit: Callable[[], None]  # brings the basis up to this backup


def _entry(backup_id: str, kind: str, parent: str, view: SqliteView, written: WrittenFile,
           ring: KeyRing, db_path: Path, reason: str, created: str) -> BackupEntry:  # fmt: skip
    return BackupEntry(
        id=backup_id, kind=kind, engine="sqlite", parent=parent, created=created,
        file=written.path.name, file_size=written.size, file_sha256=written.sha256,
        payload_size=written.payload_size, payload_sha256=written.payload_sha256,
        store_size=view.size, key_id=ring.current_id, row_counts=view.counts,
        page_count=view.page_count, page_size=view.page_size, store=str(db_path), reason=reason,
    )  # fmt: skip


def take(db_path: Path, folder: Path, ring: Callable[[], KeyRing], backup_id: str, *,
         parent: str, reason: str, on_bytes: OnBytes | None = None,
         writer_held: bool = False, ring_ready: Callable[[], bool] | None = None
         ) -> Taken:  # fmt: skip
    """A full backup when ``parent`` is "", else an incremental against the basis. ``ring``
    gives the key ring, waiting if it is still unlocking: an incremental reads and diffs the
    store first, so the key derivation runs meanwhile; nothing is written before it returns.
    A full backup compresses meanwhile, when ``ring_ready`` says whether the key has come.
    ``writer_held``: the caller holds the store's write lock (a restore's safety backup); a
    full backup then writes no new basis, since the restore is about to replace the store."""
    kind = "incremental" if parent else "full"
    created = dt.datetime.now().astimezone().isoformat(timespec="microseconds")
    header = {"backup_id": backup_id, "kind": kind, "engine": "sqlite", "parent": parent,
              "created": created}  # fmt: skip
    with sqlite_view(db_path, db_path.parent, writer_held=writer_held) as view:
        if parent:
            return _incremental(db_path, folder, ring, view, backup_id, header, reason, on_bytes)
        new_basis = basis.new_pages_file(db_path)
        with contextlib.ExitStack() as stack:
            # The basis is the payload as compressed for this backup, before sealing: a
            # quarter of the image's bytes to write (the image itself was most of the time).
            # Opened on the writer's first tee, once the key is there.
            pages = None if writer_held else _LazyFile(new_basis, stack)
            writer = ContainerWriter(folder / f"{backup_id}.fbk", ring, header,
                                     tee=pages.write if pages is not None else None,
                                     ring_ready=ring_ready)  # fmt: skip
            try:
                done = 0
                for _, block in view.blocks(FULL_BLOCK_PAGES):
                    writer.write(block)
                    done += len(block)
                    if on_bytes:
                        on_bytes(done, view.size)
                written = writer.commit()
            except BaseException:
                writer.abort()
                raise
    keyring = writer.keyring
    entry = _entry(backup_id, kind, "", view, written, keyring, db_path, reason, created)
    entry.image_sha256 = written.payload_sha256  # a full backup's payload is the image itself
    if writer_held:
        return Taken(entry, lambda: None)
    size, count = view.page_size, view.page_count
    return Taken(entry, lambda: basis.adopt(db_path, new_basis, backup_id, size, count,
                                            compressed=True))  # fmt: skip


class _LazyFile:
    """A private file (``_private_file``) created on the first write."""

    def __init__(self, path: Path, stack: contextlib.ExitStack) -> None:
        self._path, self._stack = path, stack
        self._handle: BinaryIO | None = None

    def write(self, data: bytes) -> None:
        if self._handle is None:
            self._handle = self._stack.enter_context(_private_file(self._path))
        self._handle.write(data)


def _private_file(path: Path) -> BinaryIO:
    """A new file for plaintext pages: 0600 whatever the umask or a stale file's mode."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def _incremental(db_path: Path, folder: Path, ring: Callable[[], KeyRing], view: SqliteView,
                 backup_id: str, header: dict[str, str], reason: str,
                 on_bytes: OnBytes | None) -> Taken:  # fmt: skip
    changes: dict[int, bytes] = {}
    done = 0

    def seen(n: int) -> None:
        nonlocal done
        done += n
        if on_bytes:
            on_bytes(done, view.size)

    # Held in memory until the key is there: the changed pages are in ``changes`` anyway, and
    # their deltas are a small fraction of them.
    with basis.OldPages(db_path, view.page_size) as old_pages:
        pieces = list(incremental.diff(view, old_pages, changes, seen))
    keyring = ring()
    writer = ContainerWriter(folder / f"{backup_id}.fbk", keyring, header)
    try:
        for piece in pieces:
            writer.write(piece)
        written = writer.commit()
    except BaseException:
        writer.abort()
        raise
    entry = _entry(backup_id, "incremental", header["parent"], view, written, keyring, db_path,
                   reason, header["created"])  # fmt: skip
    entry.changed_pages = len(changes)
    size, count = view.page_size, view.page_count
    return Taken(entry, lambda: basis.apply_changes(db_path, changes, size, count, backup_id))
