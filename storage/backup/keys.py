"""Master keys wrapped by a passphrase, one key file each (like restic's ``keys/``).

A key file holds a random 256-bit master key encrypted (AES-GCM) under a key derived from the
passphrase with argon2id; its own salt and cost parameters are stored beside it. Changing the
passphrase rewraps the key files and re-encrypts no backup. ``rotate`` adds a new master key
that new backups use; older keys stay (retired) so older backups stay restorable, until
``destroy`` removes one no kept backup needs.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from storage.backup.atomic_files import write_atomic
from storage.backup.errors import BackupError, BackupUsageError, WrongPassphrase
from storage.private_folder import private_folder

KEY_FORMAT = 1
CURRENT = "CURRENT"
# argon2id at 64 MiB and 3 passes: ~0.3 s per key file here, costly for a guesser.
KDF_PARAMS = {"time_cost": 3, "memory_kib": 65536, "parallelism": 2}


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def _kek(passphrase: str, salt: bytes, params: dict[str, int]) -> bytes:
    return hash_secret_raw(
        passphrase.encode("utf-8"), salt, time_cost=params["time_cost"],
        memory_cost=params["memory_kib"], parallelism=params["parallelism"], hash_len=32,
        type=Type.ID,
    )  # fmt: skip


def _wrap(key_id: str, master: bytes, passphrase: str, created: str) -> bytes:
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    sealed = AESGCM(_kek(passphrase, salt, KDF_PARAMS)).encrypt(nonce, master, key_id.encode())
    doc = {
        "format": KEY_FORMAT, "id": key_id, "created": created,
        "kdf": {"name": "argon2id", **KDF_PARAMS, "salt": _b64(salt)},
        "cipher": "AES-256-GCM", "nonce": _b64(nonce), "wrapped": _b64(sealed),
    }  # fmt: skip
    return json.dumps(doc, indent=2).encode("utf-8")


def _unwrap(doc: dict[str, object], passphrase: str) -> bytes:
    kdf = doc["kdf"]
    if not isinstance(kdf, dict) or kdf.get("name") != "argon2id":
        raise BackupError("backup.key_unreadable", key_id=str(doc.get("id")))
    params = {k: int(kdf[k]) for k in ("time_cost", "memory_kib", "parallelism")}
    kek = _kek(passphrase, _unb64(str(kdf["salt"])), params)
    try:
        return AESGCM(kek).decrypt(_unb64(str(doc["nonce"])), _unb64(str(doc["wrapped"])),
                                   str(doc["id"]).encode())  # fmt: skip
    except InvalidTag:
        raise WrongPassphrase("backup.wrong_passphrase") from None


@dataclass(frozen=True)
class KeyInfo:
    id: str
    created: str
    current: bool


class KeyRing:
    """The unwrapped master keys of one key folder, for this process only."""

    def __init__(self, folder: Path, keys: dict[str, bytes], current: str) -> None:
        self.folder = folder
        self._keys = keys
        self.current_id = current

    def key(self, key_id: str) -> bytes:
        try:
            return self._keys[key_id]
        except KeyError:
            raise BackupError("backup.key_missing", key_id=key_id) from None

    @property
    def current(self) -> bytes:
        return self._keys[self.current_id]

    def ids(self) -> list[str]:
        return sorted(self._keys)


def key_dir(backup_dir: Path) -> Path:
    return backup_dir / "keys"


def _docs(folder: Path) -> dict[str, dict[str, object]]:
    docs = {}
    for path in sorted(folder.glob("*.key")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise BackupError("backup.key_unreadable", key_id=path.name) from None
        docs[str(doc["id"])] = doc
    return docs


def _current_id(folder: Path) -> str:
    try:
        return (folder / CURRENT).read_text(encoding="ascii").strip()
    except OSError:
        return ""


def has_keys(folder: Path) -> bool:
    return bool(_current_id(folder)) and any(folder.glob("*.key"))


def list_keys(folder: Path) -> list[KeyInfo]:
    current = _current_id(folder)
    return [KeyInfo(k, str(d.get("created", "")), k == current) for k, d in _docs(folder).items()]


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


def _add_key(folder: Path, passphrase: str) -> tuple[str, bytes]:
    """A new master key, wrapped into its file and made current: its id and the key."""
    key_id, master = secrets.token_hex(8), secrets.token_bytes(32)
    write_atomic(folder / f"{key_id}.key", _wrap(key_id, master, passphrase, _now()))
    write_atomic(folder / CURRENT, key_id.encode("ascii"))
    return key_id, master


def create(folder: Path, passphrase: str) -> KeyRing:
    """The first master key of a new backup folder."""
    if not passphrase:
        raise BackupUsageError("backup.empty_passphrase")
    private_folder(folder)
    key_id, master = _add_key(folder, passphrase)
    # The new key is in hand: unwrapping its file again would derive the passphrase's key a
    # second time (~0.3 s) for the same bytes. Any other key file there (a folder that lost
    # its CURRENT) is unwrapped as ``unlock`` does.
    docs = _docs(folder)
    if key_id not in docs:
        raise BackupError("backup.no_keys", folder=str(folder))
    others = {k: _unwrap(d, passphrase) for k, d in docs.items() if k != key_id}
    return KeyRing(folder, {**others, key_id: master}, key_id)


def unlock(folder: Path, passphrase: str) -> KeyRing:
    """Every master key in ``folder``; a wrong passphrase fails before anything is written."""
    docs = _docs(folder)
    current = _current_id(folder)
    if not docs or current not in docs:
        raise BackupError("backup.no_keys", folder=str(folder))
    return KeyRing(folder, {k: _unwrap(d, passphrase) for k, d in docs.items()}, current)


def rotate(ring: KeyRing, passphrase: str) -> str:
    """A new master key for new backups; the old ones stay for restoring."""
    _unwrap(_docs(ring.folder)[ring.current_id], passphrase)  # the same passphrase wraps all
    return _add_key(ring.folder, passphrase)[0]


def change_passphrase(folder: Path, old: str, new: str) -> int:
    """Rewrap every key file under ``new``; backups are not touched."""
    if not new:
        raise BackupUsageError("backup.empty_passphrase")
    docs = _docs(folder)
    masters = {k: _unwrap(d, old) for k, d in docs.items()}  # all or nothing
    for key_id, master in masters.items():
        write_atomic(folder / f"{key_id}.key",
                     _wrap(key_id, master, new, str(docs[key_id].get("created", _now()))))  # fmt: skip
    return len(masters)


def destroy(folder: Path, key_id: str, needed: set[str]) -> None:
    """Delete a retired key that no kept backup needs (its backups become unreadable)."""
    if key_id == _current_id(folder):
        raise BackupUsageError("backup.key_is_current", key_id=key_id)
    if key_id in needed:
        raise BackupUsageError("backup.key_still_needed", key_id=key_id)
    path = folder / f"{key_id}.key"
    if not path.exists():
        raise BackupUsageError("backup.key_missing", key_id=key_id)
    # Overwrite before unlinking: the wrapped key should not linger in free blocks.
    size = path.stat().st_size
    with path.open("r+b") as handle:
        handle.write(os.urandom(size))
        handle.flush()
        os.fsync(handle.fileno())
    path.unlink()
