"""Invoice files as people receive them — 数电 and classic OFD, 数电 PDF with and without its
Info dictionary — built from an ``InvoiceRecord``, for the demo, the tests and the benchmark.

They follow the layout of real files (``tests/fixtures/einvoice``): a 数电 OFD's fields in
``CustomData`` with names and 价税合计 as page text reached through ``CustomTag.xml``; a
classic OFD's ``original_invoice.xml`` attachment; a PDF whose text is drawn in shuffled
order, label and value as separate pieces, with a real ``ToUnicode`` map so a reader gets
the Chinese back. The Info dictionary is written with pypdf's writer.
"""

from __future__ import annotations

import io
import random
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter

from storage.rules.invoice_types import TYPES
from storage.store.records import InvoiceRecord

_OFD_NS = "http://www.ofdspec.org/2016"
_FP_NS = "http://www.edrm.org.cn/schema/e-invoice/2019"


def _date_zh(record: InvoiceRecord) -> str:
    d = record.date
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _title(record: InvoiceRecord) -> str:
    info = TYPES.get(record.type)
    return info.name_zh if info else "电子发票（普通发票）"


def ofd_bytes(record: InvoiceRecord, *, downloads: int = 1, tax_written: str = "") -> bytes:
    """An OFD of ``record``: classic (with the attachment) when it has a code, else 数电.
    ``tax_written``: the tax as printed when it is no number (``***``, 免税)."""
    tax = tax_written or _money(record.tax)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        custom = {
            "发票代码": record.code, "发票号码": record.number, "开票日期": _date_zh(record),
            "合计金额": _money(record.amount), "合计税额": tax,
            "校验码": " ".join(record.check_code[i : i + 5] for i in range(0, 20, 5))
            if record.check_code else "",
            "购买方纳税人识别号": record.buyer_tax_id, "销售方纳税人识别号": record.seller_tax_id,
        }  # fmt: skip
        datas = "".join(
            f'<ofd:CustomData Name="{name}">{escape(value)}</ofd:CustomData>'
            for name, value in custom.items()
            if value
        )
        archive.writestr(
            "OFD.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{_OFD_NS}" '
            f'DocType="OFD" Version="1.0"><ofd:DocBody><ofd:DocInfo><ofd:CustomDatas>{datas}'
            "</ofd:CustomDatas></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"
            "</ofd:DocBody></ofd:OFD>",
        )
        archive.writestr(
            "Doc_0/Document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{_OFD_NS}">'
            '<ofd:Pages><ofd:Page BaseLoc="Pages/Page_0/Content.xml" ID="1"/></ofd:Pages>'
            "<ofd:CustomTags>Tags/CustomTags.xml</ofd:CustomTags></ofd:Document>",
        )
        texts = {
            "39": f"下载次数：{downloads}", "40": _title(record), "45": record.number,
            "47": _date_zh(record), "61": record.buyer_name, "66": record.buyer_tax_id,
            "78": record.seller_name, "83": record.seller_tax_id,
            "85": f"¥{_money(record.amount)}", "86": tax if tax_written else f"¥{tax}",
            "92": f"¥{_money(record.total)}", "96": record.remark,
        }  # fmt: skip
        objects = "".join(
            f'<ofd:TextObject ID="{i}" Boundary="0 0 10 10" Font="1" Size="3">'
            f'<ofd:TextCode X="0" Y="0"><![CDATA[{text}]]></ofd:TextCode></ofd:TextObject>'
            for i, text in texts.items()
        )
        archive.writestr(
            "Doc_0/Pages/Page_0/Content.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{_OFD_NS}">'
            f'<ofd:Content><ofd:Layer ID="2">{objects}</ofd:Layer></ofd:Content></ofd:Page>',
        )
        archive.writestr(
            "Doc_0/Tags/CustomTags.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:CustomTags xmlns:ofd="{_OFD_NS}">'
            '<ofd:CustomTag TypeID="root"><ofd:FileLoc>CustomTag.xml</ofd:FileLoc>'
            "</ofd:CustomTag></ofd:CustomTags>",
        )
        tags = {
            "BuyerName": "61", "BuyerTaxID": "66", "SellerName": "78", "SellerTaxID": "83",
            "TaxInclusiveTotalAmount": "92", "TaxExclusiveTotalAmount": "85",
            "TaxTotalAmount": "86", "IssueDate": "47", "InvoiceNo": "45", "Note": "96",
        }  # fmt: skip
        refs = "".join(
            f'<ofd:{tag}><ofd:ObjectRef PageRef="1">{ref}</ofd:ObjectRef></ofd:{tag}>'
            for tag, ref in tags.items()
        )
        archive.writestr(
            "Doc_0/Tags/CustomTag.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:root xmlns:ofd="{_OFD_NS}">{refs}'
            "</ofd:root>",
        )
        if record.code:
            archive.writestr("Doc_0/Attachs/original_invoice.xml", _original_invoice(record))
    return buffer.getvalue()


def _original_invoice(record: InvoiceRecord) -> str:
    fields = {
        "InvoiceCode": record.code, "InvoiceNo": record.number, "IssueDate": _date_zh(record),
        "InvoiceCheckCode": record.check_code,
    }  # fmt: skip
    head = "".join(f"<fp:{k}>{escape(v)}</fp:{k}>" for k, v in fields.items())
    lines = "".join(
        f"<fp:GoodsInfo><fp:Item>{escape(line.item)}</fp:Item><fp:Amount>{_money(line.amount)}"
        f"</fp:Amount><fp:TaxScheme>{escape(line.rate)}</fp:TaxScheme><fp:TaxAmount>"
        f"{_money(line.tax)}</fp:TaxAmount></fp:GoodsInfo>"
        for line in record.lines
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><eInvoice xmlns:fp="{_FP_NS}" Version="1.0">'
        f"{head}<fp:Buyer><fp:BuyerName>{escape(record.buyer_name)}</fp:BuyerName>"
        f"<fp:BuyerTaxID>{record.buyer_tax_id}</fp:BuyerTaxID></fp:Buyer><fp:Seller>"
        f"<fp:SellerName>{escape(record.seller_name)}</fp:SellerName><fp:SellerTaxID>"
        f"{record.seller_tax_id}</fp:SellerTaxID></fp:Seller><fp:TaxInclusiveTotalAmount>"
        f"{_money(record.total)}</fp:TaxInclusiveTotalAmount><fp:Note>{escape(record.remark)}"
        f"</fp:Note><fp:TaxTotalAmount>{_money(record.tax)}</fp:TaxTotalAmount>"
        f"<fp:TaxExclusiveTotalAmount>{_money(record.amount)}</fp:TaxExclusiveTotalAmount>"
        f"<fp:GoodsInfos>{lines}</fp:GoodsInfos></eInvoice>"
    )


def pdf_bytes(record: InvoiceRecord, *, info: bool = True, seed: int = 0,
              short_amounts: bool = False, leave_out: tuple[str, ...] = ()) -> bytes:  # fmt: skip
    """A PDF of ``record``; ``info``: with the 数电 Info dictionary (as the platform writes
    it), else as a re-saved file that lost it. ``short_amounts``: ``0.8`` for ``0.80``.
    ``leave_out``: printed labels to omit (a producer that draws the value alone)."""
    pieces = [
        (200, 390, _title(record)), (400, 370, "发票号码："), (460, 370, record.number),
        (400, 355, "开票日期："), (460, 355, _date_zh(record)),
        (30, 330, "购买方信息"), (60, 330, "名称："), (90, 330, record.buyer_name),
        (320, 330, "销售方信息"), (350, 330, "名称："), (380, 330, record.seller_name),
        (30, 200, "合"), (45, 200, "计"), (300, 200, f"¥{_money(record.amount)}"),
        (450, 200, f"¥{_money(record.tax)}"), (30, 180, "价税合计（大写）"),
        (300, 180, "（小写）"), (340, 180, f"¥{_money(record.total)}"),
    ]  # fmt: skip
    if record.code:
        pieces += [(400, 385, "发票代码："), (460, 385, record.code)]
    if record.check_code:
        pieces += [(30, 355, "校验码："), (80, 355, " ".join(
            record.check_code[i : i + 5] for i in range(0, 20, 5)))]  # fmt: skip
    pieces = [p for p in pieces if p[2] not in leave_out]
    random.Random(seed).shuffle(pieces)  # drawn in no reading order, as real producers do
    raw = _text_pdf(pieces)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
    if info:
        short = _short if short_amounts else _money
        writer.add_metadata({
            "/InvoiceNumber": record.number, "/IssueTime": _date_zh(record),
            "/TotalAmWithoutTax": short(record.amount), "/TotalTaxAm": short(record.tax),
            "/TotalTax-includedAmount": short(record.total),
            "/BuyerIdNum": record.buyer_tax_id, "/SellerIdNum": record.seller_tax_id,
        })  # fmt: skip
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _short(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


def _text_pdf(pieces: list[tuple[int, int, str]]) -> bytes:
    """A one-page PDF drawing each piece at (x, y) with a CID font whose ToUnicode map gives
    the text back."""
    chars = sorted({ch for _, _, text in pieces for ch in text})
    code = {ch: i + 1 for i, ch in enumerate(chars)}
    stream = "".join(
        f"BT /F1 9 Tf 1 0 0 1 {x} {y} Tm <{''.join(f'{code[ch]:04X}' for ch in text)}> Tj ET\n"
        for x, y, text in pieces
        if text
    ).encode()
    blocks = []
    for start in range(0, len(chars), 100):
        part = chars[start : start + 100]
        entries = "".join(f"<{code[ch]:04X}> <{ord(ch):04X}>\n" for ch in part)
        blocks.append(f"{len(part)} beginbfchar\n{entries}endbfchar\n")
    cmap = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{''.join(blocks)}endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
    ).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 420] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /DemoSong /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DemoSong /CIDSystemInfo "
        b"<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R "
        b"/DW 1000 >>",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
        b"<< /Type /FontDescriptor /FontName /DemoSong /Flags 4 /FontBBox [0 -120 1000 880] "
        b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))  # fmt: skip
    return out.getvalue()
