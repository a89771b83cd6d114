"""Import memory: peak RSS of ``fapiao import`` for a generated XLSX and CSV (issue 9, item 11).

Writes an XLSX (openpyxl write-only) and a CSV of N invoices in the 电子税务局 export format,
then imports each into a fresh SQLite store in a child process and reads the child's peak
resident set (``ru_maxrss``) and its time. The child only imports: generating the files does
not count. Target: peak under 300 MB for any file the limits accept.

    python bench/bench_import_memory.py [N] [--src DIR] [--kinds csv,xlsx,skinny]

``--src`` imports with the code in another checkout (to measure before and after a change).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

HEADER = ["发票代码", "发票号码", "数电票号码", "销方识别号", "销方名称", "购方识别号", "购买方名称",
          "开票日期", "金额", "税额", "价税合计", "税率", "发票票种", "发票状态", "备注"]  # fmt: skip
BUYERS = ["上海华信科技有限公司", "深圳恒通物流有限公司", "北京某某商贸有限公司", "张三",
          "广州市天河区新华书店", "杭州云栖网络科技有限公司"]  # fmt: skip


def rows(n: int) -> Iterator[list[object]]:
    """n distinct invoices: 数电 (20-digit) and classic (code + 8 digits) alternating."""
    start = dt.date(2026, 1, 1)
    for i in range(n):
        amount = 100 + (i % 9973)
        tax = round(amount * 0.13, 2)
        digital = i % 2 == 0
        number = f"2631200000{i:010d}" if digital else f"{i % 100_000_000:08d}"
        code = "" if digital else f"0440015{(i // 100_000_000) % 100:03d}11"
        yield [
            code, "" if digital else number, number if digital else "", "91110105MA005AEF36",
            "北京某某商贸有限公司", "91310115MA1K3YJ12X", BUYERS[i % len(BUYERS)],
            (start + dt.timedelta(days=i % 300)).isoformat(), f"{amount:.2f}", f"{tax:.2f}",
            f"{amount + tax:.2f}", "13%",
            "数电发票（普通发票）" if digital else "增值税电子普通发票", "正常", "",
        ]  # fmt: skip


def write_csv(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows(n))


def write_skinny_csv(path: Path, n: int) -> None:
    """Only the required columns: the most rows a size limit lets through (importer.MAX_ROWS)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("数电票号码,开票日期,金额,税额\n")
        handle.writelines(f"2631200000{i:010d},2026-01-15,{100 + i % 9973}.00,13.00\n"
                          for i in range(n))  # fmt: skip


def write_xlsx(path: Path, n: int) -> None:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("发票")
    sheet.append(HEADER)
    for row in rows(n):
        sheet.append(row)
    book.save(path)


CHILD = textwrap.dedent("""
    import json, resource, sys, time
    from pathlib import Path
    from storage.store.database import close_database, open_database
    from storage.importing import Who, import_file
    from storage.store.schema import upgrade

    upgrade(open_database("sqlite:///" + sys.argv[2]))
    start = time.perf_counter()
    report = import_file(Path(sys.argv[1]), Who(username="bench", branch="总部"))
    seconds = time.perf_counter() - start
    close_database()
    print(json.dumps({"added": report.added, "rejected": len(report.rejected),
                      "seconds": round(seconds, 1),
                      "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}))
""")


def measure(path: Path, store: Path, src: Path) -> dict[str, object]:
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), str(store)], cwd=src, env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    result["file_mb"] = round(path.stat().st_size / 2**20, 1)
    return result


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "skinny": write_skinny_csv}


def run(n: int = 300_000, src: Path | None = None,
        kinds: tuple[str, ...] = ("csv", "xlsx")) -> dict[str, dict[str, object]]:  # fmt: skip
    src = src or Path(__file__).resolve().parents[1]
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for kind in kinds:
            write = WRITERS[kind]
            path = base / f"dzfp.{'xlsx' if kind == 'xlsx' else 'csv'}"
            write(path, n)
            results[kind] = measure(path, base / f"{kind}.db", src)
            for old in base.iterdir():
                old.unlink()
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=300_000)
    parser.add_argument("--src", type=Path)
    parser.add_argument("--kinds", default="csv,xlsx", help="csv, xlsx, skinny (comma-separated)")
    args = parser.parse_args()
    for kind, result in run(args.n, args.src, tuple(args.kinds.split(","))).items():
        print(kind, json.dumps(result, ensure_ascii=False))
