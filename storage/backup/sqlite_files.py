"""Reading a live SQLite store's own files (the database, its -wal, its -shm) directly,
without dropping the locks this process's SQLite connections hold on them.

POSIX advisory locks belong to a process and a file, and closing *any* descriptor of that file
releases all of them (sqlite.org/howtocorrupt.html, "Posix advisory locks canceled by a
separate thread doing close()"). A plain ``open(...).read()`` of the database or its -shm
would silently drop a restore's write lock (another terminal then commits in the middle of
the restore), a backup's pinned read mark (a checkpoint or a WAL restart then rewrites what
the backup is reading), or the shared lock that keeps another process from checkpointing and
truncating the file under everyone's memory maps (SIGBUS). So each file read here is opened
once and its descriptor kept, as SQLite keeps its own; one is closed only when the path names a
new file and the old one is deleted (a WAL removed by the last connection anywhere), when no
connection holds it any more.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_by_file: dict[tuple[int, int], int] = {}  # (device, inode) -> the descriptor kept for it
_by_path: dict[str, tuple[int, int]] = {}  # the file each path named when last read
_guard = threading.Lock()


def _key(st: os.stat_result) -> tuple[int, int]:
    return (st.st_dev, st.st_ino)


def _descriptor(path: Path) -> int:
    with _guard:
        fd = _by_file.get(_key(os.stat(path)))
        if fd is not None:
            return fd
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        key = _key(os.fstat(fd))
        if key in _by_file:  # the path changed back between the stat and the open: closing
            return _by_file[key]  # this one would drop the locks too, so it stays open unused
        _by_file[key] = fd
        before = _by_path.get(str(path))
        _by_path[str(path)] = key
        if before is not None and before in _by_file and os.fstat(_by_file[before]).st_nlink == 0:
            os.close(_by_file.pop(before))  # a deleted WAL: no connection anywhere holds it
        return fd


def read_at(path: Path, size: int, offset: int) -> bytes:
    """Up to ``size`` bytes of ``path`` from ``offset`` (fewer at its end)."""
    fd = _descriptor(path)
    chunks = []
    while size > 0:
        piece = os.pread(fd, size, offset)
        if not piece:
            break
        chunks.append(piece)
        size -= len(piece)
        offset += len(piece)
    return b"".join(chunks)
