"""Key rings unlocked once per process and kept in memory (never on disk) while it lives.

Unwrapping a master key costs an argon2id run (~0.3 s, on purpose); the backup screen and the
clearing flow back up, verify and restore many times in one session. A remembered ring is used
only for the same passphrase (checked against a keyed hash whose key lives in this process
alone) and the same key files (their bytes are fingerprinted, so a rotation, a passphrase change
or a destroyed key unlocks afresh). When the ring is not remembered, ``unlocking`` derives it
in a thread (argon2 releases the GIL) while the caller reads the store.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path

from storage.backup import keys

_PROCESS_KEY = secrets.token_bytes(32)
_lock = threading.Lock()


@dataclass(frozen=True)
class _Remembered:
    files: bytes  # fingerprint of the key folder's files
    passphrase: bytes  # keyed hash of the passphrase that opened them
    ring: keys.KeyRing


_rings: dict[Path, _Remembered] = {}


def _files(folder: Path) -> bytes:
    digest = hashlib.sha256()
    for path in sorted([folder / keys.CURRENT, *folder.glob("*.key")]):
        try:
            data = path.read_bytes()
        except OSError:
            data = b""
        digest.update(f"{path.name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.digest()


def _passphrase(passphrase: str) -> bytes:
    return hmac.new(_PROCESS_KEY, passphrase.encode("utf-8"), hashlib.sha256).digest()


def _remembered(folder: Path, passphrase: str) -> tuple[keys.KeyRing | None, bytes]:
    files = _files(folder)
    with _lock:
        known = _rings.get(folder)
    if (
        known
        and known.files == files
        and hmac.compare_digest(known.passphrase, _passphrase(passphrase))
    ):
        return known.ring, files
    return None, files


def _unlock(folder: Path, passphrase: str, files: bytes) -> keys.KeyRing:
    ring = keys.unlock(folder, passphrase)  # WrongPassphrase: nothing is remembered
    with _lock:
        _rings[folder] = _Remembered(files, _passphrase(passphrase), ring)
    return ring


def unlock(folder: Path, passphrase: str) -> keys.KeyRing:
    """``keys.unlock``, remembered for this process."""
    folder = folder.resolve()
    ring, files = _remembered(folder, passphrase)
    return ring if ring is not None else _unlock(folder, passphrase, files)


class Unlocking:
    """A key ring on its way: calling it waits for it (or raises what unlocking raised);
    ``ready()`` says, without waiting, whether it has come."""

    def __init__(self, future: Future[keys.KeyRing]) -> None:
        self._future = future

    def __call__(self) -> keys.KeyRing:
        return self._future.result()

    def ready(self) -> bool:
        return self._future.done()


def already(ring: keys.KeyRing) -> Unlocking:
    """A ring in hand, as an ``Unlocking`` that has come."""
    future: Future[keys.KeyRing] = Future()
    future.set_result(ring)
    return Unlocking(future)


def unlocking(folder: Path, passphrase: str) -> Unlocking:
    """Start unlocking in a thread (argon2 releases the GIL) unless the ring is remembered."""
    folder = folder.resolve()
    ring, files = _remembered(folder, passphrase)
    if ring is not None:
        return already(ring)
    future: Future[keys.KeyRing] = Future()

    def run() -> None:
        try:
            future.set_result(_unlock(folder, passphrase, files))
        except BaseException as exc:  # handed to whoever waits
            future.set_exception(exc)

    threading.Thread(target=run, name="backup-unlock", daemon=True).start()
    return Unlocking(future)


def remember(folder: Path, passphrase: str, ring: keys.KeyRing) -> None:
    """A ring just created with ``passphrase``."""
    folder = folder.resolve()
    with _lock:
        _rings[folder] = _Remembered(_files(folder), _passphrase(passphrase), ring)


def forget() -> None:
    """Drop every remembered ring (a fresh process; the benchmark's cold runs)."""
    with _lock:
        _rings.clear()
