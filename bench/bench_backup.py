"""Backups of a ~300 MB store with the installed ``fapiao``, each beside a baseline in the same
run, rounds alternating which goes first; median and min–max of each.

* Full backup (``fapiao backup --full``) beside the store file read through ``zstd -1`` into a
  file and synced. ``sqlite3``'s ``.backup`` can't write into a pipe (it opens its target as a
  database: ``/dev/stdout`` and a FIFO are both refused), so the baseline is the tightest one
  there is — the bytes themselves through the compressor, with no snapshot, no encryption, no
  checksum. Target: the full backup ≥ 0.5× the baseline's throughput.
* Incremental after 1 % of the rows changed (``fapiao backup --incremental``): its file ≤ 3 %
  of the full's and its time ≤ 0.2× the full's; and **every byte the process writes to disk**
  (the kernel's block-output count for the child, ``ru_oublock``, not only the backup file)
  in the order of the change.
* Verify (``fapiao backup verify ID --quick``, and the default thorough one) beside
  ``restic check --read-data`` of the same store in a restic repository plus SQLite's own
  ``quick_check`` of it. Target: ≥ 100 MB/s or within 1.5× of that baseline.

Everything is checked, not only timed: each backup's JSON says ok with the expected kind,
each verify says ok, restic and ``quick_check`` exit clean. The store is built once into
``bench/data/`` and reused. Needs Debian's ``zstd`` and ``restic``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import peewee

from storage.accounts.users import add_user
from storage.demo.data import generate_invoices
from storage.store.database import close_database, open_database
from storage.store.invoice_store import save_invoices
from storage.store.models import Invoice, Role, User
from storage.store.schema import upgrade

DATA_DIR = Path(__file__).with_name("data")
STORE = DATA_DIR / "backup_store.db"
COUNT = 420_000  # with lines: ~300 MB
ROUNDS = 5
PASSWORD = "bench-password-1"
PASSPHRASE = "bench passphrase"
MB = 1024 * 1024


def ensure_store() -> peewee.Database:
    if not STORE.exists():
        partial = STORE.with_suffix(".building")
        partial.unlink(missing_ok=True)
        db = open_database(f"sqlite:///{partial}")
        upgrade(db)
        records = generate_invoices(
            COUNT, seed=11, end=dt.date(2026, 11, 20), days=900, parties=20000
        )
        started = time.perf_counter()
        while chunk := [r for _, r in zip(range(50_000), records, strict=False)]:
            save_invoices(chunk, branch="总部", batch=5000)
            print(
                f"  built {Invoice.select().count():,} invoices "
                f"{time.perf_counter() - started:.0f} s",
                file=sys.stderr,
            )
        close_database()
        partial.rename(STORE)
    db = open_database(f"sqlite:///{STORE}")
    upgrade(db)
    if not User.select().where(User.username == "boss").exists():
        add_user("boss", PASSWORD, role=Role.SUPERVISOR, branch="总部")
    return db


def _change_one_percent(db: peewee.Database, rng: random.Random) -> int:
    """Flip 1% of the invoices between normal and void (a clerk voiding, or undoing it).

    The status changes length, so SQLite rewrites the rows' cells (as real edits do)."""
    ids = [r[0] for r in db.execute_sql("SELECT id FROM invoice")]
    chosen = rng.sample(ids, len(ids) // 100)
    flipped = peewee.Case(Invoice.status, [("normal", "void")], "normal")
    with db.atomic():
        for start in range(0, len(chosen), 500):
            Invoice.update(status=flipped, updated_at=dt.datetime.now()).where(
                Invoice.id.in_(chosen[start : start + 500])
            ).execute()
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(chosen)


class Children:
    """Commands run with ``os.wait4`` so each one's own resource usage is known."""

    @staticmethod
    def run(argv: list[str], env: dict[str, str] | None = None, out_path: Path | None = None
            ) -> tuple[float, int, str]:  # fmt: skip
        os.sync()
        started = time.perf_counter()
        with tempfile.TemporaryFile() as err, open(out_path or os.devnull, "wb") as sink:
            with tempfile.TemporaryFile() as captured:
                target = sink if out_path else captured
                pid = os.posix_spawn(argv[0], argv, env or dict(os.environ),
                                     file_actions=[(os.POSIX_SPAWN_DUP2, target.fileno(), 1),
                                                   (os.POSIX_SPAWN_DUP2, err.fileno(), 2)])  # fmt: skip
                _, status, usage = os.wait4(pid, 0)
                os.sync()
                seconds = time.perf_counter() - started
                captured.seek(0)
                out = captured.read().decode()
            if os.waitstatus_to_exitcode(status) != 0:
                err.seek(0)
                raise SystemExit(f"{argv} failed: {err.read().decode()[-800:]}")
        return seconds, usage.ru_oublock * 512, out


class Steps:
    """One of each measured command; each checks its result and adds its figures."""

    def __init__(self, tools: dict[str, str], fapiao: str, env: dict[str, str], work: Path,
                 repo: Path, figures: dict[str, list[float]]) -> None:  # fmt: skip
        self.tools, self.fapiao, self.env, self.work = tools, fapiao, env, work
        self.repo, self.figures = repo, figures
        self.full_id = ""

    def baseline(self) -> None:
        s, _, _ = Children.run([self.tools["zstd"], "-1", "-q", "-c", str(STORE)], self.env,
                               out_path=self.work / "baseline.zst")  # fmt: skip
        self.figures["baseline_s"].append(s)

    def full(self) -> None:
        s, written, out = Children.run([self.fapiao, "backup", "--full", "--json"], self.env)
        doc = json.loads(out)
        assert doc["ok"] and doc["backup"]["kind"] == "full", doc
        self.figures["full_s"].append(s)
        self.figures["full_written"].append(written)
        self.figures["full_file"].append(doc["backup"]["file_size"])
        self.full_id = str(doc["backup"]["id"])

    def incremental(self) -> None:
        s, written, out = Children.run([self.fapiao, "backup", "--incremental", "--json"], self.env)
        doc = json.loads(out)
        assert doc["ok"] and doc["backup"]["kind"] == "incremental", doc
        assert doc["backup"]["parent"] == self.full_id and not doc["fell_back_to_full"], doc
        self.figures["inc_s"].append(s)
        self.figures["inc_written"].append(written)
        self.figures["inc_file"].append(doc["backup"]["file_size"])
        self.figures["inc_pages"].append(doc["backup"]["changed_pages"])

    def verify(self) -> None:
        """Ours, of the full backup: ``--quick`` and the default thorough check."""
        for extra, key in ((["--quick"], "verify_quick_s"), ([], "verify_thorough_s")):
            argv = [self.fapiao, "backup", "verify", self.full_id, "--json", *extra]
            s, _, out = Children.run(argv, self.env)
            assert json.loads(out)["ok"], out
            self.figures[key].append(s)

    def restic(self) -> None:
        """restic's own check of the same store's bytes, plus SQLite's ``quick_check``."""
        check = [self.tools["restic"], "-q", "-r", str(self.repo), "check", "--read-data"]
        s, _, _ = Children.run(check, self.env)
        quick = [self.tools["sqlite3"], "-readonly", str(STORE), "PRAGMA quick_check"]
        q, _, out = Children.run(quick, self.env)
        assert out.strip() == "ok", out
        self.figures["restic_s"].append(s)
        self.figures["quick_check_s"].append(q)


def _spread(values: list[float], digits: int = 3) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def _fapiao_env(work: Path) -> dict[str, str]:
    secret = work / "secrets"
    secret.mkdir(mode=0o700, exist_ok=True)
    for name, value in (("pw", PASSWORD), ("bp", PASSPHRASE)):
        path = secret / name
        path.write_text(value)
        path.chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAPIAO_")}
    env.update(
        FAPIAO_DATA_DIR=str(work / "data"),
        FAPIAO_CONFIG=str(work / "none.toml"),
        FAPIAO_DATABASE_URL=f"sqlite:///{STORE}",
        FAPIAO_BACKUP_DIR=str(work / "backups"),
        FAPIAO_USER="boss",
        FAPIAO_PASSWORD_FILE=str(secret / "pw"),
        FAPIAO_BACKUP_PASSPHRASE_FILE=str(secret / "bp"),
        RESTIC_PASSWORD=PASSPHRASE,
    )
    return env


def run(rounds: int = ROUNDS) -> dict[str, Any]:
    tools = {name: shutil.which(name) or "" for name in ("zstd", "restic", "sqlite3")}
    missing = [name for name, path in tools.items() if not path]
    if missing:
        raise SystemExit(f"bench_backup needs {missing}: apt-get install -y zstd restic sqlite3")
    fapiao = str(Path(sys.executable).with_name("fapiao"))
    db = ensure_store()
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    size = STORE.stat().st_size
    figures: dict[str, list[float]] = {k: [] for k in (
        "baseline_s", "full_s", "full_written", "full_file", "inc_s", "inc_written", "inc_file",
        "inc_pages", "rows_changed", "verify_quick_s", "verify_thorough_s", "restic_s",
        "quick_check_s")}  # fmt: skip
    load_before = os.getloadavg()  # the machine is shared: what else ran is part of the figures
    with tempfile.TemporaryDirectory(dir=DATA_DIR) as scratch:
        work = Path(scratch)
        env = _fapiao_env(work)
        repo = work / "restic"
        Children.run([tools["restic"], "-q", "-r", str(repo), "init"], env)
        Children.run([tools["restic"], "-q", "-r", str(repo), "backup", str(STORE)], env)
        rng = random.Random(3)
        steps = Steps(tools, fapiao, env, work, repo, figures)
        for round_no in range(rounds):
            first, second = (steps.baseline, steps.full) if round_no % 2 == 0 else (
                steps.full, steps.baseline)  # fmt: skip
            first()
            second()
            figures["rows_changed"].append(_change_one_percent(db, rng))
            steps.incremental()
            first, second = (steps.verify, steps.restic) if round_no % 2 == 0 else (
                steps.restic, steps.verify)  # fmt: skip
            first()
            second()
    full_mb_s = [size / MB / s for s in figures["full_s"]]
    base_mb_s = [size / MB / s for s in figures["baseline_s"]]
    restic_total = [
        a + b for a, b in zip(figures["restic_s"], figures["quick_check_s"], strict=True)
    ]
    load_after = os.getloadavg()
    return {
        "load_average_1_5_15_before": [round(x, 2) for x in load_before],
        "load_average_1_5_15_after": [round(x, 2) for x in load_after],
        "store_mb": round(size / MB, 1),
        "rounds": rounds,
        "baseline_zstd_s": _spread(figures["baseline_s"]),
        "baseline_mb_s": _spread(base_mb_s, 1),
        "full_s": _spread(figures["full_s"]),
        "full_mb_s": _spread(full_mb_s, 1),
        "full_vs_baseline_throughput": _spread(
            [b / f for b, f in zip(figures["baseline_s"], figures["full_s"], strict=True)]
        ),
        "full_file_mb": _spread([b / MB for b in figures["full_file"]], 1),
        "full_written_mb": _spread([b / MB for b in figures["full_written"]], 1),
        "rows_changed": _spread(figures["rows_changed"], 0),
        "incremental_pages": _spread(figures["inc_pages"], 0),
        "incremental_s": _spread(figures["inc_s"]),
        "incremental_time_vs_full": _spread(
            [i / f for i, f in zip(figures["inc_s"], figures["full_s"], strict=True)]
        ),
        "incremental_file_kb": _spread([b / 1024 for b in figures["inc_file"]], 1),
        "incremental_file_vs_full": _spread(
            [i / f for i, f in zip(figures["inc_file"], figures["full_file"], strict=True)], 4
        ),
        "incremental_written_mb": _spread([b / MB for b in figures["inc_written"]], 2),
        "incremental_changed_pages_mb": _spread([p * 4096 / MB for p in figures["inc_pages"]], 2),
        "verify_quick_mb_s": _spread([size / MB / s for s in figures["verify_quick_s"]], 1),
        "verify_thorough_mb_s": _spread([size / MB / s for s in figures["verify_thorough_s"]], 1),
        "restic_check_read_data_plus_quick_check_s": _spread(restic_total),
        "verify_quick_vs_restic": _spread(
            [v / r for v, r in zip(figures["verify_quick_s"], restic_total, strict=True)]
        ),
        "verify_thorough_vs_restic": _spread(
            [v / r for v, r in zip(figures["verify_thorough_s"], restic_total, strict=True)]
        ),
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:44} {value}")
