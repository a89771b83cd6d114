"""Table rows (CSV or XLSX) → invoice records, each with the rows it came from.

The header is looked for in the first rows (the 电子税务局 export may put a title above it).
Without line columns, each row is one invoice. With line columns (项目名称 …) each row is one
line, and rows sharing an identity (code, number) are one invoice: its amounts are the sum of
the rows — unless the file also has 明细金额 (the app's own export), whose 金额/税额/价税合计
are the invoice's and repeat on every row. A bad row drops its whole invoice (a partial invoice
would carry wrong amounts), and every row of it is reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import partial
from itertools import islice
from operator import itemgetter
from typing import NamedTuple

from storage.importing import fields as f
from storage.importing.columns import map_header, missing_required
from storage.importing.report import FileRefused, Problem, RowError, RowProblem
from storage.importing.seen_invoices import SeenInvoices
from storage.messages import Listing
from storage.rules.invoice_types import TYPES, infer_type_from_code
from storage.store.models import InvoiceStatus
from storage.store.records import InvoiceRecord, LineRecord

HEADER_SCAN_ROWS = 10
BATCH_ROWS = 2000  # records handed on at a time (storage.store.invoice_store.BATCH)
_ZERO = Decimal("0.00")
_NORMAL = InvoiceStatus.NORMAL.value
_RED = InvoiceStatus.RED.value


@dataclass
class ParsedFile:
    """Good records with their source rows, and the rejected rows."""

    records: list[InvoiceRecord] = field(default_factory=list)
    rows_of: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)


Row = tuple[int, Sequence[object]]


class _Cells(NamedTuple):
    """The mapped cells of one row by field; None for a field the file has no column for."""

    code: object
    number: object
    digital_number: object
    date: object
    amount: object
    tax: object
    total: object
    rate: object
    type: object
    status: object
    remark: object
    check_code: object
    red_of: object
    direction: object
    buyer_name: object
    buyer_tax_id: object
    seller_name: object
    seller_tax_id: object
    item: object
    spec: object
    unit: object
    quantity: object
    unit_price: object
    line_amount: object
    line_rate: object
    line_tax: object


_FIELDS = _Cells._fields
_new_cells = partial(tuple.__new__, _Cells)  # what ``_Cells._make`` does, minus a call


class _RowData(NamedTuple):
    record: InvoiceRecord  # with its own amounts (a line's, in a per-line file)
    line: LineRecord | None


class _RowReader:
    """Reads the mapped cells of one row. Hot for big files: one C-level pick per row, and
    fields by position (a tuple), not by a dict built per row."""

    def __init__(self, mapping: dict[str, int], direction: str) -> None:
        self.direction = direction
        self.width = max(mapping.values()) + 1
        # Unmapped fields read the padding cell just past the last mapped column (None).
        self.pick = itemgetter(*(mapping.get(name, self.width) for name in _FIELDS))
        self.padding = (None,) * (self.width + 1)
        self.has_total = "total" in mapping
        self.per_line = "item" in mapping or "line_amount" in mapping
        self.own_lines = "line_amount" in mapping  # invoice amounts given apart from the lines
        self.today = dt.date.today()

    def values(self, cells: Sequence[object]) -> _Cells:
        if len(cells) > self.width:
            cells = cells[: self.width]
        return _new_cells(self.pick((*cells, *self.padding[len(cells) :])))

    def identity(self, v: _Cells) -> tuple[str, str]:
        digital = f.identity_text(v.digital_number)
        if digital:
            return (f.check_number(digital), "")
        number = f.check_number(f.identity_text(v.number))
        return (number, f.check_code(f.identity_text(v.code), number))

    def read(self, v: _Cells, identity: tuple[str, str]) -> _RowData:
        number, code = identity
        date = f.parse_date(v.date, today=self.today)
        amount = f.parse_money(v.amount, "import.column.amount")
        tax = f.parse_money(v.tax, "import.column.tax")
        total_cell = v.total
        total = (f.parse_money(total_cell, "import.column.total")
                 if self.has_total and _text(total_cell) else amount + tax)  # fmt: skip
        if amount + tax != total:
            raise RowError("import.row.sum", amount=amount, tax=tax, total=total)
        type_code = f.parse_type(v.type)
        if type_code is None:
            type_code = _infer_type(code, number)
        elif TYPES[type_code].digital and len(number) != 20:
            raise RowError("import.row.type_number", value=_text(v.type))
        status = f.parse_status(v.status)
        if total < 0 and status == _NORMAL:
            status = _RED  # a negative (red-letter) invoice
        rate = f.parse_rate(v.rate)
        line = self._line(v, amount, tax, rate) if self.per_line else None
        record = InvoiceRecord(
            number=number, code=code, date=date, amount=amount, tax=tax, total=total,
            type=type_code, rate=rate, status=status,
            check_code=f.check_check_code(f.identity_text(v.check_code)),
            buyer_name=_limited(v.buyer_name, "buyer_name", 200),
            buyer_tax_id=_limited(v.buyer_tax_id, "buyer_tax_id", 20).upper(),
            seller_name=_limited(v.seller_name, "seller_name", 200),
            seller_tax_id=_limited(v.seller_tax_id, "seller_tax_id", 20).upper(),
            red_of=f.limited(f.identity_text(v.red_of), 20, "import.column.red_of"),
            direction=f.parse_direction(v.direction, self.direction),
            remark=_limited(v.remark, "remark", 2000),
        )  # fmt: skip
        return _RowData(record, line)

    def _line(self, v: _Cells, amount: Decimal, tax: Decimal, rate: str) -> LineRecord | None:
        if self.own_lines:
            if not _text(v.line_amount):
                return None  # an invoice without lines
            amount = f.parse_money(v.line_amount, "import.column.line_amount")
            tax = f.parse_money(v.line_tax, "import.column.line_tax")
            rate = f.parse_rate(v.line_rate)
        return LineRecord(
            item=_limited(v.item, "item", 200), amount=amount, rate=rate, tax=tax,
            spec=_limited(v.spec, "spec", 100), unit=_limited(v.unit, "unit", 20),
            quantity=_limited(v.quantity, "quantity", 40),
            unit_price=_limited(v.unit_price, "unit_price", 40),
        )  # fmt: skip


def _text(value: object) -> str:
    if value is None:
        return ""
    if value.__class__ is str:
        text = value.strip()
        if text[:1] != "'":
            return str(text)
    return f.cell_text(value)


def _limited(value: object, name: str, limit: int) -> str:
    text = _text(value)
    if len(text) > limit:
        raise RowError("import.row.too_long", column=f"@import.column.{name}", limit=limit)
    return text


def _infer_type(code: str, number: str) -> str:
    if code:
        return infer_type_from_code(code) or ""
    return "32" if len(number) == 20 else ""


def find_header(rows: Iterable[Row]) -> tuple[dict[str, int], Iterable[Row]]:
    """The column mapping and the rows after the header; ``FileRefused`` when there is none."""
    it = iter(rows)
    seen = list(islice(it, HEADER_SCAN_ROWS))
    if not seen:
        raise FileRefused("import.file.no_rows")
    for position, (_, cells) in enumerate(seen):
        mapping = map_header(list(cells))
        if len(mapping) >= 3 and ("number" in mapping or "digital_number" in mapping):
            missing = missing_required(mapping)
            if missing:
                raise FileRefused("import.file.missing_columns", columns=Listing(missing))
            return mapping, _chain(seen[position + 1 :], it)
    raise FileRefused("import.file.no_header", rows=HEADER_SCAN_ROWS)


def _chain(first: list[Row], rest: Iterable[Row]) -> Iterable[Row]:
    yield from first
    yield from rest


def parse_table(rows: Iterable[Row], *, direction: str) -> ParsedFile:
    """Every record and rejected row at once (small files; imports use ``table_batches``)."""
    return merged(table_batches(rows, direction=direction))


def merged(batches: Iterable[ParsedFile]) -> ParsedFile:
    out = ParsedFile()
    for batch in batches:
        out.records.extend(batch.records)
        out.rows_of.update(batch.rows_of)
        out.problems.extend(batch.problems)
    out.problems.sort(key=lambda p: p.row)
    return out


def table_batches(rows: Iterable[Row], *, direction: str,
                  batch: int = BATCH_ROWS) -> Iterator[ParsedFile]:  # fmt: skip
    """The file's records and rejected rows, about ``batch`` rows at a time, read as they
    come: memory stays flat however long the file."""
    mapping, body = find_header(rows)
    reader = _RowReader(mapping, direction)
    if reader.per_line:
        return _per_line(reader, body, batch)
    return _per_invoice(reader, body, batch)


def _blank(cells: Sequence[object]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _per_invoice(reader: _RowReader, body: Iterable[Row], batch: int) -> Iterator[ParsedFile]:
    out = ParsedFile()
    seen = SeenInvoices()
    for row_no, cells in body:
        if len(out.records) + len(out.problems) >= batch:
            yield out
            out = ParsedFile()
        v = reader.values(cells)
        try:
            identity = reader.identity(v)
            record = reader.read(v, identity).record
        except RowError as exc:
            if not _blank(cells):
                out.problems.append(RowProblem(row_no, exc.problem))
            continue
        earlier = seen.first(identity, row_no, hash(record))
        if earlier is None:
            out.records.append(record)
            out.rows_of[identity] = [row_no]
        elif earlier[1]:
            if identity in out.rows_of:  # the same invoice listed twice: harmless
                out.rows_of[identity].append(row_no)
        else:
            out.problems.append(
                RowProblem(row_no, Problem("import.row.duplicate_differs", {"row": earlier[0]}))
            )
    yield out


def _per_line(reader: _RowReader, body: Iterable[Row], batch: int) -> Iterator[ParsedFile]:
    """Rows of one invoice are consecutive (as every export writes them): an invoice is
    complete when the next identity starts. Its rows coming back later are refused, since the
    invoice is saved by then."""
    out = ParsedFile()
    seen = SeenInvoices()
    group: list[tuple[int, _RowData]] = []
    current: tuple[str, str] | None = None
    bad = 0  # the first bad row of the current invoice

    def finish() -> None:
        if current is None:
            return
        rows = [row_no for row_no, _ in group]
        if not rows:
            return  # only bad rows, each reported already
        earlier = seen.first(current, rows[0], 0)
        if earlier is not None:
            out.problems.extend(
                RowProblem(row_no, Problem("import.row.lines_apart", {"row": earlier[0]}))
                for row_no in rows
            )
        elif bad:
            out.problems.extend(
                RowProblem(row_no, Problem("import.row.group_bad", {"row": bad})) for row_no in rows
            )
        else:
            out.records.append(_merge(group, reader.own_lines))
            out.rows_of[current] = rows

    for row_no, cells in body:
        if _blank(cells):
            continue
        identity: tuple[str, str] | None = None
        v = reader.values(cells)
        try:
            identity = reader.identity(v)
            data = reader.read(v, identity)
        except RowError as exc:
            out.problems.append(RowProblem(row_no, exc.problem))
            if identity is not None:
                if identity != current:
                    finish()
                    current, group, bad = identity, [], row_no
                bad = bad or row_no
            continue
        if identity != current:
            finish()
            if len(out.records) + len(out.problems) >= batch:
                yield out
                out = ParsedFile()
            current, group, bad = identity, [], 0
        if group and not _same_invoice(group[0][1], data, reader.own_lines):
            out.problems.append(
                RowProblem(row_no, Problem("import.row.duplicate_differs", {"row": group[0][0]}))
            )
            bad = bad or row_no
            continue
        group.append((row_no, data))
    finish()
    out.problems.sort(key=lambda p: p.row)
    yield out


_HEADER_FIELDS = ("date", "type", "status", "check_code", "buyer_name", "buyer_tax_id",
                  "seller_name", "seller_tax_id", "red_of", "direction", "remark")  # fmt: skip


def _same_invoice(first: _RowData, other: _RowData, own_lines: bool) -> bool:
    a, b = first.record, other.record
    if any(getattr(a, name) != getattr(b, name) for name in _HEADER_FIELDS):
        return False
    return not own_lines or (a.amount, a.tax, a.total) == (b.amount, b.tax, b.total)


def _merge(group: list[tuple[int, _RowData]], own_lines: bool) -> InvoiceRecord:
    head = group[0][1].record
    lines = tuple(d.line for _, d in group if d.line is not None)
    if own_lines:
        return replace(head, lines=lines)
    amount = sum((d.record.amount for _, d in group), _ZERO)
    tax = sum((d.record.tax for _, d in group), _ZERO)
    rates = {d.record.rate for _, d in group}
    return replace(head, amount=amount, tax=tax, total=amount + tax, lines=lines,
                   rate=rates.pop() if len(rates) == 1 else "")  # fmt: skip
