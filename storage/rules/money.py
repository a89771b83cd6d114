"""Money: ``Decimal`` in Python, whole fen (分) in the database.

SQLite has no decimal type: a ``DECIMAL`` column has NUMERIC affinity and silently stores
floats. Whole fen in a 64-bit integer are exact on both SQLite and PostgreSQL, compare and sum
exactly, and index well.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from storage.errors import Exit
from storage.messages import MessageError

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("1e15")  # far above any invoice; keeps fen inside a 64-bit integer


class MoneyError(MessageError, ValueError):
    """Text that is not an amount of money with at most two decimals."""

    exit_code = Exit.USAGE


def parse_money(text: str | Decimal | int) -> Decimal:
    """``"1,234.5"`` → ``Decimal("1234.50")``; refuses more than two decimals and non-numbers."""
    if isinstance(text, Decimal | int):
        value = Decimal(text)
    else:
        cleaned = text.strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
        if not cleaned:
            raise MoneyError("money.empty")
        try:
            value = Decimal(cleaned)
        except ArithmeticError as exc:  # InvalidOperation, and Overflow for 1E1000000
            raise MoneyError("money.not_amount", text=text) from exc
    if not value.is_finite() or value.copy_abs() >= MAX_AMOUNT:  # copy_abs: no context, no Overflow
        raise MoneyError("money.not_amount", text=text)
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        raise MoneyError("money.decimals", text=text)
    return value.quantize(CENT)


def format_money(value: Decimal) -> str:
    """The wire and export form: exactly two decimals, sign for negatives."""
    return f"{value.quantize(CENT):f}"


def to_fen(value: Decimal) -> int:
    # Quantized to cents, moving the point two places is exact: whole fen.
    return int(value.quantize(CENT).scaleb(2))


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(CENT)
