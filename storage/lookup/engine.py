"""The lookup engine behind ``fapiao lookup`` and the lookup screen (SPEC "Lookup").

One box takes a number, code, QR string, counterparty name (from 2 characters), tax id or
amount. Matches come newest first; with none, the diagnosis says why, most likely cause first.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

import peewee

from storage.accounts.users import Session
from storage.lookup.diagnosis import Context, Finding, diagnose
from storage.lookup.scope import Scope
from storage.lookup.search import find
from storage.messages import Message, MessageError, t
from storage.rules.money import format_money
from storage.rules.query_kind import ParsedQuery, QueryKind, classify
from storage.store.database import database_proxy
from storage.store.models import Invoice

__all__ = [
    "Cause",
    "CauseKind",
    "InvoiceSummary",
    "LookupFailed",
    "LookupOptions",
    "LookupResult",
    "QueryKind",
    "invoice_detail",
    "lookup",
    "summary",
]


log = logging.getLogger("fapiao.lookup")


class LookupFailed(MessageError):
    """The store answers but could not run this search: the search's fault, not the store's
    (the store being down is ``peewee.OperationalError`` as it came)."""


class CauseKind(StrEnum):
    NOT_SYNCED = "not_synced"
    TYPED_WRONG = "typed_wrong"
    FILTERED_OUT = "filtered_out"
    OTHER_BRANCH = "other_branch"
    TOO_NEW = "too_new"
    TOO_OLD = "too_old"
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
    direction: str = "issued"
    booking: str = "unbooked"  # 入账 state (storage.tracking.states)
    reimbursed: bool = False  # 报销: shown loudly wherever the invoice turns up again

    @property
    def counterparty_name(self) -> str:
        """The other side: the buyer of an issued invoice, the seller of a received one."""
        return self.seller_name if self.direction == "received" else self.buyer_name

    @property
    def status_text(self) -> str:
        """正常 / 作废 / 红冲 / 失控 / 异常 (current language)."""
        return status_text(self.status)


@dataclass(frozen=True)
class Cause:
    """One reason an invoice was not found, with what to do about it: messages, rendered (and
    rendered again on a language switch) where they are shown."""

    kind: CauseKind
    title: Message
    detail: Message
    action: Message
    candidates: tuple[InvoiceSummary, ...] = ()  # near misses the user may have meant
    lead: Message | None = None  # a line before the detail ("if none of the above applies:")


@dataclass(frozen=True)
class LookupResult:
    query: str
    kind: QueryKind
    matches: tuple[InvoiceSummary, ...] = ()
    causes: tuple[Cause, ...] = ()  # only when there are no matches
    more: bool = False  # more matches than the page shows
    problem: Message | None = None  # why the text cannot be searched (too short, unreadable QR)


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


def status_text(status: str) -> str:
    try:
        return t(f"status.{status}")
    except KeyError:
        return status


def summary(invoice: Invoice) -> InvoiceSummary:
    return InvoiceSummary(
        id=invoice.id, type=invoice.type, code=invoice.code, number=invoice.number,
        date=invoice.date, amount=invoice.amount, total=invoice.total,
        buyer_name=invoice.buyer_name, seller_name=invoice.seller_name, status=invoice.status,
        branch=invoice.branch, direction=invoice.direction, booking=invoice.booking,
        reimbursed=bool(invoice.reimbursed),
    )  # fmt: skip


def _summary_of_row(row: dict[str, Any]) -> InvoiceSummary:
    date = row["date"]
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    return InvoiceSummary(
        id=row["id"], type=row["type"], code=row["code"], number=row["number"], date=date,
        amount=row["amount"], total=row["total"], buyer_name=row["buyer_name"],
        seller_name=row["seller_name"], status=row["status"], branch=row["branch"],
        direction=row["direction"], booking=row.get("booking", "unbooked"),
        reimbursed=bool(row.get("reimbursed")),
    )  # fmt: skip


def _text(value: object) -> object:
    return format_money(value) if isinstance(value, Decimal) else value


def _cause(finding: Finding) -> Cause:
    fields = {k: _text(v) for k, v in finding.fields.items()}
    if "field_key" in fields:
        fields["field"] = Message(str(fields.pop("field_key")))
    kind = CauseKind(finding.kind)
    lead = None
    if kind is CauseKind.NOT_HERE and fields.get("after"):
        lead = Message("lookup.not_here.detail_after")
    action_key = (
        "lookup.typed_wrong.action" if kind is CauseKind.TYPED_WRONG else f"{finding.key}.action"
    )
    candidates = tuple(_summary_of_row(r) for r in finding.rows)
    return Cause(kind, Message(f"{finding.key}.title", fields),
                 Message(f"{finding.key}.detail", fields), Message(action_key), candidates, lead)  # fmt: skip


def _store_answers() -> bool:
    try:
        database_proxy.obj.execute_sql("SELECT 1").fetchall()
    except (peewee.OperationalError, peewee.InterfaceError):
        return False
    return True


def lookup(text: str, session: Session, options: LookupOptions | None = None) -> LookupResult:
    """Matches for ``text`` visible to ``session``, or the diagnosis when there are none.

    Raises ``LookupFailed`` when the store answers but refused the search itself, and
    ``peewee.OperationalError`` only when the store does not answer."""
    options = options or LookupOptions()
    query = classify(text)
    if query.kind is QueryKind.EMPTY:
        return LookupResult(query.text, query.kind)
    if query.problem:
        return LookupResult(query.text, query.kind, problem=query.problem_message())
    try:
        return _search(query, session, options)
    except peewee.OperationalError as exc:
        if not _store_answers():
            raise
        log.error("lookup of a %s query (%d characters) failed: %s", query.kind.value,
                  len(query.text), exc)  # fmt: skip
        raise LookupFailed("lookup.failed", detail=exc) from exc


def _search(query: ParsedQuery, session: Session, options: LookupOptions) -> LookupResult:
    scope = Scope.visible(session, show_void_red=options.show_void_red)
    limit = max(1, options.limit)
    rows = find(query, scope, limit + 1)
    if rows:
        matches = tuple(_summary_of_row(r) for r in rows[:limit])
        return LookupResult(query.text, query.kind, matches, more=len(rows) > limit)
    ctx = Context(
        session_scope=Scope.visible(session),
        filtered_scope=None if options.show_void_red else Scope.filtered_out(session),
        other_scope=Scope.other_branches(session),
        disk_last_seq=options.disk_last_seq,
        store_last_seq=options.store_last_seq,
        today=options.today or dt.date.today(),
    )
    causes = tuple(_cause(f) for f in diagnose(query, ctx))
    return LookupResult(query.text, query.kind, causes=causes)


def invoice_detail(invoice_id: int, session: Session) -> Invoice | None:
    """The invoice with its lines, if ``session`` may see it."""
    invoice: Invoice | None = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is None or (not session.all_branches and invoice.branch != session.branch):
        return None
    return invoice
