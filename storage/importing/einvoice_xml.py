"""数电 e-invoice XML (root ``EInvoice``) → one invoice record.

Parsed with defusedxml and no DTD at all: a DTD is what entity bombs and external entities
need, and real invoices carry none. Elements are found by local name anywhere under the root,
so namespaced or slightly re-nested files read the same.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from storage.importing import fields as f
from storage.importing.report import FileRefused, RowError, RowProblem
from storage.importing.table import ParsedFile
from storage.store.models import InvoiceStatus
from storage.store.records import InvoiceRecord, LineRecord

MAX_XML_BYTES = 10 * 1024 * 1024  # one invoice is a few KB; a bundle of lines, still < 1 MB
_ZERO = Decimal("0.00")


def _local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def _find(root: ET.Element, *names: str) -> str:
    wanted = set(names)
    for element in root.iter():
        if _local(element.tag) in wanted and element.text and element.text.strip():
            return element.text.strip()
    return ""


def _section(root: ET.Element, name: str) -> ET.Element | None:
    return next((e for e in root.iter() if _local(e.tag) == name), None)


def parse_root(data: bytes) -> ET.Element:
    if len(data) > MAX_XML_BYTES:
        raise FileRefused("import.file.too_big", size=len(data) // (1024 * 1024),
                          limit=MAX_XML_BYTES // (1024 * 1024))  # fmt: skip
    try:
        root = DET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FileRefused("import.file.unsafe_xml") from None
    except ET.ParseError as exc:
        raise FileRefused("import.file.bad_xml", detail=str(exc)[:80]) from None
    if _local(root.tag) != "EInvoice":
        raise FileRefused("import.file.not_einvoice", root=_local(root.tag)[:40])
    return root


def parse_einvoice(data: bytes, *, direction: str) -> ParsedFile:
    root = parse_root(data)
    out = ParsedFile()
    try:
        record = _record(root, direction)
    except RowError as exc:
        out.problems.append(RowProblem(1, exc.problem))
        return out
    out.records.append(record)
    out.rows_of[record.identity] = [1]
    return out


def _record(root: ET.Element, direction: str) -> InvoiceRecord:
    number = f.check_number(_find(root, "InvoiceNumber", "EIid"))
    date_text = _find(root, "IssueTime", "RequestTime")
    if not date_text:
        raise RowError("import.row.xml_field", field="IssueTime")
    date = f.parse_date(date_text)
    amount = f.parse_money(_find(root, "TotalAmWithoutTax"), "import.column.amount")
    tax = f.parse_money(_find(root, "TotalTaxAm"), "import.column.tax")
    total_text = _find(root, "TotalTax-includedAmount")
    total = f.parse_money(total_text, "import.column.total") if total_text else amount + tax
    if amount + tax != total:
        raise RowError("import.row.sum", amount=amount, tax=tax, total=total)
    kind = _label(root, "GeneralOrSpecialVAT") or _label(root, "EInvoiceType") or ("", "")
    type_code = "31" if kind[0] == "01" or "专用" in kind[1] else "32"
    lines = tuple(_lines(root))
    rates = {line.rate for line in lines}
    return InvoiceRecord(
        number=number, code="", date=date, amount=amount, tax=tax, total=total, type=type_code,
        rate=rates.pop() if len(rates) == 1 else "",
        buyer_name=f.limited(_find(root, "BuyerName"), 200, "import.column.buyer_name"),
        buyer_tax_id=f.limited(_find(root, "BuyerIdNum"), 20, "import.column.buyer_tax_id"),
        seller_name=f.limited(_find(root, "SellerName"), 200, "import.column.seller_name"),
        seller_tax_id=f.limited(_find(root, "SellerIdNum"), 20, "import.column.seller_tax_id"),
        status=InvoiceStatus.RED.value if total < 0 else InvoiceStatus.NORMAL.value,
        direction=direction,
        remark=f.limited(_find(root, "Remark"), 2000, "import.column.remark"),
        lines=lines,
    )  # fmt: skip


def _label(root: ET.Element, name: str) -> tuple[str, str] | None:
    """(LabelCode, LabelName) of a labelled element: 01 专用发票 / 02 普通发票."""
    section = _section(root, name)
    if section is None:
        return None
    return (_find(section, "LabelCode"), _find(section, "LabelName"))


def _lines(root: ET.Element) -> list[LineRecord]:
    lines = []
    for item in (e for e in root.iter() if _local(e.tag) == "IssuItemInformation"):
        amount_text = _find(item, "Amount")
        if not amount_text:
            continue  # some bureaus send a stub with the rate only
        lines.append(LineRecord(
            item=f.limited(_find(item, "ItemName"), 200, "import.column.item"),
            spec=f.limited(_find(item, "SpecMod"), 100, "import.column.spec"),
            unit=f.limited(_find(item, "MeaUnits"), 20, "import.column.unit"),
            quantity=f.limited(_find(item, "Quantity"), 40, "import.column.quantity"),
            unit_price=f.limited(_find(item, "UnPrice"), 40, "import.column.unit_price"),
            amount=f.parse_money(amount_text, "import.column.line_amount"),
            rate=f.parse_rate(_find(item, "TaxRate")),
            tax=f.parse_money(_find(item, "ComTaxAm") or "0", "import.column.line_tax"),
        ))  # fmt: skip
    return lines
