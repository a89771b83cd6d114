"""Retention: exactly the expected backups go, chains stay whole, index and files agree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import peewee

from storage.backup import manifest, service
from storage.backup.manifest import BackupEntry
from storage.backup.retention import Policy, plan
from tests.support.backup import BOSS, PASSPHRASE, fill, settings_for

TZ = dt.timezone(dt.timedelta(hours=8))
END = dt.date(2026, 11, 22)  # a Sunday


def _entry(
    day: dt.date, hour: int, kind: str, parent: str = "", verified: bool = False
) -> BackupEntry:
    when = dt.datetime.combine(day, dt.time(hour), TZ)
    return BackupEntry(id=f"{day:%Y%m%d}-{hour:02d}", kind=kind, engine="sqlite", parent=parent,
                       created=when.isoformat(), file=f"{day:%Y%m%d}-{hour:02d}.fbk", file_size=1,
                       file_sha256="", payload_size=1, payload_sha256="", store_size=1, key_id="k",
                       verified_ok=True if verified else None)  # fmt: skip


def test_four_hundred_days_of_daily_full_and_incremental() -> None:
    start = END - dt.timedelta(days=399)
    verified_day = start + dt.timedelta(days=200)
    entries = []
    for n in range(400):
        day = start + dt.timedelta(days=n)
        full = _entry(day, 2, "full")
        inc = _entry(day, 14, "incremental", parent=full.id, verified=day == verified_day)
        entries += [full, inc]
    # Expected, worked out by calendar rather than by the policy code:
    last_days = [END - dt.timedelta(days=i) for i in range(7)]
    sundays = [END - dt.timedelta(days=7 * i) for i in range(4)]
    month_ends = [END]
    for _ in range(11):
        first = month_ends[-1].replace(day=1)
        month_ends.append(first - dt.timedelta(days=1))
    kept_days = set(last_days) | set(sundays) | set(month_ends) | {verified_day}
    expected_keep = {f"{d:%Y%m%d}-{h:02d}" for d in kept_days for h in (2, 14)}

    keep, delete = plan(entries, Policy(daily=7, weekly=4, monthly=12))
    assert keep == expected_keep
    assert delete == {e.id for e in entries} - expected_keep
    assert len(keep) == 2 * len(kept_days) == 2 * (7 + 3 + 11 + 1)


def test_the_newest_verified_backup_and_its_chain_are_never_deleted() -> None:
    old_full = _entry(END - dt.timedelta(days=90), 2, "full")
    old_inc = _entry(END - dt.timedelta(days=89), 2, "incremental", old_full.id)
    old_inc2 = _entry(END - dt.timedelta(days=88), 2, "incremental", old_inc.id, verified=True)
    fresh = _entry(END, 2, "full")
    keep, delete = plan([old_full, old_inc, old_inc2, fresh], Policy(daily=1, weekly=0, monthly=0))
    assert keep == {fresh.id, old_inc2.id, old_inc.id, old_full.id} and delete == set()


def test_prune_leaves_index_and_files_in_agreement(
    sqlite_store: peewee.Database, tmp_path: Path
) -> None:
    fill(300)
    settings = settings_for(f"sqlite:///{sqlite_store.database}", tmp_path / "backups",
                            backup_keep_daily=1, backup_keep_weekly=0, backup_keep_monthly=0)  # fmt: skip
    folder = Path(settings.backup_dir)
    for _ in range(3):
        service.backup_now(BOSS, "full", settings=settings, passphrase=PASSPHRASE)
    entries = manifest.load(folder)
    for i, entry in enumerate(entries[:2]):  # make the first two older
        entry.created = (entry.created_at - dt.timedelta(days=10 - i)).isoformat()
    manifest.save(folder, entries)
    (folder / "orphan-from-a-crash.fbk").write_bytes(b"x")
    result = service.prune(BOSS, settings=settings)
    assert sorted(result.deleted) == sorted(e.id for e in entries[:2])
    listed = {e.file for e in manifest.load(folder)}
    assert listed == {p.name for p in folder.glob("*.fbk")} == {entries[2].file}
