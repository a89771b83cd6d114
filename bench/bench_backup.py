"""Backups of a ~300 MB store, next to ``sqlite3 .backup`` piped through ``zstd -1``.

Targets (issue 6): full backup ≥ 0.5× the baseline's throughput; an incremental after 1% of
the rows changed writes ≤ 3% of the full backup's bytes in ≤ 0.2× its time (measured with the
key derived afresh, as in a new CLI process, and again with it already unlocked, as on the
backup screen); verify of the full ≥ 100 MB/s. The store is built once into ``bench/data/`` and reused.
Needs Debian's ``sqlite3`` and ``zstd`` for the baseline.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import peewee

from storage.accounts.users import Session
from storage.backup import keys, manifest, service
from storage.backup.verify import verify_entry
from storage.config.settings import Settings
from storage.demo.data import generate_invoices
from storage.store.database import close_database, open_database
from storage.store.invoice_store import save_invoices
from storage.store.models import Invoice, Role
from storage.store.schema import upgrade

DATA_DIR = Path(__file__).with_name("data")
STORE = DATA_DIR / "backup_store.db"
COUNT = 420_000  # with lines: ~300 MB
PASSPHRASE = "bench passphrase"
BOSS = Session("bench", Role.SUPERVISOR, "总部")


def ensure_store() -> peewee.Database:
    if not STORE.exists():
        partial = STORE.with_suffix(".building")
        partial.unlink(missing_ok=True)
        db = open_database(f"sqlite:///{partial}")
        upgrade(db)
        records = generate_invoices(COUNT, seed=11, end=dt.date(2026, 11, 20), days=900,
                                    parties=20000)  # fmt: skip
        started = time.perf_counter()
        while chunk := [r for _, r in zip(range(50_000), records, strict=False)]:
            save_invoices(chunk, branch="总部", batch=5000)
            print(f"  built {Invoice.select().count():,} invoices "
                  f"{time.perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip
        close_database()
        partial.rename(STORE)
    db = open_database(f"sqlite:///{STORE}")
    upgrade(db)
    return db


def _baseline(work: Path) -> float:
    copy, out = work / "baseline.db", work / "baseline.db.zst"
    started = time.perf_counter()
    subprocess.run(["sqlite3", str(STORE), f".backup '{copy}'"], check=True)
    subprocess.run(["zstd", "-1", "-q", "-f", str(copy), "-o", str(out)], check=True)
    subprocess.run(["sync", "-f", str(out)], check=True)
    return time.perf_counter() - started


def _change_one_percent(db: peewee.Database, rng: random.Random) -> int:
    """Flip 1% of the invoices between normal and void (a clerk voiding, or undoing it).

    The status changes length, so SQLite rewrites the rows' cells (as real edits do); the same
    rows flip back and forth from run to run, so every run of the benchmark changes them."""
    ids = [r[0] for r in db.execute_sql("SELECT id FROM invoice")]
    chosen = rng.sample(ids, len(ids) // 100)
    flipped = peewee.Case(Invoice.status, [("normal", "void")], "normal")
    with db.atomic():
        for start in range(0, len(chosen), 500):
            Invoice.update(status=flipped, updated_at=dt.datetime.now()).where(
                Invoice.id.in_(chosen[start:start + 500])).execute()  # fmt: skip
    return len(chosen)


def _forget_unlocked_keys() -> None:
    """As in a fresh process (the CLI): the next backup derives the key again."""
    from storage.backup import unlocked

    unlocked.forget()


def run() -> dict[str, Any]:
    for tool in ("sqlite3", "zstd"):
        if not shutil.which(tool):
            raise SystemExit(f"bench_backup needs {tool}: apt-get install -y sqlite3 zstd")
    db = ensure_store()
    size = STORE.stat().st_size
    with tempfile.TemporaryDirectory(dir=DATA_DIR) as scratch:
        work = Path(scratch)
        settings = Settings(database_url=f"sqlite:///{STORE}", backup_dir=str(work / "backups"))
        base_s = _baseline(work)
        full = service.backup_now(BOSS, "full", settings=settings, passphrase=PASSPHRASE)
        changed = _change_one_percent(db, random.Random(3))
        _forget_unlocked_keys()
        inc = service.backup_now(BOSS, "incremental", settings=settings, passphrase=PASSPHRASE)
        # The backup screen's case: the key is already unlocked in this process.
        _change_one_percent(db, random.Random(4))
        warm = service.backup_now(BOSS, "incremental", settings=settings, passphrase=PASSPHRASE)
        folder = Path(settings.backup_dir)
        ring = keys.unlock(keys.key_dir(folder), PASSPHRASE)
        entries = manifest.load(folder)
        quick = verify_entry(folder, entries, full.entry, ring, thorough=False)
        thorough = verify_entry(folder, entries, full.entry, ring, thorough=True)
        chain = verify_entry(folder, entries, warm.entry, ring, thorough=False)
        assert quick.ok and thorough.ok and chain.ok
        assert not inc.fell_back_to_full and not warm.fell_back_to_full
    mb = 1024 * 1024
    return {
        "store_mb": round(size / mb, 1),
        "baseline_s": round(base_s, 2), "baseline_mb_s": round(size / mb / base_s, 1),
        "full_s": round(full.seconds, 2), "full_mb_s": round(size / mb / full.seconds, 1),
        "full_vs_baseline": round(base_s / full.seconds, 2), "full_target": 0.5,
        "full_bytes": full.entry.file_size,
        "rows_changed": changed, "incremental_pages": inc.entry.changed_pages,
        "incremental_s": round(inc.seconds, 2), "incremental_bytes": inc.entry.file_size,
        "incremental_bytes_ratio": round(inc.entry.file_size / full.entry.file_size, 4),
        "incremental_bytes_target": 0.03,
        "incremental_time_ratio": round(inc.seconds / full.seconds, 3),
        "incremental_time_target": 0.2,
        "incremental_warm_key_s": round(warm.seconds, 2),
        "incremental_warm_key_bytes": warm.entry.file_size,
        "incremental_warm_key_time_ratio": round(warm.seconds / full.seconds, 3),
        "verify_quick_s": round(quick.seconds, 2),
        "verify_quick_mb_s": round(size / mb / quick.seconds, 1),
        "verify_integrity_check_s": round(thorough.seconds, 2),
        "verify_integrity_check_mb_s": round(size / mb / thorough.seconds, 1),
        "verify_target_mb_s": 100,
    }  # fmt: skip


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:30} {value}")
