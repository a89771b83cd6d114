"""The pages of the last backup, kept beside the live store, that incrementals diff against.

It sits next to the store (``<store>.backup-basis``) with the store's own protection, never in
the backup folder. ``<store>.backup-basis.json`` names the backup it matches; the name is
cleared before the pages change and set again after they are synced, so a run killed in
between makes the next incremental a full backup instead of a wrong diff.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from storage.backup.atomic_files import TEMP_SUFFIX, fsync_dir, write_atomic


def pages_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".backup-basis")


def _state_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".backup-basis.json")


def matching_backup(db_path: Path) -> str:
    """The id of the backup the basis holds, or "" when there is none to trust."""
    try:
        state = json.loads(_state_path(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ""
    if not pages_path(db_path).exists():
        return ""
    return str(state.get("backup_id", ""))


def _set_state(db_path: Path, backup_id: str) -> None:
    write_atomic(_state_path(db_path), json.dumps({"backup_id": backup_id}).encode("utf-8"))


def new_pages_file(db_path: Path) -> Path:
    """Where a full backup writes the new basis before ``adopt``."""
    return db_path.with_name(pages_path(db_path).name + TEMP_SUFFIX)


def adopt(db_path: Path, written: Path, backup_id: str) -> None:
    """Make a full backup's fresh page file the basis."""
    _set_state(db_path, "")
    with open(written, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(written, pages_path(db_path))
    fsync_dir(db_path.parent)
    _set_state(db_path, backup_id)


def apply_changes(db_path: Path, changes: dict[int, bytes], page_size: int, page_count: int,
                  backup_id: str) -> None:  # fmt: skip
    """Bring the basis up to an incremental backup's pages."""
    _set_state(db_path, "")
    fd = os.open(pages_path(db_path), os.O_RDWR)
    try:
        for page, data in changes.items():
            os.pwrite(fd, data, (page - 1) * page_size)
        os.ftruncate(fd, page_count * page_size)
        os.fsync(fd)
    finally:
        os.close(fd)
    _set_state(db_path, backup_id)


def forget(db_path: Path) -> None:
    for path in (_state_path(db_path), pages_path(db_path), new_pages_file(db_path)):
        path.unlink(missing_ok=True)
