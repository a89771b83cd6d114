"""Bulk 入账 / 报销: 10,000 received invoices marked in one transaction on SQLite (the
history rows and the audit entry included), and the same 10,000 named by identity from a
file's worth of strings (the ``fapiao mark --from`` path: resolving them first)."""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from storage.accounts.users import Session
from storage.store.database import close_database, open_database
from storage.store.invoice_store import save_invoices
from storage.store.models import Invoice, Role
from storage.store.records import InvoiceRecord
from storage.store.schema import upgrade
from storage.tracking.identities import parse_identities
from storage.tracking.marks import Booking, Reimbursed, mark_identities, mark_invoices
from storage.tracking.states import BookingState

COUNT = 10_000
SESSION = Session("bench", Role.CLERK, "总部")


def _records() -> list[InvoiceRecord]:
    return [
        InvoiceRecord(number=f"2633200000{i:010d}", date=dt.date(2026, 3, 2), type="32",
                      amount=Decimal("173.79"), tax=Decimal("22.59"), total=Decimal("196.38"),
                      direction="received", seller_name="杭州恒通办公用品有限公司",
                      seller_tax_id="91330100MA2CFX7Q4N")
        for i in range(COUNT)
    ]  # fmt: skip


def run() -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="fapiao-bench-mark-") as folder:
        upgrade(open_database(f"sqlite:///{Path(folder) / 'store.db'}"))
        save_invoices(_records(), branch="总部")
        ids = [i for (i,) in Invoice.select(Invoice.id).tuples()]
        now = dt.datetime(2026, 3, 15, 10, 0)
        started = time.perf_counter()
        mark_invoices(SESSION, ids, Booking(BookingState.CIT_DEDUCTIBLE, "2026-03"), now=now)
        by_id = time.perf_counter() - started
        lines = [f"2633200000{i:010d}" for i in range(COUNT)]
        started = time.perf_counter()
        mark_identities(SESSION, list(parse_identities(lines)), Reimbursed("BX-1"), now=now)
        by_identity = time.perf_counter() - started
        close_database()
    return {"invoices": COUNT, "book_by_id_s": round(by_id, 3),
            "reimburse_by_identity_s": round(by_identity, 3)}  # fmt: skip
