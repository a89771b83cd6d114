"""Received-file import speed (issue 13): a ZIP of 1,000 OFD/PDF files through the installed
``fapiao import``, next to what ``unzip`` alone takes on the same ZIP in the same run.

The bundle is built once, as the platform's batch download gives it (``发票批量下载_….zip``,
files in dated folders, GB18030 names without the UTF-8 flag): 1,000 different invoices
received by one company from 200 suppliers, half 数电 PDFs with the Info dictionary, half
OFDs (数电 with CustomData and tagged page text, classic with the invoice XML attached). A
PDF's Info has no names: a supplier named by no OFD of the run has its PDF's text read for
it (``python bench/bench_einvoice.py 1000 5 1000``: every invoice a new supplier, the worst
case). Rounds alternate, each into a fresh store:

* A — ``unzip -l`` then ``unzip -p`` of every member to /dev/null (list and inflate: the floor
  for anything that reads the bundle);
* B — the installed ``fapiao import BUNDLE`` in a subprocess, start to exit (start-up, log-in,
  reading every member, parsing, merging, one transaction, the audit entry); its CPU time is
  reported too, since on the shared machine the wall time mostly measures the neighbours.

Every round checks that the CLI exited 0 and that exactly the 1,000 invoices arrived.
Target: B ≥ 100 files/s.

    python bench/bench_einvoice.py [N] [ROUNDS] [SUPPLIERS]
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

from storage.accounts.users import add_user
from storage.demo.data import generate_invoices
from storage.demo.received_files import ofd_bytes, pdf_bytes
from storage.store.database import close_database, open_database
from storage.store.models import Role
from storage.store.records import InvoiceRecord
from storage.store.schema import upgrade

ROUNDS = 5
SUPPLIERS = 200  # a company's suppliers in a year; names repeat, as they do at a counter
PASSWORD = "bench-password-1"
TARGET_FILES_PER_S = 100


def _records(n: int, suppliers: int) -> list[InvoiceRecord]:
    """``n`` distinct invoices received by one company from ``suppliers`` sellers; every other
    one a 数电 invoice (a PDF carries the Info dictionary only then)."""
    base = generate_invoices(n, seed=13, end=dt.date(2026, 11, 20), days=300, with_lines=True,
                             parties=suppliers)  # fmt: skip
    out = []
    for i, issued in enumerate(itertools.islice(base, n)):
        # The demo generates one seller's issued invoices: turned round, they are received.
        record = replace(issued, buyer_name=issued.seller_name, buyer_tax_id=issued.seller_tax_id,
                         seller_name=issued.buyer_name, seller_tax_id=issued.buyer_tax_id)  # fmt: skip
        if i % 2 == 1 and len(record.number) != 20:
            number = f"{record.date.year % 100:02d}31200000{i:010d}"
            record = replace(record, number=number, code="", check_code="", type="32")
        out.append(replace(record, direction="received", status="normal", red_of="",
                           remark="", amount=abs(record.amount), tax=abs(record.tax),
                           total=abs(record.total)))  # fmt: skip
    return out


def build_bundle(path: Path, n: int, suppliers: int = SUPPLIERS) -> int:
    """The ZIP of ``n`` files; returns how many invoices it holds."""
    records = _records(n, suppliers)
    names: list[tuple[bytes, bytes]] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for i, record in enumerate(records):
            folder = f"发票批量下载/{record.date:%Y%m}"
            if i % 2 == 1:
                name, data = f"{folder}/dzfp_{record.number}.pdf", pdf_bytes(record, seed=i)
            else:
                name, data = f"{folder}/dzfp_{record.code}{record.number}.ofd", ofd_bytes(record)
            # GB18030 names without the UTF-8 flag, as Chinese Windows tools write them:
            # zipfile would flag any non-ASCII name, so an ASCII stand-in is swapped after.
            raw = name.encode("gb18030")
            stand_in = f"#{i:07d}".encode().ljust(len(raw), b"_")
            names.append((stand_in, raw))
            archive.writestr(stand_in.decode(), data)
    data = buffer.getvalue()
    for stand_in, raw in names:
        data = data.replace(stand_in, raw)
    path.write_bytes(data)
    return len(records)


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3)}  # fmt: skip


def _fapiao() -> list[str]:
    installed = Path(sys.executable).parent / "fapiao"
    return [str(installed)] if installed.exists() else [sys.executable, "-m", "tui.cli.main"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _unzip(bundle: Path) -> float:
    started = time.perf_counter()
    listed = subprocess.run(["unzip", "-l", str(bundle)], capture_output=True, check=True)
    with open(os.devnull, "wb") as sink:
        subprocess.run(["unzip", "-p", str(bundle)], stdout=sink, check=True)
    taken = time.perf_counter() - started
    assert listed.stdout.count(b"\n") > 1000 or b"files" in listed.stdout
    return taken


def _count(db_url: str) -> int:
    db = open_database(db_url)
    try:
        return int(db.execute_sql('SELECT COUNT(*) FROM "invoice"').fetchone()[0])
    finally:
        close_database()


def run(n: int = 1000, rounds: int = ROUNDS, suppliers: int = SUPPLIERS) -> dict[str, Any]:
    if shutil.which("unzip") is None:
        raise SystemExit("unzip is needed for the baseline")
    unzip: list[float] = []
    cli: list[float] = []
    cpu: list[float] = []  # the import's own CPU time: what the machine's load does not change
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        bundle = root / "发票批量下载_20261120.zip"
        invoices = build_bundle(bundle, n, suppliers)
        size = bundle.stat().st_size
        secret = root / "pw"
        secret.write_text(PASSWORD, encoding="utf-8")
        secret.chmod(0o600)
        for r in range(rounds):
            unzip.append(_unzip(bundle))
            db_url = f"sqlite:///{root / f'store{r}.db'}"
            upgrade(open_database(db_url))
            add_user("clerk", PASSWORD, role=Role.CLERK, branch="总部")
            close_database()
            env = {k: v for k, v in os.environ.items() if not k.startswith("FAPIAO_")}
            env.update({
                "FAPIAO_DATA_DIR": str(root / "data"), "FAPIAO_CONFIG": str(root / "none.toml"),
                "FAPIAO_DATABASE_URL": db_url, "FAPIAO_PASSWORD_FILE": str(secret),
                "FAPIAO_USER": "clerk",
            })  # fmt: skip
            before = _children_cpu()
            started = time.perf_counter()
            done = subprocess.run([*_fapiao(), "import", str(bundle)], env=env,
                                  capture_output=True, text=True, check=False)  # fmt: skip
            cli.append(time.perf_counter() - started)
            cpu.append(_children_cpu() - before)
            assert done.returncode == 0, done.stdout + done.stderr
            assert _count(db_url) == invoices, (done.stdout, _count(db_url))
    rates = [n / t for t in cli]
    return {
        "files": n, "invoices": invoices, "suppliers": suppliers, "rounds": rounds,
        "bundle_mb": round(size / 1e6, 2),
        "A_unzip_l_and_p_s": _spread(unzip), "B_fapiao_import_s": _spread(cli),
        "B_files_per_s": _spread(rates), "B_cpu_s": _spread(cpu),
        "B_files_per_cpu_s": _spread([n / c for c in cpu]), "B_over_A": round(statistics.median(cli) / statistics.median(unzip), 1),
        "target_files_per_s": TARGET_FILES_PER_S,
    }  # fmt: skip


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:]]
    for key, value in run(*args).items():
        print(f"{key:24} {value}")
