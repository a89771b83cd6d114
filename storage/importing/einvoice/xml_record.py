"""The bureau's 数电 XML (``EInvoice``) as a source: read by ``storage.importing.einvoice_xml``,
whether it arrives alone, in a bundle or attached inside an OFD."""

from __future__ import annotations

from storage.importing.einvoice.found import Found, Rank
from storage.importing.einvoice_xml import parse_einvoice
from storage.importing.report import FileRefused, RowError
from storage.store.records import InvoiceRecord

_FIELDS = ("number", "code", "date", "amount", "tax", "total", "type", "rate", "check_code",
           "buyer_name", "buyer_tax_id", "seller_name", "seller_tax_id", "remark")  # fmt: skip


def einvoice_found(data: bytes, origin: str, rank: Rank = Rank.XML, *,
                   file_index: int = 0) -> Found:  # fmt: skip
    """``RowError`` for XML that is unsafe, broken, not an ``EInvoice`` or has a bad field."""
    try:
        parsed = parse_einvoice(data, direction="")
    except FileRefused as exc:
        raise RowError(exc.problem.key, **exc.problem.fields) from None
    if parsed.problems:
        problem = parsed.problems[0].problem
        raise RowError(problem.key, **problem.fields)
    return record_found(parsed.records[0], origin, rank, file_index=file_index)


def record_found(record: InvoiceRecord, origin: str, rank: Rank, *, file_index: int = 0) -> Found:
    values = {name: getattr(record, name) for name in _FIELDS}
    values = {k: v for k, v in values.items() if v != ""}
    values.setdefault("code", "")
    return Found(origin=origin, rank=rank, values=values, file_index=file_index,
                 lines=record.lines)  # fmt: skip
