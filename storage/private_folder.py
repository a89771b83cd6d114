"""Folders that hold the store, logs, backups, keys or reports: only their owner may list,
add, remove or replace what is in them, whatever the umask (under ``umask 000`` a folder made
with Python's defaults is 0777: any local user could swap the store or plant a link where the
log is written next)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def private_folder(path: Path) -> Path:
    """``path`` as a folder, made 0700 with every parent that is missing; a folder that is
    already there is left as it is (an admin's shared folder stays shared)."""
    missing: list[Path] = []
    folder = path
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        with contextlib.suppress(FileExistsError):  # another process made it first
            made.mkdir(mode=0o700)
            os.chmod(made, 0o700)  # mkdir's mode passes through the umask
    if not path.is_dir():
        raise NotADirectoryError(f"not a folder: {path}")
    return path
