"""The tracking summary: received invoices counted and summed (价税合计) by 入账 state, by 报销,
by month and by seller, over what the user may see. Sums are taken in whole fen by the
database (``MoneyField``), so they are exact."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import peewee

from storage.accounts.permissions import Permission, require
from storage.accounts.users import Session
from storage.rules.money import from_fen
from storage.store.database import is_sqlite
from storage.store.models import Direction, Invoice, InvoiceStatus
from storage.tracking.states import BookingState

TOP_SELLERS = 10


@dataclass(frozen=True)
class Group:
    key: str  # a state, "YYYY-MM", or the seller's name
    count: int
    total: Decimal
    booked: int = 0  # of them, booked now
    reimbursed: int = 0  # of them, reimbursed

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "count": self.count, "total": f"{self.total:.2f}",
                "booked": self.booked, "reimbursed": self.reimbursed}  # fmt: skip


@dataclass(frozen=True)
class TrackingSummary:
    count: int
    total: Decimal
    by_state: tuple[Group, ...]
    by_reimbursement: tuple[Group, ...]  # keys "reimbursed" / "not_reimbursed"
    by_month: tuple[Group, ...]  # newest first
    by_seller: tuple[Group, ...]  # largest total first, at most TOP_SELLERS
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    other_sellers: int = field(default=0)  # sellers beyond the ones listed

    def to_json(self) -> dict[str, Any]:
        return {
            "count": self.count, "total": f"{self.total:.2f}",
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "by_state": [g.to_json() for g in self.by_state],
            "by_reimbursement": [g.to_json() for g in self.by_reimbursement],
            "by_month": [g.to_json() for g in self.by_month],
            "by_seller": [g.to_json() for g in self.by_seller],
            "other_sellers": self.other_sellers,
        }  # fmt: skip


def _month() -> peewee.Node:
    if is_sqlite():
        return peewee.fn.substr(Invoice.date, 1, 7)
    return peewee.fn.to_char(Invoice.date, "YYYY-MM")


def _fen(value: object) -> Decimal:
    return from_fen(int(value or 0))  # type: ignore[call-overload]


def tracking_summary(
    session: Session, *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> TrackingSummary:
    """Received invoices in ``session``'s branches (void ones left out: never claimable)."""
    require(session, Permission.LOOKUP)
    base = Invoice.select().where(
        (Invoice.direction == Direction.RECEIVED.value)
        & (Invoice.status != InvoiceStatus.VOID.value)
    )
    if not session.all_branches:
        base = base.where(Invoice.branch == session.branch)
    if date_from:
        base = base.where(Invoice.date >= date_from)
    if date_to:
        base = base.where(Invoice.date <= date_to)
    booked_now = peewee.Case(
        None, [(Invoice.booking.not_in([BookingState.UNBOOKED.value,
                                        BookingState.REVOKED.value]), 1)], 0)  # fmt: skip
    paid = peewee.Case(None, [(Invoice.reimbursed == True, 1)], 0)  # noqa: E712
    count, sums = peewee.fn.COUNT(Invoice.id), peewee.fn.SUM(Invoice.total)

    def grouped(key: Any, order: Any, limit: int | None = None) -> list[Group]:
        query = (
            base.select(key.alias("k"), count.alias("n"), sums.alias("s"),
                        peewee.fn.SUM(booked_now).alias("b"), peewee.fn.SUM(paid).alias("r"))
            .group_by(peewee.SQL("1")).order_by(order)  # by position: one expression
        )  # fmt: skip
        if limit:
            query = query.limit(limit)
        return [
            Group(str(row["k"]), int(row["n"]), _fen(row["s"]), int(row["b"] or 0),
                  int(row["r"] or 0))
            for row in query.dicts()
        ]  # fmt: skip

    states = {g.key: g for g in grouped(Invoice.booking, Invoice.booking)}
    by_state = tuple(states[s.value] for s in BookingState if s.value in states)
    by_pay = {g.key: g for g in grouped(Invoice.reimbursed, Invoice.reimbursed)}
    by_reimbursement = tuple(
        Group("reimbursed" if key in ("1", "True", "true") else "not_reimbursed", g.count,
              g.total, g.booked, g.reimbursed)
        for key, g in sorted(by_pay.items(), reverse=True)
    )  # fmt: skip
    by_month = tuple(grouped(_month(), peewee.SQL("1 DESC")))
    sellers = grouped(Invoice.seller_name, sums.desc(), TOP_SELLERS + 1)
    seller_count = base.select(peewee.fn.COUNT(peewee.fn.DISTINCT(Invoice.seller_name))).scalar()
    total_row = base.select(count.alias("n"), sums.alias("s")).dicts().get()
    return TrackingSummary(
        count=int(total_row["n"]), total=_fen(total_row["s"]), by_state=by_state,
        by_reimbursement=by_reimbursement, by_month=by_month,
        by_seller=tuple(sellers[:TOP_SELLERS]), date_from=date_from, date_to=date_to,
        other_sellers=max(0, int(seller_count or 0) - TOP_SELLERS),
    )  # fmt: skip
