"""Checks of single values from an imported row: each returns the clean value or raises
``RowError`` with the reason a clerk can act on."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from storage.importing.report import RowError
from storage.rules.invoice_types import type_from_name
from storage.store.models import Direction, InvoiceStatus

CENT = Decimal("0.01")
_DIGITS = re.compile(r"[0-9]+", re.ASCII)
_MONEY = re.compile(r"[+-]?[0-9]{1,15}(?:\.[0-9]+)?", re.ASCII)
_PLAIN_MONEY = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,2})?", re.ASCII)
_DATE_SEP = re.compile(r"([0-9]{4})[-/.年]([0-9]{1,2})[-/.月]([0-9]{1,2})日?(?:[ T].*)?", re.ASCII)
_DATE_COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})(?:[0-9]{6,9})?", re.ASCII)
_FORMULA_START = "=+-@"
# A float above this held more digits than Excel keeps: the number lost its tail.
_EXACT_FLOAT = 2**53
_ONE_DAY = dt.timedelta(days=1)

_STATUS = {
    "正常": InvoiceStatus.NORMAL, "作废": InvoiceStatus.VOID, "已作废": InvoiceStatus.VOID,
    "红冲": InvoiceStatus.RED, "已红冲": InvoiceStatus.RED, "全额红冲": InvoiceStatus.RED,
    "已全额红冲": InvoiceStatus.RED, "部分红冲": InvoiceStatus.RED, "已部分红冲": InvoiceStatus.RED,
    "红字": InvoiceStatus.RED, "失控": InvoiceStatus.OUT_OF_CONTROL,
    "异常": InvoiceStatus.ABNORMAL, "异常凭证": InvoiceStatus.ABNORMAL,
    **{s.value: s for s in InvoiceStatus},
}  # fmt: skip
STATUS_NAMES = {
    InvoiceStatus.NORMAL: "正常", InvoiceStatus.VOID: "作废", InvoiceStatus.RED: "红冲",
    InvoiceStatus.OUT_OF_CONTROL: "失控", InvoiceStatus.ABNORMAL: "异常",
}  # fmt: skip
DIRECTION_NAMES = {Direction.ISSUED: "销项", Direction.RECEIVED: "进项"}
_DIRECTION = {
    "销项": Direction.ISSUED, "进项": Direction.RECEIVED, **{d.value: d for d in Direction},
}  # fmt: skip


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


def cell_text(value: object) -> str:
    """A cell as text: XLSX numbers without ``.0``, and a CSV's anti-formula quote removed."""
    if value is None:
        return ""
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 1 and text[0] == "'" and text[1] in _FORMULA_START:
            return text[1:]
        return text
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < _EXACT_FLOAT else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def identity_text(value: object) -> str:
    """A code or number cell: refuse what Excel already rounded (a 20-digit number as a float)."""
    if isinstance(value, str):
        text = value.strip()
        if text[:1] != "'":  # the common case; a quoted cell goes the long way
            return text.replace(" ", "")
    elif value is None:
        return ""
    elif isinstance(value, float) and abs(value) >= _EXACT_FLOAT:
        raise RowError("import.row.number_precision")
    return cell_text(value).replace(" ", "")


def check_number(text: str) -> str:
    if not text:
        raise RowError("import.row.number_missing")
    if len(text) in (8, 20) and _DIGITS.fullmatch(text) and text.strip("0"):
        return text
    if _DIGITS.fullmatch(text) and len(text) == 7:
        raise RowError("import.row.number_7", value=text)
    raise RowError("import.row.number", value=text[:30])


def check_code(text: str, number: str) -> str:
    if len(number) == 20:
        if text:
            raise RowError("import.row.code_on_digital", value=text[:30])
        return ""
    if not text:
        raise RowError("import.row.code_missing")
    if _DIGITS.fullmatch(text) and len(text) in (10, 12):
        return text
    raise RowError("import.row.code", value=text[:30])


def parse_date(value: object, *, today: dt.date | None = None) -> dt.date:
    """``2026-11-02``, ``2026/11/2``, ``20261102``, ``2026-11-02 10:11:12``, ``2026年11月2日``,
    or an XLSX date cell; not after tomorrow (a clock a day ahead of the bureau is normal)."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            date = dt.date.fromisoformat(value)  # the common case, fast
        except ValueError:
            date = _cell_date(value)
    else:
        date = _cell_date(value)
    limit = (today or dt.date.today()) + _ONE_DAY
    if date > limit:
        raise RowError("import.row.date_future", value=date.isoformat())
    return date


def _cell_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text:
        raise RowError("import.row.date_missing")
    return _parse_date_text(text)


def _parse_date_text(text: str) -> dt.date:
    if len(text) == 10 and text[4] == "-":
        try:
            return dt.date.fromisoformat(text)  # the common case, fast
        except ValueError:
            pass
    match = _DATE_SEP.fullmatch(text) or _DATE_COMPACT.fullmatch(text)
    if match is not None:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    raise RowError("import.row.date", value=text[:30])


def parse_money(value: object, column: str) -> Decimal:
    """Exact money from text or a cell; ``column`` is the message key of the column's name."""
    if isinstance(value, str) and _PLAIN_MONEY.fullmatch(value):
        # The common case; "173.79" already has the two places quantize would give.
        money = Decimal(value)
        return money if value[-3:-2] == "." else money.quantize(CENT)
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value).quantize(CENT)
    text = cell_text(value)
    if not text:
        raise RowError("import.row.money_missing", column="@" + column)
    cleaned = text.replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    if not _MONEY.fullmatch(cleaned):
        raise RowError("import.row.money", column="@" + column, value=text[:30])
    try:
        money = Decimal(cleaned)
        rounded = money.quantize(CENT)
    except InvalidOperation:
        raise RowError("import.row.money", column="@" + column, value=text[:30]) from None
    if rounded != money:
        raise RowError("import.row.money", column="@" + column, value=text[:30])
    return rounded


@lru_cache(maxsize=512, typed=True)
def parse_rate(value: object) -> str:
    """``13%``, ``0.13`` and the cell 0.13 all become ``0.13``; 免税 and the like stay as words."""
    text = cell_text(value)
    if not text:
        return ""
    percent = text.endswith("%")
    number = text[:-1] if percent else text
    if _MONEY.fullmatch(number):
        rate = Decimal(number) / 100 if percent else Decimal(number)
        if rate < 0 or rate >= 1:
            raise RowError("import.row.rate", value=text[:30])
        return "0" if rate == 0 else format(rate.normalize(), "f")
    if len(text) <= 8 and not any(ch.isdigit() for ch in text):
        return text  # 免税, 不征税, ***
    raise RowError("import.row.rate", value=text[:30])


@lru_cache(maxsize=512, typed=True)
def parse_type(value: object) -> str | None:
    """The verification type for a 发票票种 name or code; None when the cell is empty."""
    text = cell_text(value)
    if not text:
        return None
    code = type_from_name(text)
    if code is None:
        raise RowError("import.row.type", value=text[:40])
    return code


@lru_cache(maxsize=512, typed=True)
def parse_status(value: object) -> str:
    text = _fold(cell_text(value)).lower()
    if not text:
        return InvoiceStatus.NORMAL.value
    status = _STATUS.get(text)
    if status is None:
        raise RowError("import.row.status", value=text[:20])
    return status.value


@lru_cache(maxsize=512, typed=True)
def parse_direction(value: object, default: str) -> str:
    text = _fold(cell_text(value)).lower()
    if not text:
        return default
    direction = _DIRECTION.get(text)
    if direction is None:
        raise RowError("import.row.direction", value=text[:20])
    return direction.value


def check_check_code(text: str) -> str:
    if text and not _DIGITS.fullmatch(text):
        raise RowError("import.row.check_code", value=text[:30])
    if len(text) > 20:
        raise RowError("import.row.too_long", column="@import.column.check_code", limit=20)
    return text


def limited(text: str, limit: int, column: str) -> str:
    if len(text) > limit:
        raise RowError("import.row.too_long", column="@" + column, limit=limit)
    return text
