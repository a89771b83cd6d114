"""The pages of the last backup, kept beside the live store, that incrementals diff against.

It sits next to the store with the store's own protection, never in the backup folder:
``<store>.backup-basis`` holds the image a full backup wrote (as one zstd frame, the payload
exactly as that backup compressed it: a quarter of the bytes the plain image took to write,
which was most of a full backup's time; bases written plain before that are still read), and
``<store>.backup-basis.overlay`` the pages each incremental since then changed, appended as
``u32 page · page bytes`` records. An incremental never rewrites the image in place: the
page cache works in folios of up to 64 KiB here, so scattered 4 KiB writes into a 264 MB
file dirtied (and wrote) nearly all of it; appending writes the changed pages once, in order.
The next full backup writes a new image and drops the overlay.

``<store>.backup-basis.json`` names the backup the basis matches, with the page size, the
page count and how many overlay bytes belong to it. The name is cleared before anything
changes and set again after it is synced, so a run killed in between makes the next
incremental a full backup instead of a wrong diff.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import zstandard

from storage.backup.atomic_files import TEMP_SUFFIX, fsync_dir, write_atomic
from storage.backup.errors import BackupError

_PAGE_NUMBER = struct.Struct(">I")


def pages_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".backup-basis")


def overlay_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".backup-basis.overlay")


def _state_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".backup-basis.json")


def _state(db_path: Path) -> dict[str, Any]:
    try:
        state = json.loads(_state_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


def matching_backup(db_path: Path) -> str:
    """The id of the backup the basis holds, or "" when there is none to trust."""
    state = _state(db_path)
    if not pages_path(db_path).exists():
        return ""
    overlay = int(state.get("overlay_bytes", 0))
    if overlay and (
        not overlay_path(db_path).exists() or overlay_path(db_path).stat().st_size < overlay
    ):
        return ""
    return str(state.get("backup_id", ""))


def _set_state(db_path: Path, backup_id: str, **fields: int) -> None:
    state = {"backup_id": backup_id, **fields}
    write_atomic(_state_path(db_path), json.dumps(state).encode("utf-8"))


def new_pages_file(db_path: Path) -> Path:
    """Where a full backup writes the new basis before ``adopt``."""
    return db_path.with_name(pages_path(db_path).name + TEMP_SUFFIX)


def adopt(db_path: Path, written: Path, backup_id: str, page_size: int, page_count: int, *,
          compressed: bool = False) -> None:  # fmt: skip
    """Make a full backup's fresh page file the basis, with no overlay; ``compressed``: the
    file is the image as one zstd frame."""
    _set_state(db_path, "")
    with open(written, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(written, pages_path(db_path))
    overlay_path(db_path).unlink(missing_ok=True)
    fsync_dir(db_path.parent)
    _set_state(db_path, backup_id, page_size=page_size, page_count=page_count, overlay_bytes=0,
               **({"compressed": 1} if compressed else {}))  # fmt: skip


def apply_changes(
    db_path: Path, changes: dict[int, bytes], page_size: int, page_count: int, backup_id: str
) -> None:
    """Bring the basis up to an incremental backup's pages: append them to the overlay."""
    before = _state(db_path)
    valid = int(before.get("overlay_bytes", 0))
    image = {"compressed": 1} if before.get("compressed") else {}  # the image stays as it is
    _set_state(db_path, "")
    fd = os.open(overlay_path(db_path), os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)  # plaintext pages: 0600 whatever the umask
        os.ftruncate(fd, valid)  # a torn append from a killed run is not ours
        records = b"".join(_PAGE_NUMBER.pack(page) + data for page, data in sorted(changes.items()))
        os.pwrite(fd, records, valid)
        os.fsync(fd)
    finally:
        os.close(fd)
    _set_state(
        db_path,
        backup_id,
        page_size=page_size,
        page_count=page_count,
        overlay_bytes=valid + len(records),
        **image,
    )


class OldPages:
    """Reading the basis as one image: the full backup's pages, patched by the overlay, cut to
    the page count of the backup it matches. A compressed image is read front to back (as
    ``incremental.diff`` asks for it), decompressed as it goes."""

    def __init__(self, db_path: Path, page_size: int) -> None:
        state = _state(db_path)
        self._page_size = page_size
        self._db_path = db_path
        self._file = open(pages_path(db_path), "rb")  # noqa: SIM115 - closed by close()
        self._image: _ImageStream | None = None
        if int(state.get("page_size", page_size)) != page_size:
            self._page_count = 0  # the store's page size changed: every page is new
        elif state.get("compressed"):
            self._image = _ImageStream(self._file)
            self._page_count = int(state["page_count"])
        else:
            size = os.fstat(self._file.fileno()).st_size
            self._page_count = int(state.get("page_count", size // page_size))
        self._overlay: dict[int, int] = {}  # page -> offset of its newest bytes in the overlay
        self._overlay_file = None
        overlay = int(state.get("overlay_bytes", 0))
        if overlay:
            self._overlay_file = open(overlay_path(db_path), "rb")  # noqa: SIM115
            step = _PAGE_NUMBER.size + page_size
            for offset in range(0, overlay - step + 1, step):
                self._overlay_file.seek(offset)
                (page,) = _PAGE_NUMBER.unpack(self._overlay_file.read(_PAGE_NUMBER.size))
                self._overlay[page] = offset + _PAGE_NUMBER.size

    def read(self, first: int, count: int) -> bytes:
        """Pages ``first`` .. ``first + count - 1`` (fewer past the page count)."""
        ps = self._page_size
        count = max(0, min(count, self._page_count - first + 1))
        if self._image is not None:
            try:
                data = self._image.read((first - 1) * ps, count * ps)
            except zstandard.ZstdError:
                # A damaged basis can't be diffed against: this backup fails, and with the
                # basis gone the next one is a full backup.
                forget(self._db_path)
                raise BackupError("backup.snapshot_failed", detail="backup-basis") from None
        else:
            self._file.seek((first - 1) * ps)
            data = self._file.read(count * ps)
        data = data.ljust(count * ps, b"\0")
        patched = [p for p in range(first, first + count) if p in self._overlay]
        if not patched:
            return data
        assert self._overlay_file is not None
        fd = self._overlay_file.fileno()
        buf = bytearray(data)
        for page in patched:
            start = (page - first) * ps
            buf[start : start + ps] = os.pread(fd, ps, self._overlay[page])  # no seek: no flush
        return bytes(buf)

    def close(self) -> None:
        if self._image is not None:
            self._image.close()
        self._file.close()
        if self._overlay_file is not None:
            self._overlay_file.close()

    def __enter__(self) -> OldPages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _ImageStream:
    """The compressed image, decompressed front to back; reading behind where it has got to
    starts again from the beginning. The piece after the one asked for is decompressed ahead
    on a thread (zstd releases the GIL) while the caller compares this one."""

    def __init__(self, handle: Any) -> None:
        self._handle = handle
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="backup-basis")
        self._ahead: tuple[int, int, Future[bytes]] | None = None
        self._start()

    def _start(self) -> None:
        self._handle.seek(0)
        self._reader = zstandard.ZstdDecompressor().stream_reader(
            self._handle, read_size=1 << 20, closefd=False
        )
        self._at = 0

    def read(self, offset: int, size: int) -> bytes:
        ahead, self._ahead = self._ahead, None
        if ahead is not None and ahead[0] == offset and ahead[1] >= size:
            data = ahead[2].result()[:size]  # the last piece may be asked for shorter
        else:
            if ahead is not None:
                ahead[2].result()  # never two readers on the stream at once
            data = self._read(offset, size)
        if len(data) == size:
            self._ahead = (offset + size, size, self._pool.submit(self._read, offset + size, size))
        return data

    def _read(self, offset: int, size: int) -> bytes:
        if offset < self._at:
            self._start()
        while self._at < offset:
            skipped = self._take(min(offset - self._at, 1 << 22))
            if not skipped:
                return b""
        return self._take(size)

    def _take(self, size: int) -> bytes:
        """Up to ``size`` bytes (fewer only at the end of the image)."""
        pieces = []
        wanted = size
        while wanted > 0:
            piece = self._reader.read(wanted)
            if not piece:
                break
            pieces.append(piece)
            wanted -= len(piece)
        data = b"".join(pieces)
        self._at += len(data)
        return data

    def close(self) -> None:
        if self._ahead is not None:
            with contextlib.suppress(zstandard.ZstdError):
                self._ahead[2].result()
            self._ahead = None
        self._pool.shutdown()


def forget(db_path: Path) -> None:
    for path in (
        _state_path(db_path),
        pages_path(db_path),
        overlay_path(db_path),
        new_pages_file(db_path),
    ):
        path.unlink(missing_ok=True)
