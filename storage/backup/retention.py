"""Which backups to keep: the newest of each of the last N days, weeks and months that have
one (like restic's ``--keep-daily/weekly/monthly``), always the newest verified backup, and
every backup a kept incremental is built on. A pure function of the index and the policy."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from storage.backup.manifest import BackupEntry


@dataclass(frozen=True)
class Policy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12

    @classmethod
    def from_settings(cls, extra: dict[str, Any]) -> Policy:
        def number(key: str, default: int) -> int:
            value = extra.get(key, default)
            return value if isinstance(value, int) and value >= 0 else default

        return cls(number("backup_keep_daily", 7), number("backup_keep_weekly", 4),
                   number("backup_keep_monthly", 12))  # fmt: skip


def _newest_per_bucket(entries: list[BackupEntry], bucket: Callable[[BackupEntry], object],
                       n: int) -> set[str]:  # fmt: skip
    kept: dict[object, BackupEntry] = {}
    for entry in sorted(entries, key=lambda e: e.created_at, reverse=True):
        key = bucket(entry)
        if key not in kept:
            if len(kept) == n:
                break
            kept[key] = entry
    return {e.id for e in kept.values()}


def plan(entries: Iterable[BackupEntry], policy: Policy) -> tuple[set[str], set[str]]:
    """(ids to keep, ids to delete)."""
    entries = list(entries)
    by_id = {e.id: e for e in entries}
    keep: set[str] = set()
    keep |= _newest_per_bucket(entries, lambda e: e.created_at.date(), policy.daily)
    keep |= _newest_per_bucket(entries, lambda e: e.created_at.isocalendar()[:2], policy.weekly)
    keep |= _newest_per_bucket(entries, lambda e: (e.created_at.year, e.created_at.month),
                               policy.monthly)  # fmt: skip
    verified = [e for e in entries if e.verified_ok]
    if verified:
        keep.add(max(verified, key=lambda e: e.created_at).id)
    for backup_id in list(keep):  # an incremental needs its whole chain back to the full
        entry = by_id[backup_id]
        while entry.kind == "incremental" and entry.parent in by_id:
            keep.add(entry.parent)
            entry = by_id[entry.parent]
    return keep, {e.id for e in entries} - keep
