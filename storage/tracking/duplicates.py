"""Invoices seen again: an invoice already reimbursed that turns up again (import, scan,
check, lookup) is flagged by its identity — (code, number), or the 20-digit number — never by
a file's hash or the last 8 digits. Same seller, same 价税合计, dates a few days apart is
only a *possible* duplicate: a warning to look, not a match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from storage.store.models import Direction, Invoice
from storage.store.records import InvoiceRecord

CHUNK = 500
NEAR_DAYS = 3  # "within a few days" for a possible duplicate


@dataclass(frozen=True)
class ReimbursedBefore:
    """An invoice already reimbursed: on which claim, by whom, when."""

    invoice_id: int
    code: str
    number: str
    claim_ref: str
    reimbursed_by: str
    reimbursed_at: dt.datetime | None

    @property
    def identity_text(self) -> str:
        return f"{self.code} {self.number}" if self.code else self.number

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code, "number": self.number, "claim_ref": self.claim_ref,
            "reimbursed_by": self.reimbursed_by,
            "reimbursed_at": self.reimbursed_at.isoformat() if self.reimbursed_at else None,
        }  # fmt: skip


def _when(value: object) -> dt.datetime | None:
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value)
    return value if isinstance(value, dt.datetime) else None


def reimbursed_among(
    identities: Iterable[tuple[str, str]], branch: str | None = None
) -> list[ReimbursedBefore]:
    """Which of the (number, code) identities are already reimbursed (in ``branch`` when
    given: another branch's invoices are not the user's to know about), in identity order."""
    wanted = set(identities)
    numbers = sorted({number for number, _ in wanted})
    found: list[ReimbursedBefore] = []
    for start in range(0, len(numbers), CHUNK):
        query = Invoice.select(
            Invoice.id, Invoice.code, Invoice.number, Invoice.branch, Invoice.claim_ref,
            Invoice.reimbursed_by, Invoice.reimbursed_at,
        ).where(Invoice.number.in_(numbers[start : start + CHUNK]) & (Invoice.reimbursed == True))  # noqa: E712  # fmt: skip
        for row in query.dicts():
            if (row["number"], row["code"]) not in wanted:
                continue
            if branch is not None and row["branch"] != branch:
                continue
            found.append(ReimbursedBefore(row["id"], row["code"], row["number"], row["claim_ref"],
                                          row["reimbursed_by"], _when(row["reimbursed_at"])))  # fmt: skip
    return sorted(found, key=lambda r: (r.number, r.code))


@dataclass(frozen=True)
class PossibleDuplicate:
    """Another invoice from the same seller for the same 价税合计, a few days apart."""

    invoice_id: int
    code: str
    number: str
    date: dt.date
    total: Decimal
    reimbursed: bool

    @property
    def identity_text(self) -> str:
        return f"{self.code} {self.number}" if self.code else self.number

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "number": self.number, "date": self.date.isoformat(),
                "total": f"{self.total:.2f}", "reimbursed": self.reimbursed}  # fmt: skip


def possible_duplicates(
    *,
    number: str,
    code: str,
    seller_tax_id: str,
    seller_name: str,
    total: Decimal,
    date: dt.date,
    branch: str | None = None,
    limit: int = 5,
) -> list[PossibleDuplicate]:
    """Other invoices (a different identity) from the same seller — by tax id, else by name —
    for the same 价税合计, dated within ``NEAR_DAYS`` of ``date``."""
    if not (seller_tax_id or seller_name):
        return []
    seller = (
        Invoice.seller_tax_id == seller_tax_id if seller_tax_id
        else Invoice.seller_name == seller_name
    )  # fmt: skip
    near = dt.timedelta(days=NEAR_DAYS)
    query = (
        Invoice.select(Invoice.id, Invoice.code, Invoice.number, Invoice.date, Invoice.total,
                       Invoice.reimbursed, Invoice.branch)
        .where((Invoice.total == total) & Invoice.date.between(date - near, date + near) & seller
               & ~((Invoice.number == number) & (Invoice.code == code)))
        .order_by(Invoice.date.desc(), Invoice.id.desc())
    )  # fmt: skip
    if branch is not None:
        query = query.where(Invoice.branch == branch)
    out = []
    for inv in query.limit(limit):
        out.append(PossibleDuplicate(inv.id, inv.code, inv.number, inv.date, inv.total,
                                     bool(inv.reimbursed)))  # fmt: skip
    return out


@dataclass(frozen=True)
class NearPair:
    """An invoice of an import and the others that may be the same purchase."""

    code: str
    number: str
    others: tuple[PossibleDuplicate, ...]

    @property
    def identity_text(self) -> str:
        return f"{self.code} {self.number}" if self.code else self.number

    def to_json(self) -> dict[str, object]:
        return {"code": self.code, "number": self.number,
                "possible_duplicates": [o.to_json() for o in self.others]}  # fmt: skip


def near_pairs(records: Iterable[InvoiceRecord], branch: str | None) -> list[NearPair]:
    """Possible duplicates of the received invoices among ``records``."""
    out = []
    for r in records:
        if r.direction != Direction.RECEIVED.value:
            continue  # a seller issuing the same amount twice is business as usual
        others = possible_duplicates(
            number=r.number, code=r.code, seller_tax_id=r.seller_tax_id,
            seller_name=r.seller_name, total=r.total, date=r.date, branch=branch,
        )  # fmt: skip
        if others:
            out.append(NearPair(r.code, r.number, tuple(others)))
    return out
