"""A consistent view of the live store, taken without stopping the counters.

SQLite (WAL mode): writers are held off only for the instant it takes to open a read
transaction and read the WAL index; that read transaction then pins the view. While it is
open, SQLite never checkpoints past it nor restarts the WAL, so each page of the view is its
newest WAL frame at or below the pinned frame, or else the page in the database file — read
straight from the files, with no copy of the whole store (what makes incrementals cheap).
A store not in WAL mode is copied with the online backup API in one step instead.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import struct
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from storage.backup.errors import BackupError
from storage.backup.sqlite_files import read_at

BLOCK_PAGES = 256  # pages handed out at a time (1 MiB at 4 KiB pages)
_WAL_HEADER = 32
_FRAME_HEADER = 24
_HDR = struct.Struct("=IIIBBHII8s8s8s")  # WalIndexHdr, native byte order (48 bytes)
_CKPT_OFFSET = 96  # WalCkptInfo.nBackfill follows the two header copies


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Rows per ordinary table, in the connection's current read transaction."""
    names = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
        "AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name")]  # fmt: skip
    return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


@dataclass
class SqliteView:
    """Pages 1..page_count of the store as of one commit."""

    path: Path
    page_size: int
    page_count: int
    counts: dict[str, int]
    _wal_frames: dict[int, int] = field(default_factory=dict)  # page -> offset in the WAL
    _wal_path: Path | None = None
    _live: bool = True  # the store's own file, not a private copy of it

    @property
    def size(self) -> int:
        return self.page_size * self.page_count

    def blocks(self, block_pages: int = BLOCK_PAGES) -> Iterator[tuple[int, bytes]]:
        """(first page number, bytes of up to ``block_pages`` pages), in page order."""
        ps = self.page_size
        # The live files are read through kept descriptors (``sqlite_files``): closing one
        # would drop the locks that pin this view. A copied view's file is our own.
        read = read_at if self._live else _read_own
        for first in range(1, self.page_count + 1, block_pages):
            n = min(block_pages, self.page_count - first + 1)
            data = read(self.path, n * ps, (first - 1) * ps)
            overlay = [p for p in range(first, first + n) if p in self._wal_frames]
            if len(data) < n * ps or overlay:
                buf = bytearray(data.ljust(n * ps, b"\0"))
                for page in overlay:
                    assert self._wal_path is not None
                    start = (page - first) * ps
                    buf[start : start + ps] = read_at(self._wal_path, ps, self._wal_frames[page])
                data = bytes(buf)
            yield first, data


def _read_own(path: Path, size: int, offset: int) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read(size)


def _read_wal_index(db_path: Path, page_size: int) -> tuple[int, int, bytes] | None:
    """(mxFrame, nPage, salts) from the shared-memory WAL index, or None if all is backfilled."""
    shm = Path(str(db_path) + "-shm")
    try:
        raw = read_at(shm, _CKPT_OFFSET + 4, 0)
    except OSError:
        return None
    if len(raw) < _CKPT_OFFSET + 4 or raw[:48] != raw[48:96]:
        raise BackupError("backup.snapshot_failed", detail="wal-index")
    fields = _HDR.unpack(raw[:48])
    max_frame, n_page, salts = fields[6], fields[7], fields[9]
    (backfilled,) = struct.unpack("=I", raw[_CKPT_OFFSET : _CKPT_OFFSET + 4])
    if max_frame == 0 or backfilled >= max_frame:
        return None
    return max_frame, n_page, salts


def _wal_frames(db_path: Path, page_size: int, max_frame: int, salts: bytes) -> dict[int, int]:
    wal = Path(str(db_path) + "-wal")
    frames: dict[int, int] = {}
    header = read_at(wal, _WAL_HEADER, 0)
    if header[16:24] != salts:
        raise BackupError("backup.snapshot_failed", detail="wal-salt")
    step = _FRAME_HEADER + page_size
    for index in range(max_frame):
        offset = _WAL_HEADER + index * step
        head = read_at(wal, _FRAME_HEADER, offset)
        if len(head) < _FRAME_HEADER or head[8:16] != salts:
            raise BackupError("backup.snapshot_failed", detail="wal-frame")
        frames[int.from_bytes(head[:4], "big")] = offset + _FRAME_HEADER
    return frames


@contextlib.contextmanager
def sqlite_view(db_path: Path, scratch_dir: Path, *, writer_held: bool = False
                ) -> Iterator[SqliteView]:  # fmt: skip
    """A pinned, consistent view of the SQLite store at ``db_path``. ``writer_held``: the
    caller holds the store's write lock already (on another connection), so no commit can
    land while the view is pinned and none is taken here."""
    try:
        reader = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30,
                                 isolation_level=None)  # fmt: skip
    except sqlite3.Error as exc:
        raise BackupError("backup.snapshot_failed", detail=str(exc)) from exc
    with contextlib.closing(reader):
        mode = reader.execute("PRAGMA journal_mode").fetchone()[0]
        if mode != "wal":
            with _copied_view(reader, scratch_dir) as view:
                yield view
            return
        holder = sqlite3.connect(str(db_path), timeout=30, isolation_level=None)
        with contextlib.closing(holder):
            try:
                if not writer_held:
                    holder.execute("BEGIN IMMEDIATE")  # no commit can land while we look
                reader.execute("BEGIN")
                reader.execute("SELECT count(*) FROM sqlite_master").fetchone()  # pins the view
                page_size = reader.execute("PRAGMA page_size").fetchone()[0]
                page_count = reader.execute("PRAGMA page_count").fetchone()[0]
                index = _read_wal_index(db_path, page_size)
                frames = _wal_frames(db_path, page_size, index[0], index[2]) if index else {}
            except sqlite3.Error as exc:
                raise BackupError("backup.snapshot_failed", detail=str(exc)) from exc
            finally:
                if holder.in_transaction:
                    holder.execute("ROLLBACK")
        try:
            if index and index[1] != page_count:
                raise BackupError("backup.snapshot_failed", detail="page-count")
            counts = row_counts(reader)
            yield SqliteView(db_path, page_size, page_count, counts, frames,
                             Path(str(db_path) + "-wal"))  # fmt: skip
        finally:
            if reader.in_transaction:
                reader.execute("ROLLBACK")


@contextlib.contextmanager
def _copied_view(reader: sqlite3.Connection, scratch_dir: Path) -> Iterator[SqliteView]:
    """The online backup API in one step (``pages=-1``) into a private scratch file."""
    fd, name = tempfile.mkstemp(prefix="snapshot-", suffix=".db", dir=scratch_dir)
    os.close(fd)
    copy_path = Path(name)
    try:
        copy = sqlite3.connect(name)
        with contextlib.closing(copy):
            reader.backup(copy, pages=-1)
            page_size = copy.execute("PRAGMA page_size").fetchone()[0]
            page_count = copy.execute("PRAGMA page_count").fetchone()[0]
            counts = row_counts(copy)
        yield SqliteView(copy_path, page_size, page_count, counts, _live=False)
    finally:
        copy_path.unlink(missing_ok=True)
