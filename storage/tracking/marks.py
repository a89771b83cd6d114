"""Marking received invoices 入账 / 报销, in bulk: the one use case below the lookup screen
and ``fapiao mark``.

All or nothing: every invoice named is checked first (found, visible to the user, received,
not already on another claim), then all are changed, one history row each (``InvoiceMark``),
and one audit entry names the batch, all in one write transaction. A refusal changes nothing
and is audited as refused. Who may: clerks and supervisors mark; only a supervisor takes a
reimbursement back, since that reopens the invoice to a second claim.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import cast

from storage.accounts.permissions import Permission, require
from storage.accounts.users import Session
from storage.audit import chain as audit
from storage.messages import Listing, MessageError
from storage.store.database import database_proxy, write
from storage.store.models import Direction, Invoice, InvoiceMark
from storage.tracking.identities import Identity
from storage.tracking.states import BookingState, is_booked

CHUNK = 500  # ids per IN list and rows per insert: far below every driver's limit
NAMED = 10  # invoices named in a refusal; the count says how many more
_PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


class MarkRefused(MessageError):
    """Nothing was marked, and why (names the invoices at fault)."""


@dataclass(frozen=True)
class Booking:
    """入账 in one of the bureau's states, for a tax period (YYYY-MM; this month if empty
    for a booked state)."""

    state: BookingState
    period: str = ""


@dataclass(frozen=True)
class Reimbursed:
    """报销 on an expense claim."""

    claim_ref: str = ""


@dataclass(frozen=True)
class UndoReimbursed:
    """The claim is withdrawn: the invoice is free to be claimed again."""


Mark = Booking | Reimbursed | UndoReimbursed


@dataclass(frozen=True)
class MarkResult:
    batch: str  # the audit entry's and the history rows' batch id
    invoices: int  # invoices named
    changed: int  # of them, those whose state changed (the rest already were so)
    kind: str  # "booking" | "reimbursement"
    state: str
    period: str
    claim_ref: str
    at: dt.datetime


def _chunks(items: Sequence[int], size: int = CHUNK) -> Iterable[list[int]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def permission_for(mark: Mark) -> Permission:
    return Permission.UNDO_REIMBURSED if isinstance(mark, UndoReimbursed) else Permission.MARK


def check_period(period: str) -> str:
    """``YYYY-MM`` as given, or ``MarkRefused``."""
    if period and not _PERIOD.match(period):
        raise MarkRefused("tracking.bad_period", value=period[:20])
    return period


def _named(items: Sequence[str]) -> dict[str, object]:
    return {"names": Listing(tuple(items[:NAMED])), "n": len(items),
            "more": max(0, len(items) - NAMED)}  # fmt: skip


def _identity_text(row: dict[str, object]) -> str:
    return f"{row['code']} {row['number']}" if row["code"] else str(row["number"])


def resolve(identities: Sequence[Identity], session: Session) -> list[int]:
    """Invoice ids for ``identities``, in order; refused naming any the user cannot see (an
    invoice of another branch is "not found": it is not theirs to know about)."""
    wanted = {i.key for i in identities}
    found: dict[tuple[str, str], int] = {}
    numbers = sorted({i.number for i in identities})
    for start in range(0, len(numbers), CHUNK):
        query = Invoice.select(Invoice.id, Invoice.number, Invoice.code, Invoice.branch).where(
            Invoice.number.in_(numbers[start : start + CHUNK])
        )
        for row in query.dicts():
            key = (row["number"], row["code"])
            if key in wanted and (session.all_branches or row["branch"] == session.branch):
                found[key] = row["id"]
    missing = [i.text() for i in identities if i.key not in found]
    if missing:
        raise MarkRefused("tracking.not_found", **_named(missing))
    return list(dict.fromkeys(found[i.key] for i in identities))


def _rows(ids: Sequence[int]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for chunk in _chunks(ids):
        rows.extend(
            Invoice.select(Invoice.id, Invoice.number, Invoice.code, Invoice.branch,
                           Invoice.direction, Invoice.booking, Invoice.booking_period,
                           Invoice.reimbursed, Invoice.claim_ref)
            .where(Invoice.id.in_(chunk)).dicts()
        )  # fmt: skip
    return rows


def _check(rows: list[dict[str, object]], ids: Sequence[int], session: Session, mark: Mark) -> None:
    visible = {r["id"] for r in rows if session.all_branches or r["branch"] == session.branch}
    if len(visible) < len(set(ids)):
        raise MarkRefused("tracking.not_found", **_named([str(i) for i in ids if i not in visible]))
    issued = [_identity_text(r) for r in rows if r["direction"] != Direction.RECEIVED.value]
    if issued:
        raise MarkRefused("tracking.not_received", **_named(issued))
    if isinstance(mark, Reimbursed):
        again = [f"{_identity_text(r)} ({r['claim_ref'] or '-'})" for r in rows if r["reimbursed"]]
        if again:
            raise MarkRefused("tracking.already_reimbursed", **_named(again))


def _changes(
    mark: Mark, who: str, now: dt.datetime
) -> tuple[str, str, str, str, dict[str, object]]:
    """(kind, state, period, claim, invoice columns to set)."""
    if isinstance(mark, Booking):
        period = mark.period
        if not period and is_booked(mark.state.value):
            period = f"{now:%Y-%m}"
        fields: dict[str, object] = {"booking": mark.state.value, "booking_period": period,
                                     "booked_by": who, "booked_at": now}  # fmt: skip
        return "booking", mark.state.value, period, "", fields
    if isinstance(mark, Reimbursed):
        fields = {"reimbursed": True, "claim_ref": mark.claim_ref, "reimbursed_by": who,
                  "reimbursed_at": now}  # fmt: skip
        return "reimbursement", "reimbursed", "", mark.claim_ref, fields
    fields = {"reimbursed": False, "claim_ref": "", "reimbursed_by": who, "reimbursed_at": now}
    return "reimbursement", "not_reimbursed", "", "", fields


_HISTORY_COLUMNS = ("invoice_id", "kind", "state", "period", "claim_ref", "by_user", "at", "batch")


def _add_history(rows: list[tuple[object, ...]]) -> None:
    """History rows through the driver's executemany: peewee's ``insert_many`` spends most of
    a 10,000-invoice mark building its SQL."""
    db = database_proxy.obj
    marks = ", ".join([db.param] * len(_HISTORY_COLUMNS))
    sql = f'INSERT INTO "invoice_mark" ({", ".join(_HISTORY_COLUMNS)}) VALUES ({marks})'
    db.cursor().executemany(sql, rows)


def _unchanged(row: dict[str, object], mark: Mark, state: str, period: str) -> bool:
    if isinstance(mark, Booking):
        return row["booking"] == state and row["booking_period"] == period
    return not row["reimbursed"] if isinstance(mark, UndoReimbursed) else False


def mark_invoices(
    session: Session, ids: Sequence[int], mark: Mark, *, now: dt.datetime | None = None
) -> MarkResult:
    """Mark the invoices ``ids`` (all of them, or none: ``MarkRefused``)."""
    require(session, permission_for(mark))
    if isinstance(mark, Booking):
        check_period(mark.period)
        if mark.state is BookingState.UNRECORDED:
            raise MarkRefused("tracking.bad_state", value=mark.state.value)
    if isinstance(mark, Reimbursed) and len(mark.claim_ref) > 64:
        raise MarkRefused("tracking.claim_too_long", n=64)
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise MarkRefused("tracking.nothing_selected")
    when = now or dt.datetime.now().replace(microsecond=0)
    batch = uuid.uuid4().hex
    kind, state, period, claim, fields = _changes(mark, session.username, when)

    at = InvoiceMark.at.db_value(when)

    def run() -> MarkResult:
        rows = _rows(ids)
        _check(rows, ids, session, mark)
        to_change = [cast(int, r["id"]) for r in rows if not _unchanged(r, mark, state, period)]
        for chunk in _chunks(to_change):
            Invoice.update(**fields, updated_at=when).where(Invoice.id.in_(chunk)).execute()
            _add_history([(i, kind, state, period, claim, session.username, at, batch)
                          for i in chunk])  # fmt: skip
        audit.record(session.username, "mark", target=f"{kind}:{state}", batch=batch,
                     invoices=len(ids), changed=len(to_change), period=period, claim=claim,
                     first_id=min(ids), last_id=max(ids))  # fmt: skip
        return MarkResult(batch, len(ids), len(to_change), kind, state, period, claim, when)

    try:
        return write(run)
    except MarkRefused as exc:
        audit.record(session.username, "mark", target=f"{kind}:{state}", ok=False,
                     reason=exc.message.key, invoices=len(ids))  # fmt: skip
        raise


def mark_identities(
    session: Session, identities: Sequence[Identity], mark: Mark, *, now: dt.datetime | None = None
) -> MarkResult:
    """``mark_invoices`` for invoices named by identity (the command line, a file)."""
    require(session, permission_for(mark))
    if not identities:
        raise MarkRefused("tracking.nothing_selected")
    try:
        ids = resolve(identities, session)
    except MarkRefused as exc:
        audit.record(session.username, "mark", target="resolve", ok=False,
                     reason=exc.message.key, invoices=len(identities))  # fmt: skip
        raise
    return mark_invoices(session, ids, mark, now=now)


@dataclass(frozen=True)
class MarkHistoryRow:
    kind: str
    state: str
    period: str
    claim_ref: str
    by_user: str
    at: dt.datetime


def history(invoice_id: int) -> list[MarkHistoryRow]:
    """Every mark of one invoice, oldest first."""
    query = (
        InvoiceMark.select()
        .where(InvoiceMark.invoice == invoice_id)
        .order_by(InvoiceMark.at, InvoiceMark.id)
    )
    return [MarkHistoryRow(m.kind, m.state, m.period, m.claim_ref, m.by_user, m.at) for m in query]
