"""``export_invoices``: invoices to XLSX or CSV, in the columns the importer reads back.

One row per invoice line (an invoice without lines is one row); the invoice's columns repeat
on each of its rows. Written by ``storage.exporting.table.write_rows`` (atomic, 0600, money
exact, codes and numbers as text so leading zeros survive); its CSV is ``IMPORTABLE``: a text
cell that starts like a formula (= + - @) gets the leading ``'`` the importer drops again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import peewee

from storage.accounts.permissions import Permission, require
from storage.accounts.users import Session
from storage.audit import chain as audit
from storage.errors import BadInput, Exit
from storage.exporting.table import Cell, CsvText, write_rows
from storage.importing.columns import EXPORT_COLUMNS
from storage.importing.fields import DIRECTION_NAMES, STATUS_NAMES
from storage.rules.invoice_types import TYPES
from storage.store.models import Direction, Invoice, InvoiceLine, InvoiceStatus
from storage.tracking.states import BUREAU_NAMES, BookingState

FORMATS = (".csv", ".xlsx")
# After the columns the importer reads back: what happened to the invoice (storage/tracking).
# The importer ignores them; marks change only through ``storage.tracking.marks``.
TRACKING_COLUMNS: tuple[tuple[str, str], ...] = (
    ("booking", "入账状态"), ("booking_period", "入账属期"), ("booked_by", "入账人"),
    ("booked_at", "入账时间"), ("reimbursed", "报销状态"), ("claim_ref", "报销单号"),
    ("reimbursed_by", "报销经办人"), ("reimbursed_at", "报销时间"),
)  # fmt: skip
COLUMNS = EXPORT_COLUMNS + TRACKING_COLUMNS
BOOKING_NAMES = {state.value: name for state, name in BUREAU_NAMES.items()}
BOOKING_NAMES[BookingState.UNRECORDED.value] = "已入账"
REIMBURSED_NAMES = {True: "已报销", False: "未报销"}
#: What the importer reads back: it drops a ``'`` only before these, and times to the minute.
IMPORTABLE = CsvText(formula_start=("=", "+", "-", "@"), time_format="%Y-%m-%d %H:%M")
_BATCH = 1000


class ExportError(BadInput, ValueError):
    """A bad request (extension, other branch); ``key`` is its message."""


class OtherBranchRefused(ExportError):
    """The session may not see the branch asked for."""

    exit_code = Exit.FAILED


@dataclass(frozen=True)
class ExportFilter:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    status: str | None = None
    buyer: str = ""  # part of the buyer's name, or its tax id
    branch: str | None = None  # None: the session's branch (every branch for all_branches)
    direction: str | None = None  # issued / received
    booking: str | None = None  # one 入账 state (storage.tracking.states)
    reimbursed: bool | None = None  # only (not) reimbursed
    keyword: str = ""  # in the names, an item name or the remark (as the lookup finds it)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    invoices: int
    rows: int


def _query(session: Session, filters: ExportFilter) -> peewee.ModelSelect:
    query = Invoice.select()
    if session.all_branches:
        if filters.branch:
            query = query.where(Invoice.branch == filters.branch)
    else:
        if filters.branch and filters.branch != session.branch:
            raise OtherBranchRefused("export.other_branch", branch=session.branch)
        query = query.where(Invoice.branch == session.branch)
    if filters.date_from:
        query = query.where(Invoice.date >= filters.date_from)
    if filters.date_to:
        query = query.where(Invoice.date <= filters.date_to)
    if filters.status:
        query = query.where(Invoice.status == InvoiceStatus(filters.status).value)
    if filters.buyer:
        query = query.where(
            Invoice.buyer_name.contains(filters.buyer) | (Invoice.buyer_tax_id == filters.buyer)
        )
    if filters.direction:
        query = query.where(Invoice.direction == Direction(filters.direction).value)
    if filters.booking:
        query = query.where(Invoice.booking == BookingState(filters.booking).value)
    if filters.reimbursed is not None:
        query = query.where(Invoice.reimbursed == filters.reimbursed)
    if filters.keyword:
        word = filters.keyword
        items = InvoiceLine.select(InvoiceLine.id).where(
            (InvoiceLine.invoice == Invoice.id) & InvoiceLine.item.contains(word)
        )
        query = query.where(
            Invoice.buyer_name.contains(word) | Invoice.seller_name.contains(word)
            | Invoice.remark.contains(word) | peewee.fn.EXISTS(items)
        )  # fmt: skip
    return query.order_by(Invoice.date, Invoice.id)


def _invoice_values(inv: Invoice) -> dict[str, Cell]:
    type_info = TYPES.get(inv.type)
    return {
        "code": inv.code, "number": inv.number, "date": _as_date(inv.date),
        "type": type_info.name_zh if type_info else inv.type,
        "status": STATUS_NAMES.get(InvoiceStatus(inv.status), inv.status),
        "direction": DIRECTION_NAMES.get(Direction(inv.direction), inv.direction),
        "check_code": inv.check_code, "buyer_name": inv.buyer_name,
        "buyer_tax_id": inv.buyer_tax_id, "seller_name": inv.seller_name,
        "seller_tax_id": inv.seller_tax_id, "amount": inv.amount, "tax": inv.tax,
        "total": inv.total, "rate": inv.rate, "red_of": inv.red_of, "remark": inv.remark,
        "branch": inv.branch,
        "booking": BOOKING_NAMES.get(inv.booking, inv.booking),
        "booking_period": inv.booking_period, "booked_by": inv.booked_by,
        "booked_at": inv.booked_at, "reimbursed": REIMBURSED_NAMES[bool(inv.reimbursed)],
        "claim_ref": inv.claim_ref, "reimbursed_by": inv.reimbursed_by,
        "reimbursed_at": inv.reimbursed_at,
    }  # fmt: skip


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _line_values(line: InvoiceLine) -> dict[str, Cell]:
    return {
        "item": line.item, "spec": line.spec, "unit": line.unit, "quantity": line.quantity,
        "unit_price": line.unit_price, "line_amount": line.amount, "line_rate": line.rate,
        "line_tax": line.tax,
    }  # fmt: skip


def export_rows(session: Session, filters: ExportFilter) -> Iterator[tuple[int, dict[str, Cell]]]:
    """(invoice id, row values) in export order: one per line, or one per invoice without."""
    query = _query(session, filters)
    last: tuple[dt.date, int] | None = None
    while True:
        page = query
        if last is not None:  # keyset paging: stable and fast on large stores
            page = page.where((Invoice.date > last[0]) | ((Invoice.date == last[0])
                                                          & (Invoice.id > last[1])))  # fmt: skip
        invoices = list(page.limit(_BATCH))
        if not invoices:
            return
        lines: dict[int, list[InvoiceLine]] = {}
        for line in (InvoiceLine.select()
                     .where(InvoiceLine.invoice.in_([i.id for i in invoices]))
                     .order_by(InvoiceLine.invoice, InvoiceLine.line_no)):  # fmt: skip
            lines.setdefault(line.invoice_id, []).append(line)
        for inv in invoices:
            head = _invoice_values(inv)
            own: list[InvoiceLine | None] = [*lines.get(inv.id, [])] or [None]
            for line in own:
                yield inv.id, {**head, **(_line_values(line) if line is not None else {})}
        last = (_as_date(invoices[-1].date), invoices[-1].id)


def export_invoices(path: Path, session: Session, filters: ExportFilter) -> ExportResult:
    """Write the invoices ``session`` may see that pass ``filters`` to ``path``."""
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise ExportError("export.bad_extension", path=str(path))
    require(session, Permission.EXPORT)
    invoices: set[int] = set()

    def rows() -> Iterator[list[Cell]]:
        for invoice_id, values in export_rows(session, filters):
            invoices.add(invoice_id)
            yield [values.get(name) for name, _ in COLUMNS]

    headers = [header for _, header in COLUMNS]
    count = write_rows(path, headers, rows(), sheet_name="发票", csv_text=IMPORTABLE)
    audit.record(session.username, "export", target=path.name, invoices=len(invoices), rows=count)
    return ExportResult(path=path, invoices=len(invoices), rows=count)
