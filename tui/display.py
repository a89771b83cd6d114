"""How invoice values read on screen: status words, short type names, money, fitting widths."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rich.cells import cell_len
from rich.text import Text

from storage.messages import catalogue
from storage.rules.invoice_types import type_name
from tui.language import language, t

# Status words carry the state; the style only underlines it (16 colours, no colour alone).
_STATUS_STYLE = {
    "normal": "",
    "void": "bold yellow",
    "red": "bold red",
    "out_of_control": "bold reverse red",
    "abnormal": "bold reverse yellow",
}


def status_text(status: str) -> Text:
    key = f"status.{status}"
    word = t(key) if key in catalogue() else status
    return Text(word, style=_STATUS_STYLE.get(status, "bold"))


def short_type(code: str) -> str:
    key = f"tui.type.{code}"
    return t(key) if key in catalogue() else type_name(code, language())


def money(value: Decimal) -> str:
    """Thousands separated, two decimals, sign kept: ``-1,130.00``."""
    return f"{value:,.2f}"


def unit_price(text: str) -> str:
    """A unit price as money reads (``7651.7`` → ``7,651.70``), its extra decimals kept
    (``3.1415926`` stays exact: a price may carry more than two)."""
    try:
        value = Decimal(text)
    except ArithmeticError:
        return text
    if not value.is_finite():
        return text
    if value == value.quantize(Decimal("0.01")):
        return money(value)
    return f"{value.normalize():,f}"


def date_text(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return t("tui.none")
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells (Chinese is two), with an ellipsis if cut."""
    if cell_len(text) <= width:
        return text
    cut = Text(text)
    cut.truncate(max(1, width), overflow="ellipsis")
    return cut.plain


def rate_text(rate: str) -> str:
    """``0.13`` → ``13%``; words (免税, 不征税) and blanks pass through."""
    try:
        value = Decimal(rate)
    except ArithmeticError:
        return rate
    if not value.is_finite():
        return rate
    return f"{(value * 100).normalize():f}%"


def yes_no(value: bool) -> str:
    return t("tui.yes") if value else t("tui.no")
