"""Import speed: ``fapiao import`` of a 电子税务局-format CSV vs raw ``executemany``.

``run(n)`` writes n generated invoices as a CSV with the 电子税务局 headers, imports it through
``storage.importing.import_file`` into a fresh SQLite store (read, decode, parse, check, save,
index), then inserts the same parsed records with plain ``sqlite3.executemany`` into another
fresh store with the same schema. Target: import ≥ 0.3 × the raw rate.

The machine is shared: each side runs ``ROUNDS`` times, interleaved (import, raw, import, …)
so a busy spell hits both, each into a fresh store, and the best time of each side counts.

    python bench/bench_import.py [N]
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from storage.demo.data import generate_invoices
from storage.importing import Who, import_file, parse_bytes
from storage.importing.fields import STATUS_NAMES
from storage.rules.invoice_types import TYPES
from storage.rules.money import format_money, to_fen
from storage.store.database import close_database, open_database
from storage.store.models import InvoiceStatus
from storage.store.records import InvoiceRecord
from storage.store.schema import upgrade

HEADER = ["发票代码", "发票号码", "数电票号码", "销方识别号", "销方名称", "购方识别号", "购买方名称",
          "开票日期", "金额", "税额", "价税合计", "税率", "发票票种", "发票状态", "备注"]  # fmt: skip
COLUMNS = (
    "type", "code", "number", "date", "check_code", "amount", "tax", "total", "rate",
    "buyer_name", "buyer_tax_id", "seller_name", "seller_tax_id", "counterparty_id", "status",
    "red_of", "direction", "booking", "reimbursed", "branch", "source", "disk_seq", "synced_at",
    "remark", "created_at", "updated_at",
)  # fmt: skip


def write_csv(path: Path, n: int) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        records = generate_invoices(n, seed=3, end=dt.date(2026, 11, 20), days=365,
                                    with_lines=False)  # fmt: skip
        for r in records:
            digital = len(r.number) == 20
            rate = f"{int(float(r.rate) * 100)}%" if r.rate else ""
            writer.writerow([
                r.code, "" if digital else r.number, r.number if digital else "",
                r.seller_tax_id, r.seller_name, r.buyer_tax_id, r.buyer_name,
                r.date.isoformat(), format_money(r.amount), format_money(r.tax),
                format_money(r.total), rate, TYPES[r.type].name_zh,
                STATUS_NAMES[InvoiceStatus(r.status)], r.remark,
            ])  # fmt: skip
            count += 1
    return count


def _raw_rows(records: list[InvoiceRecord]) -> list[tuple[object, ...]]:
    now = dt.datetime.now().replace(microsecond=0).isoformat(" ")
    return [
        (r.type, r.code, r.number, r.date.isoformat(), r.check_code, to_fen(r.amount),
         to_fen(r.tax), to_fen(r.total), r.rate, r.buyer_name, r.buyer_tax_id, r.seller_name,
         r.seller_tax_id, None, r.status, r.red_of, r.direction, "unbooked", False, "总部", r.source,
         None, None, r.remark, now, now)
        for r in records
    ]  # fmt: skip


ROUNDS = 3


def _import_once(csv_path: Path, db_path: Path) -> tuple[float, int]:
    upgrade(open_database(f"sqlite:///{db_path}"))
    try:
        start = time.perf_counter()
        report = import_file(csv_path, Who(username="bench", branch="总部"))
        seconds = time.perf_counter() - start
    finally:
        close_database()
    assert not report.rejected, report.rejected[:3]
    return seconds, report.added


def _raw_once(raw_rows: list[tuple[object, ...]], db_path: Path) -> float:
    upgrade(open_database(f"sqlite:///{db_path}"))
    close_database()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA journal_mode=wal")
    conn.execute("PRAGMA synchronous=normal")
    sql = f'INSERT INTO "invoice" ({", ".join(COLUMNS)}) VALUES ({", ".join("?" * len(COLUMNS))})'
    try:
        start = time.perf_counter()
        with conn:
            conn.executemany(sql, raw_rows)
        return time.perf_counter() - start
    finally:
        conn.close()


def run(n: int = 200_000, rounds: int = ROUNDS) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        csv_path = base / "dzfp.csv"
        rows = write_csv(csv_path, n)
        parsed = parse_bytes(csv_path.name, csv_path.read_bytes(), direction="issued")
        raw_rows = _raw_rows(parsed.records)
        import_times: list[float] = []
        raw_times: list[float] = []
        for i in range(rounds):
            seconds, added = _import_once(csv_path, base / f"import{i}.db")
            import_times.append(seconds)
            raw_times.append(_raw_once(raw_rows, base / f"raw{i}.db"))
            for old in base.glob(f"*{i}.db*"):
                old.unlink()  # keep the temporary disk use to one round's stores
    import_rate = rows / min(import_times)
    raw_rate = len(raw_rows) / min(raw_times)
    return {
        "rows": rows,
        "added": added,
        "rounds": rounds,
        "import_s": [round(s, 3) for s in import_times],
        "raw_s": [round(s, 3) for s in raw_times],
        "import_rows_per_s": round(import_rate),
        "raw_rows_per_s": round(raw_rate),
        "ratio": round(import_rate / raw_rate, 3),
    }


if __name__ == "__main__":
    result = run(int(sys.argv[1]) if len(sys.argv) > 1 else 200_000)
    print(f"import: {result['import_rows_per_s']:>9,} rows/s (best of {result['import_s']} s for "
          f"{result['rows']:,} rows)")  # fmt: skip
    print(f"raw executemany: {result['raw_rows_per_s']:>9,} rows/s")
    print(f"ratio: {result['ratio']} (target ≥ 0.3)")
