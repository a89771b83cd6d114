"""The app's own reminder when the last backup is old (besides the systemd timer)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from storage.backup import manifest
from storage.config.settings import Settings
from storage.messages import Message

MAX_AGE = dt.timedelta(hours=24)


def list_backups(settings: Settings) -> list[manifest.BackupEntry]:
    """The backups in the index. Read here, not through the backup service, which would load
    its crypto and compression modules into every counter's app at log-in for a date."""
    return manifest.load(Path(settings.backup_dir).expanduser())


def backup_reminder(settings: Settings, now: dt.datetime | None = None) -> Message | None:
    """What to tell the user at log-in: no backup yet, or the newest is over a day old."""
    now = now or dt.datetime.now().astimezone()
    entries = list_backups(settings)
    if not entries:
        return Message("backup.reminder.none", {})
    newest = max(entries, key=lambda entry: entry.created_at)
    age = now - newest.created_at
    if age <= MAX_AGE:
        return None
    return Message("backup.reminder.old", {"days": max(1, age.days)})
