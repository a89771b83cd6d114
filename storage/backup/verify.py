"""Verify = decrypt, check every checksum, restore to a scratch place, run the database's own
integrity check and compare the row counts with the manifest."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from storage.backup import pg_backup
from storage.backup.errors import BackupError, WrongPassphrase
from storage.backup.keys import KeyRing
from storage.backup.manifest import BackupEntry, chain
from storage.backup.restore import check_sqlite, checked_payload, counts_differ, rebuild_sqlite
from storage.messages import Message


@dataclass(frozen=True)
class VerifyResult:
    backup_id: str
    ok: bool
    problem: Message | None  # None when ok; else what failed, rendered where it is shown
    seconds: float
    store_bytes: int
    check: str  # which database check ran: integrity_check, quick_check, pg_restore

    @property
    def check_name(self) -> Message:
        return Message(f"backup.check.{self.check}")


def verify_entry(folder: Path, entries: list[BackupEntry], entry: BackupEntry, ring: KeyRing, *,
                 thorough: bool = True, pg_target: pg_backup.PgTarget | None = None,
                 on_bytes: Callable[[int], None] | None = None) -> VerifyResult:  # fmt: skip
    started = time.perf_counter()
    check = "integrity_check" if thorough else "quick_check"
    try:
        if entry.engine == "sqlite":
            problem = _verify_sqlite(folder, entries, entry, ring, thorough, on_bytes)
        else:
            check = "pg_restore"
            if pg_target is None:
                raise BackupError("backup.pg_needs_server")
            problem = _verify_pg(folder, entry, ring, pg_target, on_bytes)
    except WrongPassphrase:
        raise
    except BackupError as exc:
        problem = Message(exc.key, exc.fields)
    return VerifyResult(entry.id, problem is None, problem, time.perf_counter() - started,
                        entry.store_size, check)  # fmt: skip


def _verify_sqlite(folder: Path, entries: list[BackupEntry], entry: BackupEntry, ring: KeyRing,
                   thorough: bool, on_bytes: Callable[[int], None] | None) -> Message | None:  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="fapiao-verify-") as scratch:
        target = Path(scratch) / "restored.db"
        rebuild_sqlite(folder, chain(entries, entry), ring, target, on_bytes)
        return check_sqlite(target, entry.row_counts, thorough=thorough)


def _verify_pg(folder: Path, entry: BackupEntry, ring: KeyRing, server: pg_backup.PgTarget,
               on_bytes: Callable[[int], None] | None) -> Message | None:  # fmt: skip
    with pg_backup.scratch_database(server) as scratch:
        pg_backup.restore(checked_payload(folder, entry, ring, on_bytes), scratch, clean=False)
        counts = pg_backup.counts_of(scratch)
    return counts_differ(entry.row_counts, counts)
