"""``export_invoices``: invoices to XLSX or CSV, in the columns the importer reads back.

One row per invoice line (an invoice without lines is one row); the invoice's columns repeat
on each of its rows. CSV is UTF-8 with BOM (Excel opens it right) and money as exact
two-decimal text; XLSX (openpyxl write-only) has money as numbers shown 0.00, and codes and
numbers as text so leading zeros survive. The file is written beside the target and renamed
into place: a failed export never leaves half a file under the asked name.

A text cell that starts like a formula (= + - @) is made inert: a leading ``'`` in CSV (the
importer drops it again), an explicit string cell in XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import peewee
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from storage.accounts.permissions import Permission, require
from storage.accounts.users import Session
from storage.audit import chain as audit
from storage.importing.columns import EXPORT_COLUMNS
from storage.importing.fields import DIRECTION_NAMES, STATUS_NAMES
from storage.rules.invoice_types import TYPES
from storage.rules.money import format_money
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
_MONEY_COLUMNS = frozenset({"amount", "tax", "total", "line_amount", "line_tax"})
_TEXT_COLUMNS = frozenset({"code", "number", "check_code", "buyer_tax_id", "seller_tax_id",
                           "red_of", "quantity", "unit_price", "rate", "line_rate"})  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@")
_BATCH = 1000


class ExportError(ValueError):
    """A bad request (extension, other branch); ``key`` is its message."""

    def __init__(self, key: str, **fields: object) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields


class OtherBranchRefused(ExportError):
    """The session may not see the branch asked for."""


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


def _invoice_values(inv: Invoice) -> dict[str, object]:
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


def _line_values(line: InvoiceLine) -> dict[str, object]:
    return {
        "item": line.item, "spec": line.spec, "unit": line.unit, "quantity": line.quantity,
        "unit_price": line.unit_price, "line_amount": line.amount, "line_rate": line.rate,
        "line_tax": line.tax,
    }  # fmt: skip


def export_rows(session: Session, filters: ExportFilter) -> Iterator[tuple[int, dict[str, object]]]:
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


def _csv_cell(name: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if name not in _MONEY_COLUMNS and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _write_csv(handle_path: str, rows: Iterator[tuple[int, dict[str, object]]]) -> tuple[int, int]:
    invoices: set[int] = set()
    count = 0
    with open(handle_path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([header for _, header in COLUMNS])
        for invoice_id, values in rows:
            writer.writerow([_csv_cell(name, values.get(name)) for name, _ in COLUMNS])
            invoices.add(invoice_id)
            count += 1
    return len(invoices), count


def _write_xlsx(handle_path: str, rows: Iterator[tuple[int, dict[str, object]]]) -> tuple[int, int]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("发票")
    sheet.append([header for _, header in COLUMNS])
    invoices: set[int] = set()
    count = 0
    for invoice_id, values in rows:
        cells = []
        for name, _ in COLUMNS:
            value = values.get(name)
            cell = WriteOnlyCell(sheet, value=None)
            if isinstance(value, Decimal):
                cell.value = value
                cell.number_format = "0.00"
            elif isinstance(value, dt.date):
                cell.value = value
                is_time = isinstance(value, dt.datetime)
                cell.number_format = "yyyy-mm-dd hh:mm" if is_time else "yyyy-mm-dd"
            elif value not in (None, ""):
                cell.value = str(value)
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cells.append(cell)
        sheet.append(cells)
        invoices.add(invoice_id)
        count += 1
    book.save(handle_path)
    return len(invoices), count


def export_invoices(path: Path, session: Session, filters: ExportFilter) -> ExportResult:
    """Write the invoices ``session`` may see that pass ``filters`` to ``path``."""
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise ExportError("export.bad_extension", path=str(path))
    require(session, Permission.EXPORT)
    rows = export_rows(session, filters)
    directory = path.resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    os.close(fd)
    try:
        writer = _write_csv if ext == ".csv" else _write_xlsx
        invoices, count = writer(tmp, rows)
        # mkstemp's 0600 stays: buyer names and tax ids are not for every local user.
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    audit.record(session.username, "export", target=path.name, invoices=invoices, rows=count)
    return ExportResult(path=path, invoices=invoices, rows=count)
