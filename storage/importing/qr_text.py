"""Text files of invoice QR strings, one per line (what a scanner gun typed into Notepad).

A QR carries one amount and no tax split: classic QRs give 不含税金额, 数电 QRs 价税合计.
Each line is imported with what it carries — the known amount in its own field, tax 0 and the
other amount equal to it — and the remark ``由二维码导入，税额待补`` (tax to be completed), so
nobody mistakes the figures for a full record. A later full record of the same invoice (sync,
export file) differs in tax and is reported as a conflict rather than silently mixed in.
Blank lines are skipped; any other line that is not a QR string is a rejected row.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from storage.importing.fields import parse_date
from storage.importing.report import Problem, RowError, RowProblem
from storage.importing.seen_invoices import SeenInvoices
from storage.importing.table import BATCH_ROWS, ParsedFile, merged
from storage.rules.qr import QrError, looks_like_qr, parse_qr
from storage.store.models import Source
from storage.store.records import InvoiceRecord

_ZERO = Decimal("0.00")
QR_REMARK = "由二维码导入，税额待补"  # stored data, in the clerks' language


def is_qr_text(text: str) -> bool:
    """The first non-blank line is a QR string."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return looks_like_qr(first)


def parse_qr_lines(text: str, *, direction: str) -> ParsedFile:
    return merged(qr_batches(text.splitlines(), direction=direction))


def qr_batches(lines: Iterable[str], *, direction: str,
               batch: int = BATCH_ROWS) -> Iterator[ParsedFile]:  # fmt: skip
    """The QR lines' records and rejected rows, about ``batch`` at a time."""
    out = ParsedFile()
    seen = SeenInvoices()
    for row_no, line in enumerate(lines, start=1):
        if len(out.records) + len(out.problems) >= batch:
            yield out
            out = ParsedFile()
        if not line.strip():
            continue
        try:
            qr = parse_qr(line.strip())
            parse_date(qr.date)  # not in the future
        except QrError as exc:
            out.problems.append(
                RowProblem(row_no, Problem("import.row.qr", {"detail": exc.message}))
            )
            continue
        except RowError as exc:
            out.problems.append(RowProblem(row_no, exc.problem))
            continue
        record = InvoiceRecord(
            number=qr.number, code=qr.code, date=qr.date, amount=qr.amount, tax=_ZERO,
            total=qr.amount, type=qr.type, check_code=qr.check_code, direction=direction,
            source=Source.SCAN.value, remark=QR_REMARK,
        )  # fmt: skip
        earlier = seen.first(record.identity, row_no, hash(record))
        if earlier is None:
            out.records.append(record)
            out.rows_of[record.identity] = [row_no]
        elif earlier[1]:
            if record.identity in out.rows_of:  # the same code scanned twice
                out.rows_of[record.identity].append(row_no)
        else:
            out.problems.append(
                RowProblem(row_no, Problem("import.row.duplicate_differs", {"row": earlier[0]}))
            )
    yield out
