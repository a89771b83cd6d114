"""The audit log's end, kept outside the store: ``audit-anchor.json`` (0600) in the data
directory, beside the log file.

The head row inside the store (``audit_head``) catches the newest entries deleted by hand, but
someone who can write the database file can delete it too, or every entry with it. This file
remembers, for each store this machine writes to, the newest entry it has seen committed (seq
and hash); it only moves forward. ``audit.verify`` compares the chain with it, so a store whose
log ends before what this machine last wrote is named as cut. See ``docs/audit.md`` for what it
proves and what it cannot.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import peewee

from storage.config.settings import data_dir
from storage.private_folder import private_folder
from storage.store.database import database_proxy, is_sqlite

log = logging.getLogger(__name__)

ANCHOR_FILE = "audit-anchor.json"
_LOCK_FILE = ".audit-anchor.lock"


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str


def anchor_path() -> Path:
    return data_dir() / ANCHOR_FILE


def store_label(db: peewee.Database | None = None) -> str:
    """Which store: a SQLite file's real path, or PostgreSQL's host, port and database."""
    db = db if db is not None else database_proxy.obj
    if is_sqlite(db):
        return "sqlite:" + str(Path(db.database).resolve())
    params = getattr(db, "connect_params", {})
    return f"postgresql://{params.get('host', '')}:{params.get('port', '')}/{db.database}"


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    folder = data_dir()
    private_folder(folder)
    fd = os.open(folder / _LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def _read() -> dict[str, dict[str, object]]:
    try:
        doc = json.loads(anchor_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("audit anchor unreadable: %s", anchor_path())
        return {}
    return doc if isinstance(doc, dict) else {}


def _write(doc: dict[str, dict[str, object]]) -> None:
    path = anchor_path()
    temp = path.with_name(path.name + ".tmp")
    fd = os.open(temp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(doc, out, indent=1, sort_keys=True)
    temp.replace(path)


def read(label: str | None = None) -> Anchor | None:
    """What this machine last saw committed to the store (None: nothing yet)."""
    entry = _read().get(label or store_label())
    if not isinstance(entry, dict):
        return None
    try:
        return Anchor(int(str(entry["seq"])), str(entry["hash"]))
    except (KeyError, ValueError):
        return None


def advance(label: str, anchor: Anchor) -> None:
    """Move the anchor forward to ``anchor`` (never back). A data directory that cannot be
    written is logged, not fatal: the entry itself is already committed."""
    try:
        with _locked():
            doc = _read()
            known = doc.get(label)
            if isinstance(known, dict) and int(str(known.get("seq", 0))) >= anchor.seq:
                return
            doc[label] = {"seq": anchor.seq, "hash": anchor.hash}
            _write(doc)
    except OSError as exc:
        log.warning("audit anchor not written: %s", exc.strerror)


def forget(label: str | None = None) -> None:
    """Drop the anchor of a store replaced wholesale on purpose (a restore over it)."""
    label = label or store_label()
    try:
        with _locked():
            doc = _read()
            if doc.pop(label, None) is not None:
                _write(doc)
    except OSError as exc:
        log.warning("audit anchor not cleared: %s", exc.strerror)
