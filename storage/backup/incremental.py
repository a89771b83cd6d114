"""Page-level diffs between two views of a SQLite store, and applying them on restore.

Changed pages go in groups of up to ``GROUP`` pages, each group one zstd frame compressed with
the pages it replaces as the dictionary: an edited row that moves cells about still leaves
mostly bytes the old page holds, which zstd encodes as a few matches (a plain XOR of shifted
cells is noise, and one frame per page costs a context each). Pages past the old end of the
store are stored raw; the container compresses them.

Payload (format 2): ``FPG2`` · u32 page size · u32 page count, then records, each led by a
kind byte: RAW (u32 page, the page), DELTA (u16 n, n × u32 page, u32 length, the frame), and
last END (u32 record pages, the SHA-256 of every u32 page and new page in order). Each frame
carries zstd's own checksum, so a diff applied to the wrong base fails at that group; the end
digest proves every page was rebuilt byte for byte.

Format 1 (``FPGD``, read only): records (u32 page, u8 kind, the new page's SHA-256, the page
bytes or their XOR with the old page), then page 0 with the record count in the hash's place.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

import zstandard

from storage.backup.basis import OldPages
from storage.backup.errors import BackupCorrupt
from storage.backup.snapshot import SqliteView

MAGIC = b"FPG2"
MAGIC_V1 = b"FPGD"
_PREAMBLE = struct.Struct(">4sII")
_KIND = struct.Struct(">B")
_COUNT = struct.Struct(">H")
_U32 = struct.Struct(">I")
_RECORD_V1 = struct.Struct(">IB32s")
RAW, XOR, DELTA, END = 0, 1, 2, 255  # XOR only in format 1
GROUP = 16  # pages per frame: 16 old pages (64 KiB) fit level 3's match finder whole
LEVEL = 3  # measured on the bench: higher levels cost more time than they save bytes
_FRAME_SLACK = 4096  # an incompressible group's frame is a little over its pages


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "little") ^ int.from_bytes(b, "little")).to_bytes(len(a), "little")


def _dictionary(old_pages: bytes) -> zstandard.ZstdCompressionDict:
    return zstandard.ZstdCompressionDict(old_pages, dict_type=zstandard.DICT_TYPE_RAWCONTENT)


class _Encoder:
    """Records for the changed pages, in the order they are applied, and their digest."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.count = 0
        self._pages: list[int] = []
        self._old: list[bytes] = []
        self._new: list[bytes] = []

    def _seen(self, page: int, new_page: bytes) -> None:
        self.digest.update(_U32.pack(page))
        self.digest.update(new_page)
        self.count += 1

    def raw(self, page: int, new_page: bytes) -> bytes:
        self._seen(page, new_page)
        return _KIND.pack(RAW) + _U32.pack(page) + new_page

    def delta(self, page: int, new_page: bytes, old_page: bytes) -> bytes | None:
        self._pages.append(page)
        self._old.append(old_page)
        self._new.append(new_page)
        return self.flush() if len(self._pages) == GROUP else None

    def flush(self) -> bytes | None:
        if not self._pages:
            return None
        compressor = zstandard.ZstdCompressor(
            level=LEVEL, dict_data=_dictionary(b"".join(self._old)), write_checksum=True,
            write_dict_id=False)  # fmt: skip
        frame = compressor.compress(b"".join(self._new))
        for page, new_page in zip(self._pages, self._new, strict=True):
            self._seen(page, new_page)
        head = _KIND.pack(DELTA) + _COUNT.pack(len(self._pages))
        out = head + b"".join(map(_U32.pack, self._pages)) + _U32.pack(len(frame)) + frame
        self._pages, self._old, self._new = [], [], []
        return out


def diff(
    view: SqliteView,
    old_pages: OldPages,
    changes: dict[int, bytes],
    on_block: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """Payload pieces for the pages of ``view`` that differ from the basis; fills ``changes``."""
    ps = view.page_size
    encoder = _Encoder()
    yield _PREAMBLE.pack(MAGIC, ps, view.page_count)
    for first, block in view.blocks():
        old = old_pages.read(first, len(block) // ps)
        if on_block:
            on_block(len(block))
        if old == block:  # one comparison of 1 MiB
            continue
        for i in range(0, len(block), ps):
            new_page = block[i : i + ps]
            old_page = old[i : i + ps]
            if new_page == old_page:
                continue
            page = first + i // ps
            changes[page] = new_page
            record = (encoder.delta(page, new_page, old_page) if len(old_page) == ps
                      else encoder.raw(page, new_page))  # fmt: skip
            if record:
                yield record
    last = encoder.flush()
    if last:
        yield last
    yield _KIND.pack(END) + _U32.pack(encoder.count) + encoder.digest.digest()


class PayloadReader:
    """``read(n)`` over the decompressed pieces of a container."""

    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces
        self._buf = bytearray()

    def read(self, n: int) -> bytes:
        while len(self._buf) < n:
            piece = next(self._pieces, None)
            if piece is None:
                raise BackupCorrupt("backup.truncated")
            self._buf += piece
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    def drain(self) -> None:
        """Read to the end so the container's final checks run."""
        if self._buf:
            raise BackupCorrupt("backup.trailing_data")
        for piece in self._pieces:
            if piece:
                raise BackupCorrupt("backup.trailing_data")


def apply(reader: PayloadReader, target: Path) -> tuple[int, int]:
    """Apply one incremental to the database image at ``target``; (page count, pages changed)."""
    magic, ps, page_count = _PREAMBLE.unpack(reader.read(_PREAMBLE.size))
    if magic not in (MAGIC, MAGIC_V1) or not 512 <= ps <= 65536:
        raise BackupCorrupt("backup.corrupt_payload")
    fd = os.open(target, os.O_RDWR)
    try:
        changed = (_apply_pages if magic == MAGIC else _apply_pages_v1)(reader, fd, ps)
        os.ftruncate(fd, page_count * ps)
        os.fsync(fd)
    finally:
        os.close(fd)
    return page_count, changed


def _old(fd: int, page: int, ps: int) -> bytes:
    old = os.pread(fd, ps, (page - 1) * ps)
    if len(old) != ps:
        raise BackupCorrupt("backup.corrupt_payload")
    return old


def _undelta(reader: PayloadReader, fd: int, ps: int) -> list[tuple[int, bytes]]:
    """The new pages of one DELTA record; against the wrong old pages zstd's checksum fails."""
    (n,) = _COUNT.unpack(reader.read(_COUNT.size))
    pages = [_U32.unpack(reader.read(_U32.size))[0] for _ in range(n)]
    (length,) = _U32.unpack(reader.read(_U32.size))
    if not 0 < n <= GROUP or len(set(pages)) != n or length > n * ps + _FRAME_SLACK:
        raise BackupCorrupt("backup.corrupt_payload")
    frame = reader.read(length)
    old = b"".join(_old(fd, page, ps) for page in pages)
    try:
        data = zstandard.ZstdDecompressor(dict_data=_dictionary(old)).decompress(
            frame, max_output_size=n * ps)  # fmt: skip
    except zstandard.ZstdError:
        raise BackupCorrupt("backup.page_mismatch", page=pages[0]) from None
    if len(data) != n * ps:
        raise BackupCorrupt("backup.page_mismatch", page=pages[0])
    return [(page, data[i * ps : (i + 1) * ps]) for i, page in enumerate(pages)]


def _apply_pages(reader: PayloadReader, fd: int, ps: int) -> int:
    digest = hashlib.sha256()
    changed = 0
    while True:
        (kind,) = _KIND.unpack(reader.read(_KIND.size))
        if kind == END:
            (count,) = _U32.unpack(reader.read(_U32.size))
            if count != changed or reader.read(32) != digest.digest():
                raise BackupCorrupt("backup.corrupt_payload")
            return changed
        if kind == RAW:
            (page,) = _U32.unpack(reader.read(_U32.size))
            pages = [(page, reader.read(ps))]
        elif kind == DELTA:
            pages = _undelta(reader, fd, ps)
        else:
            raise BackupCorrupt("backup.corrupt_payload")
        for page, data in pages:
            if page == 0:
                raise BackupCorrupt("backup.corrupt_payload")
            digest.update(_U32.pack(page))
            digest.update(data)
            os.pwrite(fd, data, (page - 1) * ps)
            changed += 1


def _apply_pages_v1(reader: PayloadReader, fd: int, ps: int) -> int:
    changed = 0
    while True:
        page, kind, digest = _RECORD_V1.unpack(reader.read(_RECORD_V1.size))
        if page == 0:  # the end record: page 0 with the number of records
            count = int.from_bytes(digest[:4], "big")
            if kind != RAW or count != changed or digest[4:].strip(b"\0"):
                raise BackupCorrupt("backup.corrupt_payload")
            return changed
        data = reader.read(ps)
        if kind == XOR:
            data = _xor(data, _old(fd, page, ps))
        if hashlib.sha256(data).digest() != digest:
            raise BackupCorrupt("backup.page_mismatch", page=page)
        os.pwrite(fd, data, (page - 1) * ps)
        changed += 1
