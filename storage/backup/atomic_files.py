"""Files that appear whole or not at all: write a temp name, fsync, rename, fsync the folder."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TEMP_SUFFIX = ".partial"


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes, mode: int = 0o600) -> None:
    tmp = path.with_name(path.name + TEMP_SUFFIX)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    fsync_dir(path.parent)


def remove_stale_temps(folder: Path) -> list[str]:
    """Temp files a killed run left behind; never listed, safe to drop under the lock."""
    removed = []
    for stale in folder.glob("*" + TEMP_SUFFIX):
        with contextlib.suppress(OSError):
            stale.unlink()
            removed.append(stale.name)
    return removed
