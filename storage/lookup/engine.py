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
from storage.messages import MessageError, language, t
from storage.rules.invoice_types import type_name
from storage.rules.money import format_money
from storage.rules.query_kind import ParsedQuery, QueryKind, classify
from storage.store.database import database_proxy
from storage.store.models import Invoice, InvoiceLine

__all__ = [
    "Cause",
    "CauseKind",
    "InvoiceDetail",
    "InvoiceSummary",
    "LookupFailed",
    "LookupOptions",
    "LookupResult",
    "QueryKind",
    "invoice_detail",
    "invoice_detail_view",
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
    problem: str = ""  # why the text cannot be searched (too short, unreadable QR), localised


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
        branch=invoice.branch, direction=invoice.direction,
    )  # fmt: skip


def _summary_of_row(row: dict[str, Any]) -> InvoiceSummary:
    date = row["date"]
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    return InvoiceSummary(
        id=row["id"], type=row["type"], code=row["code"], number=row["number"], date=date,
        amount=row["amount"], total=row["total"], buyer_name=row["buyer_name"],
        seller_name=row["seller_name"], status=row["status"], branch=row["branch"],
        direction=row["direction"],
    )  # fmt: skip


def _text(value: object) -> object:
    return format_money(value) if isinstance(value, Decimal) else value


def _cause(finding: Finding) -> Cause:
    fields = {k: _text(v) for k, v in finding.fields.items()}
    if "field_key" in fields:
        fields["field"] = t(str(fields.pop("field_key")))
    kind = CauseKind(finding.kind)
    title = t(f"{finding.key}.title", **fields)
    detail = t(f"{finding.key}.detail", **fields)
    if kind is CauseKind.NOT_HERE and fields.get("after"):
        detail = t("lookup.not_here.detail_after") + detail
    action_key = (
        "lookup.typed_wrong.action" if kind is CauseKind.TYPED_WRONG else f"{finding.key}.action"
    )
    candidates = tuple(_summary_of_row(r) for r in finding.rows)
    return Cause(kind, title, detail, t(action_key), candidates)


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
        return LookupResult(query.text, query.kind, problem=query.problem_message().text())
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
    invoice = Invoice.get_or_none(Invoice.id == invoice_id)
    if invoice is None or (not session.all_branches and invoice.branch != session.branch):
        return None
    return invoice


@dataclass(frozen=True)
class InvoiceDetail:
    """Everything the detail view shows, as (label, text) pairs in the current language."""

    id: int
    status: str
    fields: tuple[tuple[str, str], ...]
    lines: tuple[tuple[tuple[str, str], ...], ...]


_DETAIL_FIELDS = (
    "type", "code", "number", "date", "check_code", "amount", "tax", "total", "rate",
    "buyer_name", "buyer_tax_id", "seller_name", "seller_tax_id", "status", "red_of",
    "direction", "booked", "reimbursed", "branch", "source", "synced_at", "remark",
)  # fmt: skip
_LINE_FIELDS = ("item", "spec", "unit", "quantity", "unit_price", "amount", "rate", "tax")


def _rate_text(rate: str) -> str:
    try:
        return f"{Decimal(rate) * 100:g}%" if rate else ""
    except ArithmeticError:
        return rate


def _field_text(invoice: Invoice, name: str) -> str:
    value = getattr(invoice, name)
    if name == "type":
        return f"{value} {type_name(value, language())}".strip()
    if name == "status":
        return status_text(value)
    if name in ("direction", "source"):
        return t(f"{name}.{value}") if value else ""
    if name in ("booked", "reimbursed"):
        return t("lookup.yes" if value else "lookup.no")
    if name == "rate":
        return _rate_text(value)
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return "" if value is None else str(value)


def invoice_detail_view(invoice_id: int, session: Session) -> InvoiceDetail | None:
    """All of an invoice's fields and lines, labelled, if ``session`` may see it."""
    invoice = invoice_detail(invoice_id, session)
    if invoice is None:
        return None
    fields = tuple(
        (t(f"lookup.label.{name}"), _field_text(invoice, name)) for name in _DETAIL_FIELDS
    )
    lines = []
    for line in (
        InvoiceLine.select().where(InvoiceLine.invoice == invoice.id).order_by(InvoiceLine.line_no)
    ):
        lines.append(tuple(
            (t(f"lookup.label.line_{name}"),
             _rate_text(line.rate) if name == "rate" else _text_of(getattr(line, name)))
            for name in _LINE_FIELDS
        ))  # fmt: skip
    return InvoiceDetail(invoice.id, invoice.status, fields, tuple(lines))


def _text_of(value: object) -> str:
    return format_money(value) if isinstance(value, Decimal) else str(value)
