"""Received invoice files for tests: the real samples with their expected values, invoices
to build OFD/PDF files from, and ZIPs written byte by byte where ``zipfile`` would not (GB18030
names without the UTF-8 flag, hostile paths)."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from storage.store.records import InvoiceRecord, LineRecord
from tests.support.paths import FIXTURES

SAMPLES = FIXTURES / "einvoice"


def expected() -> list[dict[str, Any]]:
    """Each sample file's fields as printed on the invoice (SOURCES.md says where from)."""
    return json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def digital(number: str = "25322000000365404822", total: str = "250.00", **changes: Any) -> InvoiceRecord:  # fmt: skip
    """A 数电 普票 as the bureau's sample (erma0), amounts split 6%."""
    amount = (Decimal(total) / Decimal("1.06")).quantize(Decimal("0.01"))
    values: dict[str, Any] = {
        "number": number, "date": dt.date(2025, 8, 8), "amount": amount,
        "tax": Decimal(total) - amount, "total": Decimal(total), "type": "32",
        "buyer_name": "江苏苏豪天鹏农产品集团有限公司", "buyer_tax_id": "9132020013590404XW",
        "seller_name": "无锡市安协安全培训中心", "seller_tax_id": "52320200509244470T",
    }  # fmt: skip
    values.update(changes)
    return InvoiceRecord(**values)


def classic(number: str = "83089647") -> InvoiceRecord:
    """A classic 电普 as ofdrw's sample 1.ofd."""
    return InvoiceRecord(
        number=number, code="033002000211", date=dt.date(2020, 7, 23),
        amount=Decimal("510.68"), tax=Decimal("15.32"), total=Decimal("526.00"), type="10",
        check_code="16197833567414507415", buyer_name="江苏京利华新材料有限公司",
        buyer_tax_id="91320115MA202UKD7X", seller_name="兰溪市悦济舫餐厅",
        seller_tax_id="92330781MA2EDMFU50",
        lines=(LineRecord("*餐饮服务*餐费", Decimal("510.68"), "3%", Decimal("15.32")),),
    )  # fmt: skip


def einvoice_xml(record: InvoiceRecord) -> bytes:
    """A 数电 ``EInvoice`` XML of ``record``, shaped like the bureau's (tests/fixtures/einvoice)."""
    return (
        '<?xml version="1.0" encoding="utf-8"?><EInvoice><Header><EIid>'
        f"{record.number}</EIid><InherentLabel><GeneralOrSpecialVAT><LabelCode>02</LabelCode>"
        "<LabelName>普通发票</LabelName></GeneralOrSpecialVAT></InherentLabel></Header>"
        f"<EInvoiceData><SellerInformation><SellerIdNum>{record.seller_tax_id}</SellerIdNum>"
        f"<SellerName>{record.seller_name}</SellerName></SellerInformation><BuyerInformation>"
        f"<BuyerIdNum>{record.buyer_tax_id}</BuyerIdNum><BuyerName>{record.buyer_name}"
        f"</BuyerName></BuyerInformation><BasicInformation><TotalAmWithoutTax>{record.amount}"
        f"</TotalAmWithoutTax><TotalTaxAm>{record.tax}</TotalTaxAm><TotalTax-includedAmount>"
        f"{record.total}</TotalTax-includedAmount></BasicInformation></EInvoiceData>"
        f"<TaxSupervisionInfo><InvoiceNumber>{record.number}</InvoiceNumber><IssueTime>"
        f"{record.date.isoformat()}</IssueTime></TaxSupervisionInfo></EInvoice>"
    ).encode()


def zip_bytes(members: Sequence[tuple[str | bytes, bytes]], *, compress: bool = True) -> bytes:
    """A ZIP of ``members``; a ``bytes`` name is written as those bytes, flag unset (what
    Chinese Windows tools do with GB18030 names), a ``str`` name as zipfile writes it."""
    placeholders: list[tuple[bytes, bytes]] = []
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for n, (name, data) in enumerate(members):
            if isinstance(name, bytes):
                stand_in = f"@{n:06d}".encode().ljust(len(name), b"_")
                assert len(stand_in) == len(name), "raw names must be at least 7 bytes"
                placeholders.append((stand_in, name))
                archive.writestr(stand_in.decode(), data)
            else:
                archive.writestr(name, data)
    raw = buffer.getvalue()
    for stand_in, name in placeholders:
        assert raw.count(stand_in) == 2  # the local header and the central directory
        raw = raw.replace(stand_in, name)
    return raw
