"""OFD e-invoices (GB/T 33190: a ZIP of XML) → what each part of the file says.

* Classic 电普/电专: the invoice as XML attached at ``Doc_0/Attachs/original_invoice.xml``
  (namespace ``…/e-invoice/2019``), with lines and the QR text (``GraphCode``). Some vendors
  attach XBRL instead, whose ``UniqueCodeOfInvoice`` is the 12-digit code and the 8-digit
  number run together. Either is an ``OFD_ATTACHMENT`` source.
* 数电: no attachment. ``OFD.xml``'s ``CustomData`` has number, date, amount, tax and both tax
  ids; the names and 价税合计 are text on the page, found through the objects
  ``Doc_0/Tags/CustomTag.xml`` points at. Both make the ``OFD_CUSTOM_DATA`` source.

Both kinds carry ``CustomData``: a file yields one source per part, and the merge checks they
agree. Only the few XML parts named here are read, each through the archive's caps; images,
fonts and signatures are never opened. A tag file that is not well-formed XML (one real
vendor writes ``<:eInvoice xmlns:="">``) is passed over, not fatal.
"""

from __future__ import annotations

import posixpath
import xml.etree.ElementTree as ET
from collections.abc import Iterable

from storage.importing.einvoice.archive import MB, Member, SafeZip
from storage.importing.einvoice.found import Found, Rank, found, line
from storage.importing.einvoice.xml_parts import all_text, local, named, parse_xml, text_of
from storage.importing.einvoice.xml_record import einvoice_found
from storage.importing.report import RowError
from storage.rules.invoice_types import infer_type_from_code, type_from_name
from storage.rules.qr import QrError, parse_qr
from storage.store.records import LineRecord

XML_PART_LIMIT = 4 * MB  # one part of an invoice OFD is a few KB; a page, tens of KB
MAX_PAGES = 3  # an invoice is one page; a long list of lines runs to a few more

CUSTOM_DATA = {
    "发票代码": "code", "发票号码": "number", "开票日期": "date", "合计金额": "amount",
    "金额": "amount", "合计税额": "tax", "税额": "tax", "价税合计": "total", "校验码": "check_code",
    "购买方纳税人识别号": "buyer_tax_id", "购买方识别号": "buyer_tax_id",
    "销售方纳税人识别号": "seller_tax_id", "销售方识别号": "seller_tax_id",
    "购买方名称": "buyer_name", "销售方名称": "seller_name",
}  # fmt: skip
# Elements of the classic attachment, the XBRL attachment and CustomTag.xml → our fields.
ELEMENTS = {
    "code": ("InvoiceCode",),
    "number": ("InvoiceNo", "InvoiceNumber"),
    "date": ("IssueDate", "DateOfIssue", "IssueTime"),
    "check_code": ("InvoiceCheckCode", "CheckCode"),
    "buyer_name": ("BuyerName", "NameOfPurchaser"),
    "buyer_tax_id": ("BuyerTaxID", "IdentificationNumberOfPurchaser"),
    "seller_name": ("SellerName", "NameOfSeller"),
    "seller_tax_id": ("SellerTaxID", "IdentificationNumberOfSeller"),
    "total": ("TaxInclusiveTotalAmount", "TotalAmountIncludingTax"),
    "amount": ("TaxExclusiveTotalAmount", "TotalAmountExcludingTax"),
    "tax": ("TaxTotalAmount", "TotalTaxAmount"),
    "remark": ("Note", "Remarks"),
}
_QR_TYPES = {"20": "08"}  # the QR's own type codes that differ from the verification type


def read_ofd(archive: SafeZip, origin: str, *, file_index: int = 0) -> list[Found]:
    """Every source in the OFD; ``RowError`` when none yields an invoice."""
    head = archive.find("OFD.xml")
    if head is None:
        raise RowError("import.einvoice.not_ofd")
    root = parse_xml(_read(archive, head))
    doc_root = text_of(root, "DocRoot") or "Doc_0/Document.xml"
    doc_dir = posixpath.dirname(doc_root.replace("\\", "/").lstrip("/"))
    sources: list[Found] = []
    problems: list[RowError] = []
    for member in _attachments(archive, doc_dir):
        try:
            source = attachment_found(_read(archive, member), origin, file_index=file_index)
        except RowError as exc:
            problems.append(exc)
            continue
        if source is not None:
            sources.append(source)
    try:
        custom = _custom_data(root, archive, doc_root, doc_dir, origin, file_index)
    except RowError as exc:
        problems.append(exc)
        custom = None
    if custom is not None:
        sources.append(custom)
    if not sources:
        raise problems[0] if problems else RowError("import.einvoice.ofd_no_fields")
    return sources


def _read(archive: SafeZip, member: Member) -> bytes:
    return archive.read(member, limit=XML_PART_LIMIT)


def _under(member: Member, folder: str) -> bool:
    name = member.name.replace("\\", "/").lstrip("/").lower()
    return name.startswith(folder.lower() + "/")


def _attachments(archive: SafeZip, doc_dir: str) -> list[Member]:
    folder = posixpath.join(doc_dir, "Attachs") if doc_dir else "Attachs"
    return [m for m in archive if _under(m, folder) and m.name.lower().endswith(".xml")
            and posixpath.basename(m.name.replace("\\", "/")).lower() != "attachments.xml"]  # fmt: skip


def attachment_found(data: bytes, origin: str, *, file_index: int = 0) -> Found | None:
    """The invoice in an attached XML (classic ``eInvoice``, XBRL, or a 数电 ``EInvoice``);
    None for an attachment that is no invoice. Also reads such XML received on its own."""
    root = parse_xml(data)
    if local(root.tag) == "EInvoice":  # a 数电 XML attached whole
        return einvoice_found(data, origin, Rank.OFD_ATTACHMENT, file_index=file_index)
    raw = {name: text_of(root, *tags) for name, tags in ELEMENTS.items()}
    unique = text_of(root, "UniqueCodeOfInvoice")
    if unique and len(unique) == 20 and not raw["number"]:
        raw["code"], raw["number"] = unique[:12], unique[12:]
    if not raw["number"]:
        return None  # some other attachment (a picture's metadata, a vendor note)
    raw["type"] = _type(raw.get("code", ""), text_of(root, "GraphCode"))
    return found(origin, Rank.OFD_ATTACHMENT, raw, file_index=file_index,
                 lines=tuple(_lines(named(root, "GoodsInfo"))))  # fmt: skip


def _type(code: str, qr_text: str) -> str:
    inferred = infer_type_from_code(code.strip()) if code else None
    if inferred:
        return inferred
    try:
        qr = parse_qr(qr_text) if qr_text else None
    except QrError:
        qr = None
    if qr is None:
        return ""
    return _QR_TYPES.get(qr.qr_type, qr.type)


def _lines(items: Iterable[ET.Element]) -> list[LineRecord]:
    out = []
    for item in items:
        amount = text_of(item, "Amount")
        if not amount:
            continue
        out.append(line(text_of(item, "Item"), amount, text_of(item, "TaxScheme"),
                        text_of(item, "TaxAmount"), spec=text_of(item, "Specification"),
                        unit=text_of(item, "MeasurementDimension"),
                        quantity=text_of(item, "Quantity"),
                        unit_price=text_of(item, "Price")))  # fmt: skip
    return out


def _custom_data(root: ET.Element, archive: SafeZip, doc_root: str, doc_dir: str, origin: str,
                 file_index: int) -> Found | None:  # fmt: skip
    raw: dict[str, str] = {}
    for element in named(root, "CustomData"):
        name = CUSTOM_DATA.get((element.get("Name") or "").strip())
        if name and name not in raw:
            raw[name] = all_text(element)
    page = _page_text(archive, doc_root, doc_dir)
    for name, value in page.items():
        raw.setdefault(name, value)
    if not raw.get("number"):
        return None
    return found(origin, Rank.OFD_CUSTOM_DATA, raw, file_index=file_index)


def _page_text(archive: SafeZip, doc_root: str, doc_dir: str) -> dict[str, str]:
    """Fields shown on the page that CustomTag.xml points at, and the type in the title."""
    document = archive.find(doc_root)
    if document is None:
        return {}
    try:
        doc = parse_xml(_read(archive, document))
    except RowError:
        return {}
    texts = _texts(archive, doc, doc_dir)
    out: dict[str, str] = {}
    for text in texts.values():
        code = type_from_name(text) if len(text) < 40 else None
        if code:
            out["type"] = code
            break
    refs = _tag_refs(archive, doc, doc_dir)
    for name, tags in ELEMENTS.items():
        ids = next((refs[tag] for tag in tags if tag in refs), [])
        value = "".join(texts.get(i, "") for i in ids).strip()
        if value:
            out[name] = value
    return out


def _texts(archive: SafeZip, doc: ET.Element, doc_dir: str) -> dict[str, str]:
    """TextObject id → its text, over the first pages."""
    out: dict[str, str] = {}
    for page in list(named(doc, "Page"))[:MAX_PAGES]:
        member = archive.find(posixpath.join(doc_dir, page.get("BaseLoc") or ""))
        if member is None:
            continue
        try:
            content = parse_xml(_read(archive, member))
        except RowError:
            continue
        for obj in named(content, "TextObject"):
            object_id = obj.get("ID")
            if object_id:
                out[object_id] = "".join(all_text(code) for code in named(obj, "TextCode"))
    return out


def _tag_refs(archive: SafeZip, doc: ET.Element, doc_dir: str) -> dict[str, list[str]]:
    """Tag name → the TextObject ids it points at, from the document's custom tags."""
    index_path = text_of(doc, "CustomTags") or "Tags/CustomTags.xml"
    index = archive.find(posixpath.join(doc_dir, index_path))
    if index is None:
        return {}
    try:
        tags_root = parse_xml(_read(archive, index))
    except RowError:
        return {}
    refs: dict[str, list[str]] = {}
    tag_dir = posixpath.dirname(posixpath.join(doc_dir, index_path))
    for loc in named(tags_root, "FileLoc"):
        member = archive.find(posixpath.join(tag_dir, (loc.text or "").strip()))
        if member is None:
            continue
        try:
            tag_root = parse_xml(_read(archive, member))
        except RowError:
            continue  # not well-formed: the attachment or CustomData still count
        for element in tag_root.iter():
            ids = [(r.text or "").strip() for r in element if local(r.tag) == "ObjectRef"]
            if ids:
                refs.setdefault(local(element.tag), ids)
    return refs
