"""PDF e-invoices → what the file says, read with pypdf (BSD).

数电 PDFs from the national platform carry the fields in the document Info dictionary
(``/InvoiceNumber /IssueTime /TotalAmWithoutTax /TotalTaxAm /TotalTax-includedAmount
/BuyerIdNum /SellerIdNum``; amounts may lack decimals, ``0.8``): the ``PDF_INFO`` source, read
without touching the pages. A re-saved 数电 PDF has lost them and a classic PDF never had
them: only the text layer is left, in whatever order the producer drew it.

The text is laid out again by position (pypdf's layout mode), which undoes any drawing
order, and then trusted only where a value sits right after its printed label (发票号码：…,
开票日期：…, 合计 ¥… ¥…, （小写）¥…). Names and tax ids share one label for buyer and seller:
they are taken only when the label appears exactly twice, the buyer's first (left of the
seller's on a 数电 invoice, above it on a classic one); otherwise they are left to a better
source. A PDF that yields no number, date or amounts this way is refused with the reason,
never guessed at.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from storage.importing.einvoice.found import Found, Rank, found
from storage.importing.report import RowError
from storage.rules.invoice_types import TYPE_NAMES

if TYPE_CHECKING:
    from pypdf import PdfReader

T = TypeVar("T")
MAX_TEXT_PAGES = 2  # an invoice is one page; its list of lines may run onto a second
INFO_KEYS = {
    "/InvoiceNumber": "number", "/IssueTime": "date", "/TotalAmWithoutTax": "amount",
    "/TotalTaxAm": "tax", "/TotalTax-includedAmount": "total", "/BuyerIdNum": "buyer_tax_id",
    "/SellerIdNum": "seller_tax_id", "/BuyerName": "buyer_name", "/SellerName": "seller_name",
}  # fmt: skip
_MONEY = r"(-?[0-9][0-9,]*\.[0-9]{2})"
_TEXT = {
    "number": re.compile(r"发\s*票\s*号\s*码\s*[:：]?\s*([0-9]{20}|[0-9]{8})(?![0-9])"),
    "code": re.compile(r"发\s*票\s*代\s*码\s*[:：]?\s*([0-9]{12}|[0-9]{10})(?![0-9])"),
    "date": re.compile(
        r"开\s*票\s*日\s*期\s*[:：]?\s*([0-9]{4}\s*年\s*[0-9]{1,2}\s*月\s*[0-9]{1,2}\s*日"
        r"|[0-9]{4}-[0-9]{2}-[0-9]{2})"
    ),
    "check_code": re.compile(r"校\s*验\s*码\s*[:：]?\s*((?:[0-9]\s*){20})"),
    "total": re.compile(r"[（(]\s*小\s*写\s*[)）]\s*[¥￥]?\s*" + _MONEY),
}
_PAIRS = {
    ("buyer_name", "seller_name"): re.compile(r"名\s*称\s*[:：]\s*(\S+)"),
    ("buyer_tax_id", "seller_tax_id"): re.compile(
        r"纳\s*税\s*人\s*识\s*别\s*号\s*[:：]\s*([0-9A-Z]{15,20})(?![0-9A-Z])"
    ),
}
_SUMS = re.compile(
    r"合\s*计\s*[¥￥]\s*" + _MONEY + r"\s*[¥￥]?\s*" + r"(-?[0-9][0-9,]*\.[0-9]{2}|\*+)"
)
# The printed title, longest names first: 增值税电子普通发票 before 普通发票.
_TITLES = sorted(TYPE_NAMES.items(), key=lambda item: -len(item[0]))
_REQUIRED = ("number", "date")

logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings on odd files are not ours


def read_pdf(data: bytes, origin: str, *, file_index: int = 0,
             again: Callable[[], bytes] | None = None) -> list[Found]:  # fmt: skip
    """The Info source, else the text source; ``RowError`` when neither can be trusted.
    ``again``: the bytes once more, for reading the text later if needed (from the bundle,
    so a run of thousands of PDFs does not hold them all inflated meanwhile)."""
    reader, info = _pypdf(lambda: _open(data))
    if info.get("number"):
        source = found(origin, Rank.PDF_INFO, info, file_index=file_index)
        reread = again or (lambda: data)
        return [replace(source, more=lambda: _rest(reread, source))]
    return [text_found(_pypdf(lambda: _text(reader)), origin, file_index=file_index)]


def _pypdf(read: Callable[[], T]) -> T:
    """``read`` with pypdf's failures as one reason: a damaged PDF fails anywhere inside it,
    with any exception type (zlib, struct, recursion…), as openpyxl does on a damaged XLSX."""
    try:
        return read()
    except RowError:
        raise
    except Exception as exc:
        raise RowError("import.einvoice.bad_pdf", detail=type(exc).__name__) from None


def _open(data: bytes) -> tuple[PdfReader, dict[str, str]]:
    from pypdf import PdfReader  # ~80 ms of imports, with the first PDF read

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise RowError("import.einvoice.pdf_encrypted")
    return reader, _info(reader)


def _rest(again: Callable[[], bytes], info: Found) -> dict[str, object]:
    """What the text of a PDF adds to its Info dictionary (which has no names, and may lack
    a field): only fields Info does not state, so a PDF never contradicts itself; nothing
    when the text names another invoice or cannot be read."""
    try:
        text = text_found(_pypdf(lambda: _text(_open(again())[0])), info.origin)
    except RowError:
        return {}
    if text.identity[0] != info.identity[0]:
        return {}
    return {k: v for k, v in text.values.items() if k not in info.values}


def _info(reader: PdfReader) -> dict[str, str]:
    meta = reader.metadata
    if not meta:
        return {}
    out = {}
    for key, name in INFO_KEYS.items():
        value = meta.get(key)
        if value is not None and str(value).strip():
            out[name] = str(value).strip()
    return out


def _text(reader: PdfReader) -> str:
    parts = []
    for page in reader.pages[:MAX_TEXT_PAGES]:
        parts.append(page.extract_text(extraction_mode="layout") or "")
    return "\n".join(parts)


def text_found(text: str, origin: str, *, file_index: int = 0) -> Found:
    """The fields the text layer states beside their labels; ``RowError`` naming the first
    one it cannot find when the invoice cannot be told from it."""
    if not text.strip():
        raise RowError("import.einvoice.pdf_no_text")
    raw: dict[str, str] = {}
    for name, pattern in _TEXT.items():
        match = pattern.search(text)
        if match:
            raw[name] = match[1]
    for (buyer, seller), pattern in _PAIRS.items():
        values = pattern.findall(text)
        if len(values) == 2:
            raw[buyer], raw[seller] = values
    sums = _SUMS.search(text)
    if sums:
        raw["amount"], raw["tax"] = sums[1], sums[2]
    for name in _REQUIRED:
        if name not in raw:
            raise RowError("import.einvoice.pdf_unsure", field=f"@import.column.{name}")
    if "total" not in raw and "amount" not in raw:
        raise RowError("import.einvoice.pdf_unsure", field="@import.column.total")
    folded = re.sub(r"\s+", "", text)
    for name, code in _TITLES:
        if len(name) >= 4 and name in folded:
            raw["type"] = code
            break
    return found(origin, Rank.PDF_TEXT, raw, file_index=file_index)
