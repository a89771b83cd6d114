"""The plaintext a backup or a restore keeps beside the live SQLite store while it runs, and
sweeping what a killed run left of it.

Two kinds, each as sensitive as the store itself: a restore's rebuilt copy
(``.restore-<store>-*/restored.db``, in a 0700 folder) and a full backup's new basis
(``<store>.backup-basis.partial``), both created 0600. A run holds the store's backup lock
(an ``flock`` on ``<store>.backup-lock``, which the kernel releases on kill -9) for as long as
they exist, so whoever finds them while that lock is free knows they are a dead run's and
removes them: every backup and restore when it starts, and the app when it opens the store.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

SCRATCH_PREFIX = ".restore-"
_BASIS_PARTIAL = ".backup-basis.partial"  # storage.backup.basis.new_pages_file
# What releases before this module named the store in the folder's name left: no store's
# name, just ``tempfile``'s eight characters.
_UNNAMED_SCRATCH = re.compile(r"\.restore-[a-z0-9_]{8}")


def _scratch_prefix(db_path: Path) -> str:
    """Named after the store: a store beside it with its own lock never sweeps this one's."""
    return f"{SCRATCH_PREFIX}{db_path.name}-"


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".backup-lock")


def _found(db_path: Path) -> list[Path]:
    found = [
        p
        for p in db_path.parent.glob(SCRATCH_PREFIX + "*")
        if p.is_dir()
        and (p.name.startswith(_scratch_prefix(db_path)) or _UNNAMED_SCRATCH.fullmatch(p.name))
    ]
    basis = db_path.with_name(db_path.name + _BASIS_PARTIAL)
    return [*found, basis] if basis.exists() else found


def _remove(paths: list[Path]) -> list[str]:
    removed = []
    for path in paths:
        with contextlib.suppress(OSError):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path.name)
    return removed


@contextlib.contextmanager
def holding(db_path: Path) -> Iterator[None]:
    """Hold the store's backup lock (waiting for another run's), sweeping dead runs' files."""
    fd = os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        _remove(_found(db_path))
        yield
    finally:
        os.close(fd)  # releases the lock


def sweep(db_path: Path) -> list[str]:
    """Remove what killed runs left, unless a run holds the lock now (never waits)."""
    if not _found(db_path):
        return []
    try:
        fd = os.open(lock_path(db_path), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return []
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return []  # a backup or restore is running: its files are in use
    try:
        return _remove(_found(db_path))
    finally:
        os.close(fd)


@contextlib.contextmanager
def scratch_folder(db_path: Path) -> Iterator[Path]:
    """A private (0700) folder beside the store for a restore's plaintext; call under ``holding``."""
    folder = Path(tempfile.mkdtemp(prefix=_scratch_prefix(db_path), dir=db_path.parent))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
