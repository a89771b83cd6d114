"""Page-level diffs between two views of a SQLite store, and applying them on restore.

A changed page is stored as its XOR with the page it replaces: an edited row leaves a page
that is almost all zeros, which compresses to a few dozen bytes. Each record carries the
SHA-256 of the new page, so a diff applied to the wrong base fails loudly.

Payload: ``FPGD`` · u32 page size · u32 page count, then records (u32 page, u8 kind, 32-byte
hash, the page bytes), then an end record: page 0, the record count in the hash's place.
"""

from __future__ import annotations

import hashlib
import os
import struct
from collections.abc import Callable, Iterator
from pathlib import Path

from storage.backup.errors import BackupCorrupt
from storage.backup.snapshot import SqliteView

MAGIC = b"FPGD"
_PREAMBLE = struct.Struct(">4sII")
_RECORD = struct.Struct(">IB32s")
RAW, XOR = 0, 1


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "little") ^ int.from_bytes(b, "little")).to_bytes(len(a), "little")


def diff(view: SqliteView, basis: Path, changes: dict[int, bytes],
         on_block: Callable[[int], None] | None = None) -> Iterator[bytes]:
    """Payload pieces for the pages of ``view`` that differ from ``basis``; fills ``changes``."""
    ps = view.page_size
    yield _PREAMBLE.pack(MAGIC, ps, view.page_count)
    with open(basis, "rb") as old_file:
        for first, block in view.blocks():
            old_file.seek((first - 1) * ps)
            old = old_file.read(len(block))
            if on_block:
                on_block(len(block))
            if old == block:
                continue
            for i in range(0, len(block), ps):
                new_page = block[i:i + ps]
                old_page = old[i:i + ps]
                if new_page == old_page:
                    continue
                page = first + i // ps
                digest = hashlib.sha256(new_page).digest()
                if len(old_page) == ps:
                    yield _RECORD.pack(page, XOR, digest) + _xor(new_page, old_page)
                else:
                    yield _RECORD.pack(page, RAW, digest) + new_page
                changes[page] = new_page
    yield _RECORD.pack(0, RAW, len(changes).to_bytes(4, "big").ljust(32, b"\0"))


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
    if magic != MAGIC:
        raise BackupCorrupt("backup.corrupt_payload")
    fd = os.open(target, os.O_RDWR)
    changed = 0
    try:
        while True:
            page, kind, digest = _RECORD.unpack(reader.read(_RECORD.size))
            if page == 0:  # the end record: page 0 with the number of records
                count = int.from_bytes(digest[:4], "big")
                if kind != RAW or count != changed or digest[4:].strip(b"\0"):
                    raise BackupCorrupt("backup.corrupt_payload")
                break
            data = reader.read(ps)
            if kind == XOR:
                old = os.pread(fd, ps, (page - 1) * ps)
                if len(old) != ps:
                    raise BackupCorrupt("backup.corrupt_payload")
                data = _xor(data, old)
            if hashlib.sha256(data).digest() != digest:
                raise BackupCorrupt("backup.page_mismatch", page=page)
            os.pwrite(fd, data, (page - 1) * ps)
            changed += 1
        os.ftruncate(fd, page_count * ps)
        os.fsync(fd)
    finally:
        os.close(fd)
    return page_count, changed
