"""The strings a clerk may have meant when a number, code or tax id finds nothing.

Each function returns every variant of one kind of slip, to look up in one ``IN (…)`` query:
one character changed, two neighbours swapped, one dropped, one extra, leading zeros lost.
"""

from __future__ import annotations

from enum import StrEnum

DIGITS = "0123456789"
TAX_ID_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # GB 32100-2015
CLASSIC_NUMBER_LENGTH = 8
DIGITAL_NUMBER_LENGTH = 20


class Slip(StrEnum):
    """How the typed text differs from a stored one, most common first."""

    LEADING_ZEROS = "leading_zeros"
    SWAPPED = "swapped"  # two neighbouring characters
    CHANGED = "changed"  # one character
    DROPPED = "dropped"  # one character missing
    EXTRA = "extra"  # one character too many


def changed(text: str, alphabet: str = DIGITS) -> set[str]:
    return {
        text[:i] + c + text[i + 1 :] for i in range(len(text)) for c in alphabet if c != text[i]
    }


def swapped(text: str) -> set[str]:
    return {
        text[:i] + text[i + 1] + text[i] + text[i + 2 :]
        for i in range(len(text) - 1)
        if text[i] != text[i + 1]
    }


def with_one_more(text: str, alphabet: str = DIGITS) -> set[str]:
    """What the text was before a character was dropped."""
    return {text[:i] + c + text[i:] for i in range(len(text) + 1) for c in alphabet}


def with_one_less(text: str) -> set[str]:
    """What the text was before an extra character crept in."""
    return {text[:i] + text[i + 1 :] for i in range(len(text))}


def slips(text: str, lengths: frozenset[int], alphabet: str = DIGITS) -> dict[str, Slip]:
    """Every variant of ``text`` whose length is one of ``lengths``, with the slip it undoes.

    A variant reachable by several slips keeps the most common one.
    """
    found: dict[str, Slip] = {}

    def add(variants: set[str], slip: Slip) -> None:
        for v in variants:
            if len(v) in lengths and v != text:
                found.setdefault(v, slip)

    if text.isdigit() and len(text) < min(lengths):
        add({text.zfill(n) for n in lengths if n > len(text)}, Slip.LEADING_ZEROS)
    if len(text) in lengths:
        add(swapped(text), Slip.SWAPPED)
        add(changed(text, alphabet), Slip.CHANGED)
    if len(text) + 1 in lengths:
        add(with_one_more(text, alphabet), Slip.DROPPED)
    if len(text) - 1 in lengths:
        add(with_one_less(text), Slip.EXTRA)
    return found


def number_slips(digits: str) -> dict[str, Slip]:
    """Stored invoice numbers (8 or 20 digits) that ``digits`` may be a slip of."""
    return slips(digits, frozenset({CLASSIC_NUMBER_LENGTH, DIGITAL_NUMBER_LENGTH}))


def code_slips(digits: str) -> dict[str, Slip]:
    """发票代码 (10 or 12 digits) that ``digits`` may be a slip of."""
    return slips(digits, frozenset({10, 12}))


def tax_id_slips(tax_id: str) -> dict[str, Slip]:
    """Tax ids that ``tax_id`` may be a slip of (same length: ids are copied, not retyped)."""
    return slips(tax_id, frozenset({len(tax_id)}), TAX_ID_ALPHABET)


def joined_code_and_number(digits: str) -> tuple[str, str] | None:
    """A 发票代码 and 8-digit number typed as one string (18 or 20 digits), split apart."""
    if len(digits) in (18, 20) and digits.isdigit():
        return digits[:-CLASSIC_NUMBER_LENGTH], digits[-CLASSIC_NUMBER_LENGTH:]
    return None
