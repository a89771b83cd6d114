"""What the lookup box holds: a QR string, a number, a code, a tax id, an amount or a name.

The box takes whatever the clerk types or the scanner sends; this decides how to search for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from storage.messages import Message
from storage.rules.money import MoneyError, parse_money
from storage.rules.party_names import normalize_name
from storage.rules.qr import QrError, QrInvoice, looks_like_qr, parse_qr


class QueryKind(StrEnum):
    EMPTY = "empty"
    NUMBER = "number"  # 8-digit classic or 20-digit 数电 number (also 7-digit stripped)
    CODE = "code"  # 10/12-digit 发票代码
    QR = "qr"
    NAME = "name"
    TAX_ID = "tax_id"
    AMOUNT = "amount"


#: The longest text searched. A QR string is under 100 characters and a company name under 60;
#: a longer text is a paste gone wrong, and searching it would only load the store (a name's
#: every two-character gram becomes one condition).
QUERY_MAX_CHARS = 200

# Digit strings by length: 10/12 (and one off) are codes, 15/17 legacy tax ids, the rest numbers.
_CODE_LENGTHS = frozenset({10, 11, 12, 13})
_TAX_ID_DIGIT_LENGTHS = frozenset({15, 17, 18})
_TAX_ID = re.compile(r"[0-9A-Z]{15}|[0-9A-Z]{17,18}|[0-9A-Z]{20}", re.ASCII)
_AMOUNT = re.compile(r"[¥￥]?-?[0-9][0-9,]*\.[0-9]{1,2}", re.ASCII)
_SEPARATORS = re.compile(r"[\s\-_]+")


@dataclass(frozen=True)
class ParsedQuery:
    text: str  # as typed, stripped
    kind: QueryKind
    digits: str = ""  # NUMBER, CODE, and all-digit TAX_ID
    tax_id: str = ""
    name: str = ""  # normalised (storage.rules.party_names.normalize_name)
    amount: Decimal | None = None
    qr: QrInvoice | None = None
    qr_swapped: bool = False  # the QR parsed only with its code and number fields swapped
    problem: str = ""  # message key when the text cannot be searched as it is
    problem_fields: tuple[tuple[str, object], ...] = ()

    def problem_message(self) -> Message:
        return Message(self.problem, dict(self.problem_fields))

    @property
    def searchable(self) -> bool:
        return self.kind is not QueryKind.EMPTY and not self.problem


def _parse_qr(text: str) -> ParsedQuery:
    try:
        return ParsedQuery(text, QueryKind.QR, qr=parse_qr(text))
    except QrError:
        pass
    # A QR typed by hand with the code in the number field and the number in the code field.
    fields = text.split(",")
    if len(fields) > 4:
        fields[2], fields[3] = fields[3], fields[2]
        try:
            return ParsedQuery(text, QueryKind.QR, qr=parse_qr(",".join(fields)), qr_swapped=True)
        except QrError:
            pass
    return ParsedQuery(text, QueryKind.QR, problem="lookup.problem.bad_qr")


def classify(text: str) -> ParsedQuery:
    """How to search for ``text``."""
    query = text.strip()
    if not query:
        return ParsedQuery(query, QueryKind.EMPTY)
    if len(query) > QUERY_MAX_CHARS:
        return ParsedQuery(query, QueryKind.NAME, problem="lookup.problem.too_long",
                           problem_fields=(("n", len(query)), ("limit", QUERY_MAX_CHARS)))  # fmt: skip
    if looks_like_qr(query):
        return _parse_qr(query)
    compact = _SEPARATORS.sub("", query)
    if compact.isascii() and compact.isdigit():
        n = len(compact)
        if n < 2:
            return ParsedQuery(
                query, QueryKind.NUMBER, digits=compact, problem="lookup.problem.too_short"
            )
        if n in _CODE_LENGTHS:
            return ParsedQuery(query, QueryKind.CODE, digits=compact)
        if n in _TAX_ID_DIGIT_LENGTHS:
            return ParsedQuery(query, QueryKind.TAX_ID, digits=compact, tax_id=compact)
        return ParsedQuery(query, QueryKind.NUMBER, digits=compact)
    if _AMOUNT.fullmatch(compact):
        try:
            return ParsedQuery(query, QueryKind.AMOUNT, amount=parse_money(compact))
        except MoneyError:
            pass
    upper = compact.upper()
    if _TAX_ID.fullmatch(upper) and any(c.isdigit() for c in upper):
        return ParsedQuery(query, QueryKind.TAX_ID, tax_id=upper)
    name = normalize_name(query)
    if len(name) < 2:
        return ParsedQuery(query, QueryKind.NAME, name=name, problem="lookup.problem.too_short")
    return ParsedQuery(query, QueryKind.NAME, name=name)
