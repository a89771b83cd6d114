"""The backup file: a header, then zstd-compressed data sealed in AES-256-GCM chunks.

Layout: ``FAPIAOBK`` · u16 format · u32 header length · header (JSON) · chunks, each a u32
length and the sealed bytes. Every chunk is sealed under a key derived for this backup alone
(HKDF of the master key, a random salt and the backup id), with the chunk's index and a
final-chunk flag as its nonce and the header's hash as associated data: a reordered, dropped,
truncated or altered chunk, a changed header, or bytes after the final chunk all fail to open.

Format 2 differs from format 1 only in what an incremental's payload holds (page deltas as
zstd frames, see ``incremental``); format 1 files are still read.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import struct
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import zstandard
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from storage.backup.atomic_files import TEMP_SUFFIX, fsync_dir
from storage.backup.errors import BackupCorrupt
from storage.backup.keys import KeyRing

MAGIC = b"FAPIAOBK"
FORMAT = 2
READABLE_FORMATS = (1, 2)
CHUNK = 1 << 20  # compressed bytes per sealed chunk
_TAG = 16
_MAX_HEADER = 64 * 1024
_LEN = struct.Struct(">I")
_PREFIX = struct.Struct(">8sHI")
# zstd's own worker threads: the compressing runs beside the reading, hashing and sealing.
# Two at most: the counter's server is small and shared.
COMPRESS_THREADS = 2 if (os.cpu_count() or 1) > 1 else 0


def _file_key(master: bytes, salt: bytes, backup_id: str) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt,
                info=b"fapiao-backup-v1|" + backup_id.encode())  # fmt: skip
    return AESGCM(hkdf.derive(master))


def _nonce(index: int, final: bool) -> bytes:
    return struct.pack(">B3xQ", 1 if final else 0, index)


@dataclass
class WrittenFile:
    path: Path
    size: int
    sha256: str  # of the file as stored
    payload_size: int
    payload_sha256: str  # of the data before compression


class ThreadedSha256:
    """A SHA-256 computed on a thread of its own: hashing and (de)compressing both release
    the GIL, so each gets a core (hashing was a third of a full backup's time). Pieces are
    hashed in the order given; at most one waits while another is hashed."""

    def __init__(self, first: bytes = b"") -> None:
        self._hash = hashlib.sha256(first)
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="backup-hash")
        self._pending: Future[None] | None = None

    def update(self, data: bytes | memoryview) -> None:
        piece = data if isinstance(data, bytes) else bytes(data)  # a caller may reuse its buffer
        if self._pending is not None:
            self._pending.result()
        self._pending = self._pool.submit(self._hash.update, piece)

    def hexdigest(self) -> str:
        self.close()
        return self._hash.hexdigest()

    def close(self) -> None:
        if self._pending is not None:
            self._pending.result()
            self._pending = None
        self._pool.shutdown()


EARLY_LIMIT = 16 << 20  # compressed bytes a writer holds in memory while its key unlocks


@dataclass
class ContainerWriter:
    """Streams a payload into ``path`` (under a temp name until ``commit``). ``tee``, when
    given, also gets the compressed payload before it is sealed (one zstd frame of it: the
    plaintext basis beside the store, ``storage.backup.basis``).

    ``ring`` may be a call that waits for a key ring still being unlocked, with ``ring_ready``
    saying whether it has come: until then the compressed payload waits in memory (up to
    ``EARLY_LIMIT``, then the writer waits for the key), so the passphrase's key derivation
    runs beside the compressing; nothing reaches the disk, the tee included, before the key
    is there (a wrong passphrase stops there)."""

    path: Path
    ring: KeyRing | Callable[[], KeyRing]
    header: dict[str, Any]
    level: int = 1
    tee: Callable[[bytes], object] | None = None
    ring_ready: Callable[[], bool] | None = None
    _handle: BinaryIO | None = field(init=False, default=None)
    _aead: AESGCM = field(init=False)
    _aad: bytes = field(init=False)

    def __post_init__(self) -> None:
        self._payload_hash = ThreadedSha256()
        self._payload_size = 0
        self._compressor = zstandard.ZstdCompressor(
            level=self.level, threads=COMPRESS_THREADS
        ).compressobj()
        self._pending = bytearray()
        self._early: list[bytes] = []  # compressed while the key unlocks
        self._early_size = 0
        self._index = 0
        self._tmp = self.path.with_name(self.path.name + TEMP_SUFFIX)
        if isinstance(self.ring, KeyRing) or self.ring_ready is None:
            self._open()

    @property
    def keyring(self) -> KeyRing:
        """The key ring the file is sealed with (waits for it if it is still unlocking)."""
        if not isinstance(self.ring, KeyRing):
            self.ring = self.ring()
        return self.ring

    def _open(self) -> None:
        """Once the key is there: the header, the temp file, and what waited for them."""
        ring = self.keyring
        salt = secrets.token_bytes(16)
        self.header = {**self.header, "format": FORMAT, "key_id": ring.current_id,
                       "salt": base64.b64encode(salt).decode(), "cipher": "AES-256-GCM",
                       "compression": "zstd"}  # fmt: skip
        head = json.dumps(self.header, sort_keys=True).encode("utf-8")
        prefix = _PREFIX.pack(MAGIC, FORMAT, len(head)) + head
        self._aead = _file_key(ring.current, salt, str(self.header["backup_id"]))
        self._aad = hashlib.sha256(prefix).digest()
        fd = os.open(self._tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        self._handle = os.fdopen(fd, "wb")
        self._file_hash = ThreadedSha256(prefix)
        self._size = len(prefix)
        self._handle.write(prefix)
        early, self._early = self._early, []
        for piece in early:
            self._compressed(piece)

    def write(self, data: bytes | memoryview) -> None:
        self._payload_hash.update(data)
        self._payload_size += len(data)
        out = self._compressor.compress(data)
        if self._handle is None:
            self._early.append(out)
            self._early_size += len(out)
            assert self.ring_ready is not None
            if self._early_size < EARLY_LIMIT and not self.ring_ready():
                return
            self._open()
        else:
            self._compressed(out)
        self._seal_full_chunks()

    def _seal_full_chunks(self) -> None:
        while len(self._pending) >= CHUNK:
            self._seal(bytes(self._pending[:CHUNK]), final=False)
            del self._pending[:CHUNK]

    def _compressed(self, data: bytes) -> None:
        if data and self.tee is not None:
            self.tee(data)
        self._pending += data

    def _seal(self, plain: bytes, *, final: bool) -> None:
        assert self._handle is not None
        sealed = self._aead.encrypt(_nonce(self._index, final), plain, self._aad)
        record = _LEN.pack(len(sealed)) + sealed
        self._handle.write(record)
        self._file_hash.update(record)
        self._size += len(record)
        self._index += 1

    def commit(self) -> WrittenFile:
        """Seal the last chunk, fsync, and give the file its real name."""
        if self._handle is None:
            self._open()
        assert self._handle is not None
        self._compressed(self._compressor.flush())
        while len(self._pending) > CHUNK:
            self._seal(bytes(self._pending[:CHUNK]), final=False)
            del self._pending[:CHUNK]
        self._seal(bytes(self._pending), final=True)
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        os.replace(self._tmp, self.path)
        fsync_dir(self.path.parent)
        return WrittenFile(self.path, self._size, self._file_hash.hexdigest(),
                           self._payload_size, self._payload_hash.hexdigest())  # fmt: skip

    def abort(self) -> None:
        self._payload_hash.close()
        if self._handle is not None:
            self._file_hash.close()
            self._handle.close()
            self._tmp.unlink(missing_ok=True)


def read_header(handle: BinaryIO) -> tuple[dict[str, Any], bytes]:
    """The header and the raw prefix bytes it was read from."""
    raw = handle.read(_PREFIX.size)
    if len(raw) < _PREFIX.size:
        raise BackupCorrupt("backup.corrupt_header")
    magic, version, length = _PREFIX.unpack(raw)
    if magic != MAGIC or version not in READABLE_FORMATS or length > _MAX_HEADER:
        raise BackupCorrupt("backup.corrupt_header")
    head = handle.read(length)
    try:
        header = json.loads(head.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BackupCorrupt("backup.corrupt_header") from None
    if not isinstance(header, dict) or len(head) != length:
        raise BackupCorrupt("backup.corrupt_header")
    return header, raw + head


@dataclass
class OpenedContainer:
    header: dict[str, Any]
    payload: Iterator[bytes]  # decompressed, authenticated chunk by chunk
    file_sha256: Callable[[], str]  # valid once ``payload`` is exhausted


def open_container(path: Path, ring: KeyRing, *, on_bytes: Callable[[int], None] | None = None
                   ) -> OpenedContainer:  # fmt: skip
    handle = open(path, "rb")  # noqa: SIM115 - closed when the payload ends
    try:
        header, prefix = read_header(handle)
        salt = base64.b64decode(str(header["salt"]))
        aead = _file_key(ring.key(str(header["key_id"])), salt, str(header["backup_id"]))
    except (KeyError, ValueError):
        handle.close()
        raise BackupCorrupt("backup.corrupt_header") from None
    except BaseException:
        handle.close()
        raise
    aad = hashlib.sha256(prefix).digest()
    file_hash = ThreadedSha256(prefix)

    def chunks() -> Iterator[bytes]:
        decompressor = zstandard.ZstdDecompressor().decompressobj()
        index, final = 0, False
        with handle:
            while True:
                raw_len = handle.read(_LEN.size)
                if not raw_len:
                    break
                if final or len(raw_len) < _LEN.size:
                    raise BackupCorrupt("backup.corrupt_chunk", index=index)
                (length,) = _LEN.unpack(raw_len)
                if length < _TAG or length > CHUNK + _TAG:
                    raise BackupCorrupt("backup.corrupt_chunk", index=index)
                sealed = handle.read(length)
                file_hash.update(raw_len + sealed)
                plain = _open_chunk(aead, index, sealed, aad)
                if plain is None:
                    raise BackupCorrupt("backup.corrupt_chunk", index=index)
                final = plain[0]
                if on_bytes:
                    on_bytes(len(sealed) + _LEN.size)
                try:
                    out = decompressor.decompress(plain[1])
                except zstandard.ZstdError:
                    raise BackupCorrupt("backup.corrupt_chunk", index=index) from None
                if out:
                    yield out
                index += 1
        if not final or not decompressor.eof:
            raise BackupCorrupt("backup.truncated")

    return OpenedContainer(header, chunks(), lambda: file_hash.hexdigest())


def _open_chunk(aead: AESGCM, index: int, sealed: bytes, aad: bytes) -> tuple[bool, bytes] | None:
    """The chunk's plaintext and whether it was sealed as the last one; None if it fails."""
    for final in (False, True):
        try:
            return final, aead.decrypt(_nonce(index, final), sealed, aad)
        except InvalidTag:
            continue
    return None
