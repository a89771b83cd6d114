"""The store's own totals of a period, per disk type, to set beside the disk's ``SUMMARY``.

Counted the way PROTOCOL.md counts ``SUMMARY``: every issued invoice of the period (void and
red included) in ``count``, ``void``/``red`` counting those, ``amount``/``tax`` summing the
ones that are not void. Only invoices the disk's taxpayer issued are counted, in every branch:
the disk clears for the taxpayer, not for one counter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from storage.rules.invoice_types import DISK_TYPES
from storage.store.models import Direction, Invoice, InvoiceStatus

# Verification type → the disk's code (数电 types are issued from the e-invoice types).
_TO_DISK: dict[str, str] = {verif: disk for disk, verif in DISK_TYPES.items()}
_TO_DISK.update({"14": "026", "31": "028", "32": "026", "02": "004"})


@dataclass(frozen=True)
class TypeTotals:
    type: str  # the disk's three-digit code
    count: int
    void: int
    red: int
    amount: Decimal
    tax: Decimal


@dataclass
class _Sums:
    count: int = 0
    void: int = 0
    red: int = 0
    amount: Decimal = Decimal("0.00")
    tax: Decimal = Decimal("0.00")


def disk_type_of(verification_type: str) -> str:
    return _TO_DISK.get(verification_type, "")


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of ``YYYY-MM``."""
    year, month = int(period[:4]), int(period[5:7])
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def period_totals(period: str, taxpayer_id: str) -> dict[str, TypeTotals]:
    """Per disk type: what the store holds of ``period`` issued by ``taxpayer_id``."""
    first, last = period_bounds(period)
    query = (
        Invoice.select(Invoice.type, Invoice.status, Invoice.amount, Invoice.tax)
        .where((Invoice.date >= first) & (Invoice.date <= last)
               & (Invoice.direction == Direction.ISSUED.value))
    )  # fmt: skip
    if taxpayer_id:
        query = query.where(Invoice.seller_tax_id == taxpayer_id)
    sums: dict[str, _Sums] = {}
    for verification, status, amount, tax in query.tuples().iterator():
        code = disk_type_of(verification)
        if not code:
            continue
        row = sums.setdefault(code, _Sums())
        row.count += 1
        if status == InvoiceStatus.VOID.value:
            row.void += 1
            continue
        row.red += status == InvoiceStatus.RED.value
        row.amount += amount
        row.tax += tax
    return {code: TypeTotals(code, r.count, r.void, r.red, r.amount, r.tax)
            for code, r in sums.items()}  # fmt: skip
