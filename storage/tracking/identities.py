"""Naming an invoice to mark: (发票代码, 发票号码) for classic invoices, the 20-digit number
alone for 数电 (SPEC "Invoices": identity). Never by the last 8 digits or a file's hash."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from storage.messages import MessageError

_SPLIT = re.compile(r"[\s,，;；:：/|\-]+")


class BadIdentity(MessageError):
    """A line that names no invoice by its identity."""


@dataclass(frozen=True, order=True)
class Identity:
    number: str  # 8 digits, or the 数电 20
    code: str = ""  # 10 or 12 digits; "" for 数电

    @property
    def key(self) -> tuple[str, str]:
        """(number, code): the order of the store's identity index."""
        return (self.number, self.code)

    def text(self) -> str:
        return f"{self.code} {self.number}" if self.code else self.number


def parse_identity(text: str) -> Identity:
    """``CODE NUMBER`` (any of space , ; : / | - between) or a 20-digit number."""
    parts = [p for p in _SPLIT.split(text.strip()) if p]
    if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) == 20:
        return Identity(parts[0])
    if len(parts) == 2:
        code, number = parts
        if len(number) in (10, 12) and len(code) == 8:
            code, number = number, code  # number first: still one invoice
        if code.isdigit() and number.isdigit() and len(code) in (10, 12) and len(number) == 8:
            return Identity(number, code)
    if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) == 8:
        raise BadIdentity("tracking.needs_code", value=text.strip())
    raise BadIdentity("tracking.bad_identity", value=text.strip()[:60])


def parse_identities(lines: Iterable[str]) -> Iterator[Identity]:
    """One identity per non-blank line (``#`` starts a comment)."""
    for line in lines:
        text = line.split("#", 1)[0].strip()
        if text:
            yield parse_identity(text)
