"""The index beside the backups (``manifest.json``): it outlives the store it describes.

One entry per complete backup; an entry is added only after its file is in place, and the
index is replaced atomically, so a killed run leaves at most an unlisted temp file. Nothing
secret is kept here: ids, sizes, checksums, the key's id, row counts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from storage.backup.atomic_files import write_atomic
from storage.backup.errors import BackupCorrupt, BackupUsageError
from storage.private_folder import private_folder

MANIFEST = "manifest.json"
LOCK = ".lock"
FORMAT = 1


@dataclass
class BackupEntry:
    id: str
    kind: str  # "full" | "incremental"
    engine: str  # "sqlite" | "postgresql"
    parent: str  # the backup an incremental applies to; "" for a full
    created: str  # ISO time with offset
    file: str  # name inside the backup folder
    file_size: int
    file_sha256: str
    payload_size: int  # bytes before compression (pages or dump)
    payload_sha256: str
    store_size: int  # the store's size at the time (bytes)
    key_id: str
    row_counts: dict[str, int] = field(default_factory=dict)
    page_count: int = 0
    page_size: int = 0
    image_sha256: str = ""  # SQLite full: the whole database image
    changed_pages: int = 0
    store: str = ""  # which store (a path or host/db, never a password)
    reason: str = ""  # "daily", "manual", "before_clearing", "before_restore"
    verified_at: str = ""
    verified_ok: bool | None = None
    verify_detail: str = ""

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BackupEntry:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def load(folder: Path) -> list[BackupEntry]:
    path = folder / MANIFEST
    if not path.exists():
        return []
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return [BackupEntry.from_dict(e) for e in doc["backups"]]
    except (OSError, ValueError, KeyError, TypeError):
        raise BackupCorrupt("backup.manifest_unreadable", path=str(path)) from None


def save(folder: Path, entries: list[BackupEntry]) -> None:
    doc = {
        "format": FORMAT,
        "backups": [asdict(e) for e in sorted(entries, key=lambda e: e.created)],
    }
    write_atomic(folder / MANIFEST, json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8"))


def find(entries: list[BackupEntry], backup_id: str) -> BackupEntry:
    matches = [e for e in entries if e.id == backup_id or e.id.startswith(backup_id)]
    if len(matches) != 1:
        raise BackupUsageError("backup.not_found", id=backup_id)
    return matches[0]


def chain(entries: list[BackupEntry], entry: BackupEntry) -> list[BackupEntry]:
    """The full backup and the incrementals leading to ``entry``, oldest first."""
    by_id = {e.id: e for e in entries}
    out = [entry]
    while out[-1].kind == "incremental":
        parent = by_id.get(out[-1].parent)
        if parent is None:
            raise BackupCorrupt("backup.chain_broken", id=out[-1].id, parent=out[-1].parent)
        out.append(parent)
    return out[::-1]


@contextlib.contextmanager
def locked(folder: Path) -> Iterator[None]:
    """One backup operation at a time per folder, across processes (released on kill -9)."""
    private_folder(folder)
    fd = os.open(folder / LOCK, os.O_RDWR | os.O_CREAT, 0o600)  # umask 000 made it 0666
    with open(fd, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def chain_size(entries: list[BackupEntry], entry: BackupEntry) -> int:
    """Bytes read to restore ``entry`` (for progress bars)."""
    try:
        return sum(e.file_size for e in chain(entries, entry))
    except BackupCorrupt:
        return entry.file_size
