"""The lookup engine behind ``fapiao lookup`` and the lookup screen (SPEC "Lookup").

One box takes a number, code, QR string, counterparty name (from 2 characters) or tax id.
Matches come newest first; with none, ``diagnose`` says why, most likely cause first.

STATUS: API fixed, implementation being written (exact number/code only so far).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from storage.accounts import Session
from storage.models import Invoice


class QueryKind(StrEnum):
    EMPTY = "empty"
    NUMBER = "number"  # 8-digit classic or 20-digit 数电 number (also 7-digit stripped)
    CODE = "code"  # 10/12-digit 发票代码
    QR = "qr"
    NAME = "name"
    TAX_ID = "tax_id"
    AMOUNT = "amount"


class CauseKind(StrEnum):
    NOT_SYNCED = "not_synced"
    TYPED_WRONG = "typed_wrong"
    FILTERED_OUT = "filtered_out"
    OTHER_BRANCH = "other_branch"
    TOO_NEW = "too_new"
    NOT_HERE = "not_here"


@dataclass(frozen=True)
class InvoiceSummary:
    """One row of a result list."""

    id: int
    type: str
    code: str
    number: str
    date: dt.date
    amount: Decimal
    total: Decimal
    buyer_name: str
    seller_name: str
    status: str
    branch: str


@dataclass(frozen=True)
class Cause:
    """One reason an invoice was not found, with what to do about it (texts localised)."""

    kind: CauseKind
    title: str
    detail: str
    action: str
    candidates: tuple[InvoiceSummary, ...] = ()  # near misses the user may have meant


@dataclass(frozen=True)
class LookupResult:
    query: str
    kind: QueryKind
    matches: tuple[InvoiceSummary, ...] = ()
    causes: tuple[Cause, ...] = ()  # only when there are no matches
    more: bool = False  # more matches than the page shows


@dataclass(frozen=True)
class LookupOptions:
    show_void_red: bool = True  # the view filter; hidden ones are reported as FILTERED_OUT
    limit: int = 50
    today: dt.date | None = None
    # The disk's newest record seq and the store's newest synced seq, when a disk is known
    # (the "not synced yet" cause); None when there is no disk.
    disk_last_seq: int | None = None
    store_last_seq: int | None = None
    extra: dict[str, object] = field(default_factory=dict)


def summary(invoice: Invoice) -> InvoiceSummary:
    return InvoiceSummary(
        id=invoice.id, type=invoice.type, code=invoice.code, number=invoice.number,
        date=invoice.date, amount=invoice.amount, total=invoice.total,
        buyer_name=invoice.buyer_name, seller_name=invoice.seller_name, status=invoice.status,
        branch=invoice.branch,
    )  # fmt: skip


def lookup(text: str, session: Session, options: LookupOptions | None = None) -> LookupResult:
    """Matches for ``text`` visible to ``session``, or the diagnosis when there are none."""
    options = options or LookupOptions()
    query = text.strip()
    if not query:
        return LookupResult(query, QueryKind.EMPTY)
    rows = Invoice.select().where(Invoice.number == query).limit(options.limit)
    if not session.all_branches:
        rows = rows.where(Invoice.branch == session.branch)
    return LookupResult(query, QueryKind.NUMBER, tuple(summary(r) for r in rows))


def invoice_detail(invoice_id: int, session: Session) -> Invoice | None:
    """The invoice with its lines, if ``session`` may see it."""
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is None or (not session.all_branches and invoice.branch != session.branch):
        return None
    return invoice
