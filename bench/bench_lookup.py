"""Lookup speed at 1,000,000 invoices (SQLite): p50/p95 in ms, 200+ samples per case.

Targets: exact number ≤ 1 ms p95; the full "not found" diagnosis of a typo'd number ≤ 20 ms
p95; counterparty-name search, 2 and 4 characters, first page newest first, ≤ 5 ms p95, also
for a term in most names (有限).

    python bench/bench_lookup.py        # builds bench/data/store_1m.db on first run
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.store_1m import BRANCH, ensure_store
from storage.accounts.users import Session
from storage.demo.data import INDUSTRY, PLACES, TRADE
from storage.lookup.engine import LookupOptions, LookupResult, lookup
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


def _measure(queries: list[str], check: Callable[[LookupResult], bool]) -> dict[str, float]:
    for q in queries[:20]:
        lookup(q, CLERK, OPTIONS)  # warm the page cache
    timings = []
    for q in queries:
        started = time.perf_counter()
        result = lookup(q, CLERK, OPTIONS)
        timings.append(time.perf_counter() - started)
        if not check(result):
            raise AssertionError(
                f"unexpected result for {q!r}: {result.kind} {len(result.matches)}"
            )
    return _percentiles(timings)


def _sample_numbers(rng: random.Random, n: int) -> list[str]:
    top = Invoice.select(Invoice.id).order_by(Invoice.id.desc()).scalar()
    ids = rng.sample(range(1, top + 1), n * 2)
    rows = Invoice.select(Invoice.number).where(Invoice.id.in_(ids) & (Invoice.branch == BRANCH))
    return [r.number for r in rows][:n]


def _typo(number: str, rng: random.Random) -> str:
    i = rng.randrange(len(number))
    return number[:i] + str((int(number[i]) + rng.randint(1, 9)) % 10) + number[i + 1 :]


def run() -> dict[str, dict[str, float]]:
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
    found: Callable[[LookupResult], bool] = lambda r: bool(r.matches)  # noqa: E731
    return {
        "exact_number": _measure(numbers, found),
        "diagnosis_typo_number": _measure(typos, lambda r: not r.matches and bool(r.causes)),
        "name_2_chars": _measure(two, found),
        "name_2_chars_youxian": _measure(["有限"] * SAMPLES, lambda r: len(r.matches) == 50),
        "name_4_chars": _measure(four, lambda r: True),
        "name_4_chars_youxian": _measure(["有限公司"] * SAMPLES, lambda r: len(r.matches) == 50),
    }


if __name__ == "__main__":
    results = run()
    print(f"{'case':26} {'p50 ms':>8} {'p95 ms':>8} {'samples':>8}")
    for name, r in results.items():
        print(f"{name:26} {r['p50_ms']:8.3f} {r['p95_ms']:8.3f} {r['samples']:8}")
