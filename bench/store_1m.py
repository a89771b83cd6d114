"""The benchmark store: 1,000,000 generated invoices in SQLite, built once into ``bench/data/``.

Run ``python bench/store_1m.py`` (or let ``bench/bench_lookup.py`` call ``ensure_store``); a
store already built is reused. Deterministic: the same seed and end date give the same store.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import peewee

from storage.demo.data import generate_invoices
from storage.store.database import close_database, open_database
from storage.store.invoice_store import save_invoices
from storage.store.models import Invoice
from storage.store.schema import upgrade

DATA_DIR = Path(__file__).with_name("data")
STORE_PATH = DATA_DIR / "store_1m.db"
COUNT = 1_000_000
END = dt.date(2026, 6, 30)
BRANCH = "总部"
OTHER_BRANCH = "上海分公司"


def store_url(path: Path = STORE_PATH) -> str:
    return f"sqlite:///{path}"


def ensure_store(path: Path = STORE_PATH, *, verbose: bool = True) -> peewee.Database:
    """Open the 1M store (building it on first use), migrated and bound to the models."""
    partial = path.with_suffix(".building")
    if not path.exists():
        for stale in DATA_DIR.glob(partial.name + "*"):
            stale.unlink()
        started = time.perf_counter()
        db = open_database(store_url(partial))
        upgrade(db)
        records = generate_invoices(
            COUNT, seed=1, end=END, days=1000, parties=20000, with_lines=False,
            branches=(BRANCH, OTHER_BRANCH), other_branch_share=0.08,
        )  # fmt: skip
        done = 0
        for chunk_start in range(0, COUNT, 100_000):
            chunk = [next(records) for _ in range(min(100_000, COUNT - chunk_start))]
            done += save_invoices(chunk, branch=BRANCH, batch=5000).added
            if verbose:
                print(
                    f"  {done:>9,} invoices  {time.perf_counter() - started:6.1f} s",
                    file=sys.stderr,
                )
        # The red-letter invoices the generator adds after the last chunk.
        save_invoices(list(records), branch=BRANCH, batch=5000)
        db.execute_sql("ANALYZE")
        close_database()
        partial.rename(path)
        for suffix in ("-wal", "-shm"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
    db = open_database(store_url(path))
    upgrade(db)  # a migration added since the build applies here
    return db


if __name__ == "__main__":
    ensure_store()
    print(f"{STORE_PATH}: {Invoice.select().count():,} invoices")
