"""A plain copy of one invoice and its lines, made in a worker thread.

The detail screen renders from this, so no query runs on the event loop and a language
switch re-renders without touching the store.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class LineView:
    line_no: int
    item: str
    spec: str
    unit: str
    quantity: str
    unit_price: str
    amount: Decimal
    rate: str
    tax: Decimal


@dataclass(frozen=True)
class InvoiceView:
    id: int
    type: str
    code: str
    number: str
    date: dt.date
    check_code: str
    amount: Decimal
    tax: Decimal
    total: Decimal
    rate: str
    buyer_name: str
    buyer_tax_id: str
    seller_name: str
    seller_tax_id: str
    status: str
    direction: str
    booking: str  # storage.tracking.states.BookingState
    booking_period: str
    booked_by: str
    booked_at: dt.datetime | None
    reimbursed: bool
    claim_ref: str
    reimbursed_by: str
    reimbursed_at: dt.datetime | None
    branch: str
    source: str
    synced_at: dt.datetime | None
    red_of: str
    remark: str
    lines: tuple[LineView, ...]


def invoice_view(invoice: Any) -> InvoiceView:
    """Copy a ``storage.store.models.Invoice`` (lines included) into plain values."""
    lines = tuple(
        LineView(
            line_no=line.line_no,
            item=line.item,
            spec=line.spec,
            unit=line.unit,
            quantity=line.quantity,
            unit_price=line.unit_price,
            amount=line.amount,
            rate=line.rate,
            tax=line.tax,
        )
        for line in sorted(invoice.lines, key=lambda line: line.line_no)
    )
    return InvoiceView(
        id=invoice.id, type=invoice.type, code=invoice.code, number=invoice.number,
        date=invoice.date, check_code=invoice.check_code, amount=invoice.amount,
        tax=invoice.tax, total=invoice.total, rate=invoice.rate,
        buyer_name=invoice.buyer_name, buyer_tax_id=invoice.buyer_tax_id,
        seller_name=invoice.seller_name, seller_tax_id=invoice.seller_tax_id,
        status=invoice.status, direction=invoice.direction, booking=invoice.booking,
        booking_period=invoice.booking_period, booked_by=invoice.booked_by,
        booked_at=invoice.booked_at, reimbursed=bool(invoice.reimbursed),
        claim_ref=invoice.claim_ref, reimbursed_by=invoice.reimbursed_by,
        reimbursed_at=invoice.reimbursed_at, branch=invoice.branch, source=invoice.source,
        synced_at=invoice.synced_at, red_of=invoice.red_of, remark=invoice.remark,
        lines=lines,
    )  # fmt: skip
