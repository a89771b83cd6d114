"""Backups survive kill -9 at any point, and run while another process keeps writing."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import peewee
import pytest

from storage.backup import keys, manifest, service
from storage.backup.restore import check_sqlite, rebuild_sqlite
from storage.backup.verify import verify_entry
from tests.support.backup import BOSS, PASSPHRASE, fill, settings_for
from tests.support.paths import ROOT

_LOOPING_BACKUPS = textwrap.dedent("""
    import random, sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from storage.store.drivers import load_peewee
    load_peewee({url!r})  # as the app's processes do: no PostgreSQL driver for SQLite
    from tests.support.backup import BOSS, PASSPHRASE, settings_for
    from storage.backup import service
    from storage.store.database import open_database
    from storage.store.models import Invoice
    db = open_database({url!r})
    settings = settings_for({url!r}, Path({folder!r}))
    def progress(p):  # tells the parent bytes are being written, and lingers a moment
        print("W", flush=True)
        time.sleep(0.01)
    print("READY", flush=True)
    while True:
        Invoice.update(remark=str(random.random())).where(
            Invoice.id == random.randint(1, 4000)).execute()
        service.backup_now(BOSS, random.choice(["auto", "full", "incremental"]),
                           settings=settings, passphrase=PASSPHRASE, progress=progress)
""")


def _start(script: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
    return proc


@pytest.mark.slow
def test_kill_minus_9_anywhere_leaves_earlier_backups_good(
    sqlite_store: peewee.Database, tmp_path: Path
) -> None:
    fill(4000)
    url = f"sqlite:///{sqlite_store.database}"
    settings = settings_for(url, tmp_path / "backups")
    folder = Path(settings.backup_dir)
    service.backup_now(BOSS, "full", settings=settings, passphrase=PASSPHRASE)
    script = _LOOPING_BACKUPS.format(root=str(ROOT), url=url, folder=str(folder))
    rng = random.Random(6)
    seen_partial = 0
    # At least 15 kills, and as many more (up to 40) as it takes for three of them to land in
    # the middle of writing a file: on a loaded machine fewer land there by chance.
    for trial in range(40):
        if trial >= 15 and seen_partial >= 3:
            break
        proc = _start(script)
        if trial % 3 == 0:  # anywhere: unlocking keys, snapshotting, writing, updating the index
            time.sleep(rng.uniform(0.05, 1.2))
        else:  # after some progress: reading and diffing the store, or writing a backup file
            assert proc.stdout is not None
            for _ in range(rng.randint(1, 6)):
                proc.stdout.readline()
            # Every third trial goes on to a moment a backup file is half written (the child
            # lingers after each report): an incremental reports while it diffs, before its
            # file exists, so by chance alone too few kills landed there and the loop ran on.
            while trial % 3 == 2 and not any(folder.glob("*.fbk.partial")):
                assert proc.stdout.readline(), "the backing-up process died"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        seen_partial += len(list(folder.glob("*.partial")))
        for entry in manifest.load(folder):  # everything listed is whole, as recorded
            path = folder / entry.file
            assert path.stat().st_size == entry.file_size, entry.id
    entries = manifest.load(folder)
    assert len(entries) > 5
    # The next backup works (and sweeps what the killed runs left).
    after = service.backup_now(BOSS, "auto", settings=settings, passphrase=PASSPHRASE).entry
    assert not list(folder.glob("*.partial"))
    ring = keys.unlock(keys.key_dir(folder), PASSPHRASE)
    entries = manifest.load(folder)
    for entry in entries:
        result = verify_entry(folder, entries, entry, ring, thorough=False)
        assert result.ok, (entry.id, entry.kind, result.problem)
    assert after.id in {e.id for e in entries}
    assert seen_partial >= 3  # kills did land mid-write


_WRITER = textwrap.dedent("""
    import sqlite3, sys, time
    conn = sqlite3.connect({path!r}, timeout=30, isolation_level=None)
    conn.execute("PRAGMA busy_timeout=30000")
    print("READY", flush=True)
    i = 0
    while True:
        i += 1
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO imported_file (sha256, name, imported_at, added, updated, "
                     "rejected, username) VALUES (?, 'f', '2026-11-23', 1, 0, 0, 'w')",
                     (f"{{i:064d}}",))
        conn.execute("UPDATE invoice SET remark = ? WHERE id = ?", (str(i), i % 3000 + 1))
        conn.execute("COMMIT")
        time.sleep(0.02)
""")


def test_backups_complete_while_another_process_writes(
    sqlite_store: peewee.Database, tmp_path: Path
) -> None:
    fill(3000)
    path = Path(sqlite_store.database)
    settings = settings_for(f"sqlite:///{path}", tmp_path / "backups")
    writer = _start(_WRITER.format(path=str(path)))
    try:
        taken = []
        for kind in ("full", "incremental", "incremental", "full", "incremental"):
            time.sleep(0.3)
            taken.append(service.backup_now(BOSS, kind, settings=settings,
                                            passphrase=PASSPHRASE).entry)  # fmt: skip
        rows = sqlite3.connect(path).execute("SELECT count(*) FROM imported_file").fetchone()[0]
    finally:
        writer.kill()
        writer.wait()
    assert rows > 50  # the writer really kept committing (~50 commits/s)
    counts = [e.row_counts["imported_file"] for e in taken]
    assert counts == sorted(counts) and counts[0] < counts[-1]
    folder = Path(settings.backup_dir)
    ring = keys.unlock(keys.key_dir(folder), PASSPHRASE)
    entries = manifest.load(folder)
    for entry in taken:
        target = tmp_path / f"{entry.id}.db"
        rebuild_sqlite(folder, manifest.chain(entries, entry), ring, target)
        assert check_sqlite(target, entry.row_counts, thorough=True) is None  # no problem found
        # a consistent point: every inserted file's update of an invoice landed with it
        conn = sqlite3.connect(target)
        last = conn.execute("SELECT max(CAST(sha256 AS INTEGER)) FROM imported_file").fetchone()[0]
        if last:
            remark = conn.execute("SELECT remark FROM invoice WHERE id = ?",
                                  (last % 3000 + 1,)).fetchone()[0]  # fmt: skip
            assert remark == str(last)
        conn.close()
