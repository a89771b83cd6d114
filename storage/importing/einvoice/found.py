"""What one source (a file, a part of a file) says about one invoice, checked value by value.

Sources rank by how much they can be trusted (SPEC, issue 13): the bureau's XML, then an OFD's
attached invoice XML or XBRL, the OFD's ``CustomData``, a PDF's Info dictionary, a PDF's text
layer, a QR string. Values are cleaned here (tax ``***`` is 0, a check code loses its blanks,
a date becomes a date) so two sources compare by meaning, not by spelling.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import IntEnum

from storage.importing import fields as f
from storage.importing.report import RowError
from storage.store.records import LineRecord

_BLANKS = re.compile(r"\s+")
_STARS = re.compile(r"\*+")
NO_TAX_WORDS = frozenset({"免税", "不征税"})  # written where the tax amount would be
_ZERO = Decimal("0.00")


class Rank(IntEnum):
    QR = 1
    PDF_TEXT = 2
    PDF_INFO = 3
    OFD_CUSTOM_DATA = 4
    OFD_ATTACHMENT = 5
    XML = 6


# The message key naming each kind of source in reports.
RANK_NAMES = {
    Rank.QR: "import.einvoice.source.qr",
    Rank.PDF_TEXT: "import.einvoice.source.pdf_text",
    Rank.PDF_INFO: "import.einvoice.source.pdf_info",
    Rank.OFD_CUSTOM_DATA: "import.einvoice.source.ofd_custom_data",
    Rank.OFD_ATTACHMENT: "import.einvoice.source.ofd_attachment",
    Rank.XML: "import.einvoice.source.xml",
}


@dataclass(frozen=True)
class Found:
    """One source's values for one invoice: only the fields it gave, each already checked."""

    origin: str  # the file, or ``bundle.zip/folder/member``, as the user named it
    rank: Rank
    values: dict[str, object]
    file_index: int = 0  # which of the files given to the import it came from
    lines: tuple[LineRecord, ...] = field(default=())
    # What else the same file can tell at a cost (a PDF's text layer, ~20 ms): asked only
    # when no source of the invoice gave its names.
    more: Callable[[], dict[str, object]] | None = field(default=None, compare=False)

    @property
    def identity(self) -> tuple[str, str]:
        return (str(self.values["number"]), str(self.values.get("code", "")))


def parse_tax(text: str) -> Decimal:
    """A tax amount as printed: ``***``, ``*``, 免税 and 不征税 all mean none."""
    cleaned = text.strip()
    if _STARS.fullmatch(cleaned) or cleaned in NO_TAX_WORDS:
        return _ZERO
    return f.parse_money(cleaned, "import.column.tax")


def _compact(text: str) -> str:
    return _BLANKS.sub("", text)


def found(origin: str, rank: Rank, raw: dict[str, str], *, file_index: int = 0,
          lines: tuple[LineRecord, ...] = ()) -> Found:  # fmt: skip
    """The checked values of ``raw`` (field → text as found; blanks mean absent); ``RowError``
    names the first value that is wrong."""
    raw = {k: v.strip() for k, v in raw.items() if v and v.strip()}
    values: dict[str, object] = {}
    number = f.check_number(_compact(raw.get("number", "")))
    values["number"] = number
    code = _compact(raw.get("code", ""))
    if len(number) == 20:
        code = ""  # a 数电 number stands alone; a vendor's stray code field does not count
    elif code:
        code = f.check_code(code, number)
    values["code"] = code
    if "date" in raw:
        values["date"] = f.parse_date(raw["date"])
    for name in ("amount", "total"):
        if name in raw:
            values[name] = f.parse_money(raw[name], f"import.column.{name}")
    if "tax" in raw:
        values["tax"] = parse_tax(raw["tax"])
        if raw["tax"] in NO_TAX_WORDS and "rate" not in raw:
            raw["rate"] = raw["tax"]
    if "check_code" in raw:
        values["check_code"] = f.check_check_code(_compact(raw["check_code"]))
    for name, limit in (("buyer_name", 200), ("seller_name", 200), ("remark", 2000)):
        if name in raw:
            values[name] = f.limited(raw[name], limit, f"import.column.{name}")
    for name in ("buyer_tax_id", "seller_tax_id"):
        if name in raw:
            tax_id = _compact(raw[name]).upper()
            values[name] = f.limited(tax_id, 20, f"import.column.{name}")
    if "rate" in raw:
        rate = raw["rate"]
        values["rate"] = "" if _STARS.fullmatch(rate) else f.parse_rate(rate)
    if "type" in raw:
        values["type"] = raw["type"]
    values = {k: v for k, v in values.items() if v != ""}
    values.setdefault("code", "")
    return Found(origin=origin, rank=rank, values=values, file_index=file_index, lines=lines)


def line(item: str, amount: str, rate: str, tax: str, *, spec: str = "", unit: str = "",
         quantity: str = "", unit_price: str = "") -> LineRecord:  # fmt: skip
    """One invoice line from the texts a file gives; ``RowError`` for a bad amount."""
    if not amount.strip():
        raise RowError("import.row.money_missing", column="@import.column.line_amount")
    rate_text = rate.strip()
    return LineRecord(
        item=f.limited(item.strip(), 200, "import.column.item"),
        amount=f.parse_money(amount.strip(), "import.column.line_amount"),
        rate="" if _STARS.fullmatch(rate_text) else f.parse_rate(rate_text),
        tax=parse_tax(tax) if tax.strip() else _ZERO,
        spec=f.limited(spec.strip(), 100, "import.column.spec"),
        unit=f.limited(unit.strip(), 20, "import.column.unit"),
        quantity=f.limited(quantity.strip(), 40, "import.column.quantity"),
        unit_price=f.limited(unit_price.strip(), 40, "import.column.unit_price"),
    )
