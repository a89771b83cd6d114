"""Invoice QR strings (SPEC "Invoices", QR row).

Classic: ``01,TYPE,CODE,NUMBER,AMOUNT,YYYYMMDD,CHECK,CRC[,]`` where AMOUNT is 不含税金额.
专票 have no check code and some printers drop its empty field, so a 7-field string whose
seventh field is not a check code is read as ``…,DATE,CRC`` (``01,01,4300171130,02550485,
10545.43,20180115,6579,``). A trailing comma is allowed.

数电: ``01,31|32,,NUMBER20,价税合计,YYYYMMDD,,CRC``: no code, AMOUNT is the total.

The QR's own type may differ from the verification type: a 12-digit code ending 12 is 通行费
(14) even when the QR says 10. Both are kept. Anything that is not a QR string raises
``QrError`` (message in Chinese and English) and never any other exception.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from storage.messages import Message, MessageError
from storage.rules.invoice_types import infer_type_from_code

_TYPE = re.compile(r"[0-9]{2}", re.ASCII)
_CODE = re.compile(r"(?:[0-9]{10}|[0-9]{12})?", re.ASCII)
_NUMBER = re.compile(r"[0-9]{8}|[0-9]{20}", re.ASCII)
_AMOUNT = re.compile(r"-?[0-9]{1,14}(?:\.[0-9]{1,2})?", re.ASCII)
_DATE = re.compile(r"[0-9]{8}", re.ASCII)
_CHECK = re.compile(r"[0-9]{0,20}", re.ASCII)
_CHECK_FULL = re.compile(r"[0-9]{20}", re.ASCII)
_CRC = re.compile(r"[0-9A-Za-z]{0,16}", re.ASCII)
DIGITAL_QR_TYPES = frozenset({"31", "32"})
# QR type fields that are not verification types: 20 is the 增值税电子专用发票 (查验 08).
QR_TYPES = {"20": "08"}


class QrError(MessageError, ValueError):
    """Text that is not an invoice QR string; ``str()`` says why in Chinese and English."""


@dataclass(frozen=True)
class QrInvoice:
    qr_type: str  # the type field as printed in the QR
    type: str  # the verification type: inferred from the code when there is one
    code: str
    number: str
    amount: Decimal
    date: dt.date
    check_code: str
    crc: str
    amount_is_total: bool  # True for 数电 (价税合计), False for classic (不含税金额)

    @property
    def digital(self) -> bool:
        return self.amount_is_total


def looks_like_qr(text: str) -> bool:
    """A cheap test for input boxes and files: ``01,`` and at least six comma fields."""
    stripped = text.strip()
    return stripped.startswith("01,") and stripped.count(",") >= 5


def _fail(reason: str, **fields: object) -> QrError:
    """``reason``: the message key of why, e.g. ``qr.reason.code``."""
    return QrError("qr.invalid", reason=Message(reason, fields))


def parse_qr(text: str) -> QrInvoice:
    """The invoice a QR string describes; ``QrError`` when it is not one."""
    if not isinstance(text, str):
        raise _fail("qr.reason.not_text")
    stripped = text.strip()
    if len(stripped) > 200:
        raise _fail("qr.reason.too_long")
    if not looks_like_qr(stripped):
        raise _fail("qr.reason.shape")
    fields = [f.strip() for f in stripped.split(",")]
    if fields[-1] == "" and len(fields) > 7:
        fields.pop()  # the trailing comma many printers add
    if len(fields) == 7:
        # Missing check-code field: the 7th is the check code only if it looks like one.
        fields = [*fields, ""] if _CHECK_FULL.fullmatch(fields[6]) else [*fields[:6], "", fields[6]]
    if len(fields) == 6:
        fields += ["", ""]
    if len(fields) != 8:
        raise _fail("qr.reason.field_count", n=len(fields))
    _, qr_type, code, number, amount_text, date_text, check_code, crc = fields
    if not _TYPE.fullmatch(qr_type):
        raise _fail("qr.reason.type")
    if not _CODE.fullmatch(code):
        raise _fail("qr.reason.code")
    if not _NUMBER.fullmatch(number):
        raise _fail("qr.reason.number")
    digital = qr_type in DIGITAL_QR_TYPES or len(number) == 20
    if digital and (code or len(number) != 20):
        raise _fail("qr.reason.digital")
    if not digital and not code:
        raise _fail("qr.reason.code_missing")
    if not _AMOUNT.fullmatch(amount_text):
        raise _fail("qr.reason.amount")
    if not _DATE.fullmatch(date_text):
        raise _fail("qr.reason.date_format")
    try:
        date = dt.date(int(date_text[:4]), int(date_text[4:6]), int(date_text[6:]))
    except ValueError:
        raise _fail("qr.reason.date_unreal") from None
    if not _CHECK.fullmatch(check_code):
        raise _fail("qr.reason.check_code")
    if not _CRC.fullmatch(crc):
        raise _fail("qr.reason.crc")
    verification_type = (infer_type_from_code(code) if code else None) or QR_TYPES.get(
        qr_type, qr_type
    )
    return QrInvoice(
        qr_type=qr_type,
        type=verification_type,
        code=code,
        number=number,
        amount=Decimal(amount_text).quantize(Decimal("0.01")),
        date=date,
        check_code=check_code,
        crc=crc,
        amount_is_total=digital,
    )
