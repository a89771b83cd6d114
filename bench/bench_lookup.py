"""Lookup speed at 1,000,000 invoices (SQLite): p50/p95 in ms, 300 samples per case, each case
beside a same-run baseline of raw SQL on the same store (a plain ``sqlite3`` connection),
the two alternating query by query.

Targets: exact number ≤ 1 ms p95; the full "not found" diagnosis of a typo'd number ≤ 20 ms
p95; counterparty-name search, 2 and 4 characters, first page newest first, ≤ 5 ms p95, also
for a term in most names (有限).

Baselines: a number is the one indexed probe ``WHERE number = ? AND branch = ?`` (the floor;
for the diagnosis too, which has no SQL equivalent); a name is the query anyone would write
first, ``LIKE '%name%'`` over the counterparty column, newest first (a scan: measured on the
first 30 queries only). Every answer is checked against the baseline's: the same invoices,
in the same order.

    python bench/bench_lookup.py        # builds bench/data/store_1m.db on first run
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.store_1m import BRANCH, ensure_store, store_url
from storage.accounts.users import Session
from storage.demo.data import INDUSTRY, PLACES, TRADE
from storage.lookup.engine import LookupOptions, LookupResult, lookup
from storage.rules.party_names import normalize_name
from storage.store.models import Invoice, Role

SAMPLES = 300
CLERK = Session("bench", Role.CLERK, BRANCH)
OPTIONS = LookupOptions(limit=50)


def _percentiles(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 3),
        "samples": len(ordered),
    }


# ``+``: sort the few rows found, never walk the date index for the order (without ANALYZE's
# figures SQLite may prefer that walk: 0.5 s a query at a million).
NUMBER_SQL = "SELECT id FROM invoice WHERE number = ? AND branch = ? ORDER BY +date DESC, +id DESC"
NAME_SQL = (
    "SELECT id FROM invoice WHERE branch = ? AND (CASE direction WHEN 'received' THEN seller_name"
    " ELSE buyer_name END) LIKE '%' || ? || '%' ORDER BY date DESC, id DESC LIMIT 50"
)
SCAN_SAMPLES = 30  # the LIKE baseline scans the table: fewer samples


def _raw() -> sqlite3.Connection:
    return sqlite3.connect(store_url().removeprefix("sqlite:///"), isolation_level=None)


def _measure(
    queries: list[str],
    check: Callable[[str, LookupResult], bool],
    baseline_sql: str,
    *,
    baseline_samples: int = SAMPLES,
    ranked: bool = False,
) -> dict[str, dict[str, float]]:
    """The app's lookup and the raw SQL, alternating which goes first, query by query. Each
    answer must pass ``check`` and hold the baseline's invoices: the same ones in the same order,
    or with ``ranked`` (names: the exact name first, then prefixes, then newest first) as many,
    the exact name's before any other."""
    raw = _raw()
    for q in queries[:20]:
        lookup(q, CLERK, OPTIONS)  # warm the page cache
        raw.execute(baseline_sql, (q, BRANCH) if baseline_sql is NUMBER_SQL else (BRANCH, q))
    app_times: list[float] = []
    raw_times: list[float] = []
    for i, q in enumerate(queries):
        params = (q, BRANCH) if baseline_sql is NUMBER_SQL else (BRANCH, q)
        with_baseline = i < baseline_samples
        for step in (0, 1) if i % 2 == 0 else (1, 0):
            if step == 0:
                started = time.perf_counter()
                result = lookup(q, CLERK, OPTIONS)
                app_times.append(time.perf_counter() - started)
            elif with_baseline:
                started = time.perf_counter()
                rows = [r[0] for r in raw.execute(baseline_sql, params).fetchall()]
                raw_times.append(time.perf_counter() - started)
        if not check(q, result):
            raise AssertionError(
                f"unexpected result for {q!r}: {result.kind} {len(result.matches)}"
            )
        got = [m.id for m in result.matches]
        if with_baseline and not ranked and got != rows[: OPTIONS.limit]:
            raise AssertionError(f"{q!r}: the app's invoices differ from the raw SQL's")
        if with_baseline and ranked and len(got) != len(rows[: OPTIONS.limit]):
            raise AssertionError(f"{q!r}: {len(got)} invoices, the raw SQL finds {len(rows)}")
        if ranked and not _exact_first(q, result):
            raise AssertionError(f"{q!r}: an invoice of the exact name comes after another")
    raw.close()
    return {"app": _percentiles(app_times), "raw_sql": _percentiles(raw_times)}


def _exact_first(q: str, r: LookupResult) -> bool:
    exact = [normalize_name(m.counterparty_name) == normalize_name(q) for m in r.matches]
    return exact == sorted(exact, reverse=True)


def _names_contain(q: str, r: LookupResult) -> bool:
    """Every match's counterparty holds the text (normalised as the app normalises names)."""
    want = normalize_name(q)
    return all(
        want in normalize_name(m.buyer_name) or want in normalize_name(m.seller_name)
        for m in r.matches
    )


def _sample_numbers(rng: random.Random, n: int) -> list[str]:
    top = Invoice.select(Invoice.id).order_by(Invoice.id.desc()).scalar()
    ids = rng.sample(range(1, top + 1), n * 2)
    rows = Invoice.select(Invoice.number).where(Invoice.id.in_(ids) & (Invoice.branch == BRANCH))
    return [r.number for r in rows][:n]


def _typo(number: str, rng: random.Random) -> str:
    i = rng.randrange(len(number))
    return number[:i] + str((int(number[i]) + rng.randint(1, 9)) % 10) + number[i + 1 :]


def run() -> dict[str, dict[str, dict[str, float]]]:
    ensure_store()
    rng = random.Random(42)
    numbers = _sample_numbers(rng, SAMPLES)
    # Typo'd numbers that exist nowhere: the lookup finds nothing and runs the diagnosis.
    typos: list[str] = []
    while len(typos) < SAMPLES:
        batch = [_typo(rng.choice(numbers), rng) for _ in range(SAMPLES)]
        stored = Invoice.select(Invoice.number).where(Invoice.number.in_(batch))
        exists = {r.number for r in stored}
        typos += [q for q in batch if q not in exists]
    typos = typos[:SAMPLES]
    two = [rng.choice(TRADE + PLACES) for _ in range(SAMPLES)]
    four = [
        rng.choice(
            [rng.choice(TRADE) + rng.choice(INDUSTRY)[:2], rng.choice(PLACES) + rng.choice(TRADE)]
        )
        for _ in range(SAMPLES)
    ]

    def named(q: str, r: LookupResult) -> bool:
        return bool(r.matches) and _names_contain(q, r)

    def full_page(q: str, r: LookupResult) -> bool:
        return len(r.matches) == OPTIONS.limit and _names_contain(q, r)

    return {
        "exact_number": _measure(
            numbers, lambda q, r: any(m.number == q for m in r.matches), NUMBER_SQL
        ),
        "diagnosis_typo_number": _measure(
            typos, lambda q, r: not r.matches and bool(r.causes), NUMBER_SQL
        ),
        "name_2_chars": _measure(two, named, NAME_SQL, baseline_samples=SCAN_SAMPLES, ranked=True),
        "name_2_chars_youxian": _measure(
            ["有限"] * SAMPLES, full_page, NAME_SQL, baseline_samples=SCAN_SAMPLES, ranked=True
        ),
        # Some made-up four-character names match nobody: then the answer must be empty, as
        # the baseline's is.
        "name_4_chars": _measure(
            four,
            lambda q, r: _names_contain(q, r),
            NAME_SQL,
            baseline_samples=SCAN_SAMPLES,
            ranked=True,
        ),
        "name_4_chars_youxian": _measure(
            ["有限公司"] * SAMPLES, full_page, NAME_SQL, baseline_samples=SCAN_SAMPLES, ranked=True
        ),
    }


if __name__ == "__main__":
    results = run()
    print(f"{'case':24} {'app p50':>8} {'app p95':>8} {'SQL p50':>8} {'SQL p95':>8}  samples")
    for name, r in results.items():
        app, raw = r["app"], r["raw_sql"]
        print(f"{name:24} {app['p50_ms']:8.3f} {app['p95_ms']:8.3f} {raw['p50_ms']:8.3f} "
              f"{raw['p95_ms']:8.3f}  {app['samples']}/{raw['samples']}")  # fmt: skip
