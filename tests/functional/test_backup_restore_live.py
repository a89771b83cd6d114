"""Restoring over the live SQLite store while other terminals import and look up.

"Acknowledged" here means what a clerk at another terminal is told: ``import_file`` returned a
report saying all 40 invoices of the file were added (the CLI's "新增 40 张"), which happens
only after that import's write transaction committed. Every acknowledged import must be whole
afterwards either in the live store or in a safety backup a restore took; the other terminals
must never crash (SIGBUS) or see an I/O error; a restore killed at any point leaves neither
plaintext scratch files nor a half-restored store.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import peewee
import pytest

from storage.backup import keys, manifest, service
from storage.backup.restore import rebuild_sqlite
from storage.store.database import close_database, open_database
from tests.support.backup import BOSS, PASSPHRASE, fill, settings_for
from tests.support.paths import ROOT

BATCH = 40

# A terminal importing one CSV of 40 new 数电 invoices after another. It prints "ACK k" only
# when the import of file k reported all 40 added; any exception is printed, never swallowed.
_IMPORTER = textwrap.dedent("""
    import sys, traceback
    from pathlib import Path
    from storage.store.drivers import load_peewee
    load_peewee({url!r})
    from storage.store.database import open_database
    from storage.importing import Who, import_file
    open_database({url!r})
    folder = Path({folder!r})
    folder.mkdir(exist_ok=True)
    who = Who("wang", "总部")
    head = "数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,金额,税额,价税合计,税率,发票票种,发票状态\\n"
    print("READY", flush=True)
    k = 0
    while True:
        k += 1
        rows = [f"26{{k:09d}}{{i:09d}},91110105MA005AEF36,北京某某商贸有限公司,"
                f"91310115MA1K3YJ12X,上海华信科技有限公司,2026-11-03,100.00,13.00,113.00,13%,"
                f"数电票（增值税专用发票）,正常" for i in range({batch})]
        path = folder / f"batch-{{k}}.csv"
        path.write_text(head + "\\n".join(rows) + "\\n", encoding="utf-8")
        try:
            report = import_file(path, who)
        except BaseException as exc:
            print(f"ERR {{k}} {{type(exc).__name__}}: {{exc}}", flush=True)
            continue
        print(f"ACK {{k}}" if report.added == {batch} else f"ODD {{k}} {{report.added}}", flush=True)
""")

# A terminal looking invoices up, through the app's own connection (with its mmap).
_READER = textwrap.dedent("""
    import random
    from storage.store.drivers import load_peewee
    load_peewee({url!r})
    from storage.store.database import open_database
    from storage.store.models import Invoice
    open_database({url!r})
    print("READY", flush=True)
    n = 0
    while True:
        n += 1
        try:
            Invoice.select().count()
            Invoice.get_or_none(Invoice.id == random.randint(1, 5000))
        except BaseException as exc:
            print(f"ERR {{type(exc).__name__}}: {{exc}}", flush=True)
        if n % 200 == 0:
            print("R", flush=True)
""")


class Terminal:
    """Another process, its output collected line by line as it comes."""

    def __init__(self, script: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, text=True,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip
        assert self.proc.stdout is not None
        first = self.proc.stdout.readline().strip()
        assert first == "READY", first + (self.proc.stderr.read() if self.proc.stderr else "")
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._collect, daemon=True)
        self._reader.start()

    def _collect(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.strip())

    def acks(self) -> list[int]:
        return [int(line.split()[1]) for line in list(self.lines) if line.startswith("ACK ")]

    def wait_for(self, predicate, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + timeout
        while not predicate():
            assert self.proc.poll() is None, f"terminal died: {self.proc.returncode}"
            assert time.monotonic() < deadline, "terminal made no progress"
            time.sleep(0.02)

    def stop(self) -> int | None:
        """Kill it; what it was (None: still running, as it should be) before the kill."""
        state = self.proc.poll()
        if state is None:
            self.proc.kill()
        self.proc.wait()
        self._reader.join(timeout=5)
        return state


def _numbers(path: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT number FROM invoice WHERE number LIKE '26%'")}
    finally:
        conn.close()


def _batch(k: int) -> set[str]:
    return {f"26{k:09d}{i:09d}" for i in range(BATCH)}


def test_restore_loses_no_acknowledged_import_and_other_terminals_survive(
    sqlite_store: peewee.Database, tmp_path: Path
) -> None:
    fill(3000)
    live = Path(sqlite_store.database)
    url = f"sqlite:///{live}"
    settings = settings_for(url, tmp_path / "backups")
    base = service.backup_now(BOSS, "full", settings=settings, passphrase=PASSPHRASE).entry
    importer = Terminal(_IMPORTER.format(url=url, folder=str(tmp_path / "imports"), batch=BATCH))
    reader = Terminal(_READER.format(url=url))
    safeties: list[str] = []
    try:
        for _ in range(4):
            seen = len(importer.acks())
            importer.wait_for(lambda seen=seen: len(importer.acks()) >= seen + 5)
            result = service.restore(BOSS, base.id, settings=settings, passphrase=PASSPHRASE)
            safeties.append(result.safety_backup)
        seen = len(importer.acks())
        importer.wait_for(lambda: len(importer.acks()) >= seen + 5)  # it goes on after them
        reads = reader.lines.count("R")
        reader.wait_for(lambda: reader.lines.count("R") > reads)
    finally:
        importer_state, reader_state = importer.stop(), reader.stop()
    errors = [line for line in importer.lines + reader.lines if not line.startswith(("ACK", "R"))]
    assert errors == []  # no I/O error, no "locked" given up on, no odd import
    assert importer_state is None and reader_state is None  # neither died (SIGBUS, ...)

    acked = importer.acks()
    assert len(acked) >= 25
    folder = Path(settings.backup_dir)
    ring = keys.unlock(keys.key_dir(folder), PASSPHRASE)
    entries = manifest.load(folder)
    places = {"live": _numbers(live)}
    for safety_id in safeties:
        target = tmp_path / f"{safety_id}.db"
        rebuild_sqlite(folder, manifest.chain(entries, manifest.find(entries, safety_id)), ring,
                       target)  # fmt: skip
        places[safety_id] = _numbers(target)
    lost = [k for k in acked if not any(_batch(k) <= numbers for numbers in places.values())]
    assert lost == [], f"acknowledged imports lost: {lost}"
    # and each restore really put the old store back: the imports since are in its safety only
    assert not any(_batch(k) <= places["live"] for k in acked if k <= 5)
    conn = sqlite3.connect(live)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"  # still shared safely
    finally:
        conn.close()


_RESTORING = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    sys.path.insert(0, {root!r})
    from storage.store.drivers import load_peewee
    load_peewee({url!r})  # as the app's processes do: no PostgreSQL driver for SQLite
    from tests.support.backup import BOSS, PASSPHRASE, settings_for
    from storage.backup import service
    from storage.store.database import open_database
    open_database({url!r})
    settings = settings_for({url!r}, Path({folder!r}))
    checking = service.check_sqlite
    def paused_check(*args, **kwargs):  # the plaintext copy is whole now: tell, and linger
        print("CHECK", flush=True)
        time.sleep(0.5)
        return checking(*args, **kwargs)
    service.check_sqlite = paused_check
    print("READY", flush=True)
    service.restore(BOSS, {backup_id!r}, settings=settings, passphrase=PASSPHRASE)
    print("DONE", flush=True)
""")


def _leftovers(store_dir: Path) -> list[Path]:
    return [*store_dir.glob(".restore-*"), *store_dir.glob("*.backup-basis.partial")]


def _invoice_count(live: Path) -> int:
    conn = sqlite3.connect(live)
    try:
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        return int(conn.execute("SELECT count(*) FROM invoice").fetchone()[0])
    finally:
        conn.close()


@pytest.mark.slow
def test_a_restore_killed_anywhere_leaves_no_plaintext_and_a_whole_store(
    sqlite_store: peewee.Database, tmp_path: Path
) -> None:
    fill(6000)
    live = Path(sqlite_store.database)
    url = f"sqlite:///{live}"
    settings = settings_for(url, tmp_path / "backups")
    base = service.backup_now(BOSS, "full", settings=settings, passphrase=PASSPHRASE).entry
    fill(3000, seed=9)  # the live store now differs from the backup
    after_fill = _invoice_count(live)
    assert after_fill > base.row_counts["invoice"]
    close_database()
    script = _RESTORING.format(root=str(ROOT), url=url, folder=settings.backup_dir,
                               backup_id=base.id)  # fmt: skip
    rng = random.Random(9)
    seen: list[str] = []
    for trial in range(12):
        proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # fmt: skip
        assert proc.stdout is not None and proc.stdout.readline().strip() == "READY"
        if trial % 2:
            time.sleep(rng.uniform(0.0, 1.5))  # anywhere: unlocking, rebuilding, swapping
        else:
            assert proc.stdout.readline().strip() == "CHECK"  # the plaintext copy is there
            time.sleep(rng.uniform(0.0, 0.4))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        for path in _leftovers(live.parent):
            seen.append(path.name)
            files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
            for file in files:
                assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
            if path.is_dir():
                assert stat.S_IMODE(path.stat().st_mode) == 0o700, path
        # the store is whole: the old one or the restored one, never a mixture
        assert _invoice_count(live) in (after_fill, base.row_counts["invoice"])
    assert any(name.startswith(".restore-") for name in seen)  # kills did land mid-restore
    # The next start of the app sweeps what the killed restores left.
    open_database(url)
    assert _leftovers(live.parent) == []
    close_database()


def test_the_next_backup_sweeps_leftovers_of_a_killed_restore(
    sqlite_store: peewee.Database, tmp_path: Path
) -> None:
    fill(200)
    live = Path(sqlite_store.database)
    settings = settings_for(f"sqlite:///{live}", tmp_path / "backups")
    scratch = live.parent / ".restore-abc12345"
    scratch.mkdir(mode=0o700)
    (scratch / "restored.db").write_bytes(b"SQLite format 3\0 plaintext invoices")
    live.with_name(live.name + ".backup-basis.partial").write_bytes(b"plaintext pages")
    service.backup_now(BOSS, "full", settings=settings, passphrase=PASSPHRASE)
    assert _leftovers(live.parent) == []


def test_reading_the_store_for_a_backup_keeps_this_process_s_write_lock(
    sqlite_store: peewee.Database, tmp_path: Path
) -> None:
    """Closing any descriptor of the database or its -shm drops every lock the process holds
    on it; a backup taken while the process holds the write lock must not let another
    terminal commit."""
    from storage.backup.snapshot import sqlite_view

    fill(300)
    live = Path(sqlite_store.database)
    holder = sqlite3.connect(live, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with sqlite_view(live, tmp_path, writer_held=True) as view:
            assert sum(len(block) for _, block in view.blocks()) == view.size
        other = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(f"""
                import sqlite3
                conn = sqlite3.connect({str(live)!r}, timeout=0.2, isolation_level=None)
                try:
                    conn.execute("BEGIN IMMEDIATE")
                    print("GOT THE LOCK")
                except sqlite3.OperationalError as exc:
                    print(exc)
            """)], capture_output=True, text=True, timeout=30)  # fmt: skip
        assert other.stdout.strip() == "database is locked"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
