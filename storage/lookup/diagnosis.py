"""Why an invoice was not found (SPEC "Lookup and the 'not found' diagnosis").

Only causes that hold are listed. Facts about the very invoice asked for come first (it is
hidden by the view filter; it lies in another branch), then the likely explanations (the disk
holds unsynced records; near misses that exist), then "too new for the bureau", and "not here
at all" always last with the checklist's remaining steps.

Near misses are looked up in one ``IN (…)`` query per kind of slip, within the user's own
branch only: a near miss in another branch is never shown, not even as a hint.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from storage.lookup.names import invoices_of_parties, parties_with_tax_id
from storage.lookup.scope import Row, Scope, between, eq, ne, newest_first, one_of
from storage.lookup.search import find, merge_newest
from storage.rules.near_misses import (
    Slip,
    code_slips,
    joined_code_and_number,
    number_slips,
    tax_id_slips,
)
from storage.rules.query_kind import ParsedQuery, QueryKind

#: Candidates listed under one cause.
CANDIDATES = 10
#: "Same amount within a few days" of a QR's issue date.
NEARBY_DAYS = 3


@dataclass(frozen=True)
class Finding:
    """One cause that holds, before its texts are written (storage.lookup.engine localises it)."""

    kind: str  # a CauseKind value
    key: str  # message key prefix, e.g. "lookup.typed_wrong.changed"
    fields: dict[str, object]
    rows: tuple[Row, ...] = ()


@dataclass(frozen=True)
class Context:
    session_scope: Scope  # the user's branch(es), any status: where candidates may come from
    filtered_scope: Scope | None  # hidden by the view filter (None: the view hides nothing)
    other_scope: Scope | None  # other branches (None: the user sees them all)
    disk_last_seq: int | None
    store_last_seq: int | None
    today: dt.date


def _slip_findings(
    rows: list[Row], slip_of: Callable[[Row], Slip | None], field_key: str, typed: str
) -> list[Finding]:
    """Near-miss rows grouped by slip, most common slip first."""
    groups: dict[Slip, list[Row]] = {}
    for row in rows:
        slip = slip_of(row)
        if slip is not None:
            groups.setdefault(slip, []).append(row)
    return [
        Finding("typed_wrong", f"lookup.typed_wrong.{slip.value}",
                {"field_key": field_key, "n": len(typed)}, tuple(groups[slip][:CANDIDATES]))
        for slip in Slip
        if slip in groups
    ]  # fmt: skip


def _number_near_misses(digits: str, scope: Scope, code: str | None = None) -> list[Finding]:
    variants = number_slips(digits)
    if not variants:
        return []
    condition = one_of("number", sorted(variants))
    if code is not None:
        condition = condition & eq("code", code)
    rows = newest_first(condition, scope, CANDIDATES * 4)
    return _slip_findings(rows, lambda r: variants.get(r["number"]), "lookup.field.number", digits)


def _code_near_misses(digits: str, scope: Scope) -> list[Finding]:
    variants = code_slips(digits)
    rows = newest_first(one_of("code", sorted(variants)), scope, CANDIDATES * 4)
    return _slip_findings(rows, lambda r: variants.get(r["code"]), "lookup.field.code", digits)


def _joined(digits: str, scope: Scope) -> list[Finding]:
    split = joined_code_and_number(digits)
    if split is None:
        return []
    code, number = split
    rows = newest_first(eq("number", number) & eq("code", code), scope, CANDIDATES)
    if not rows:
        return []
    return [Finding("typed_wrong", "lookup.typed_wrong.joined", {"code": code, "number": number},
                    tuple(rows))]  # fmt: skip


def _tax_id_near_misses(tax_id: str, scope: Scope) -> list[Finding]:
    variants = tax_id_slips(tax_id)
    parties = parties_with_tax_id(sorted(variants))
    if not parties:
        return []
    rows = invoices_of_parties(tuple(parties), scope, CANDIDATES * 4)

    def slip_of(row: Row) -> Slip | None:
        return variants.get(parties.get(row["counterparty_id"], ""))

    return _slip_findings(rows, slip_of, "lookup.field.tax_id", tax_id)


def _qr_near_misses(query: ParsedQuery, scope: Scope) -> list[Finding]:
    qr = query.qr
    assert qr is not None
    identity = eq("number", qr.number) & eq("code", qr.code)
    if query.qr_swapped:
        rows = newest_first(identity, scope, CANDIDATES)
        if not rows:
            return []
        return [Finding("typed_wrong", "lookup.typed_wrong.code_number_swapped",
                        {"code": qr.code, "number": qr.number}, tuple(rows))]  # fmt: skip
    findings: list[Finding] = []
    listed: set[int] = set()
    for row in newest_first(identity, scope, CANDIDATES):
        # The code and number exist; the amount the QR carries does not agree.
        given = qr.amount
        if not qr.amount_is_total and row["total"] == given:
            key, fields = "total_for_amount", {"given": given, "amount": row["amount"]}
        elif qr.amount_is_total and row["amount"] == given:
            key, fields = "amount_for_total", {"given": given, "total": row["total"]}
        else:
            key = "amount_differs"
            fields = {"given": given, "amount": row["amount"], "total": row["total"]}
        findings.append(Finding("typed_wrong", f"lookup.typed_wrong.{key}", fields, (row,)))
        listed.add(row["id"])
    if qr.code:
        other_code = newest_first(eq("number", qr.number) & ne("code", qr.code), scope, CANDIDATES)
        if other_code:
            findings.append(Finding("typed_wrong", "lookup.typed_wrong.other_code",
                                    {"number": qr.number, "code": qr.code}, tuple(other_code)))  # fmt: skip
    findings += _number_near_misses(qr.number, scope, code=qr.code)
    listed.update(r["id"] for f in findings for r in f.rows)
    nearby = _same_amount_nearby(qr.amount, qr.date, scope)
    nearby = [r for r in nearby if r["id"] not in listed]
    if nearby:
        findings.append(Finding("typed_wrong", "lookup.typed_wrong.same_amount_nearby",
                                {"date": qr.date.isoformat(), "days": NEARBY_DAYS,
                                 "amount": qr.amount}, tuple(nearby)))  # fmt: skip
    return findings


def _same_amount_nearby(amount: Any, date: dt.date, scope: Scope) -> list[Row]:
    days = dt.timedelta(days=NEARBY_DAYS)
    window = between("date", date - days, date + days)
    return merge_newest(
        newest_first(eq("amount", amount) & window, scope, CANDIDATES),
        newest_first(eq("total", amount) & window, scope, CANDIDATES),
        limit=CANDIDATES,
    )


VERIFIABLE_YEARS = 5  # the national verification service (查验) covers five years back


def _too_old(query: ParsedQuery, today: dt.date) -> list[Finding]:
    """An invoice issued over five years ago (by its QR's date): outside 查验, and likely
    never entered here."""
    try:
        limit = today.replace(year=today.year - VERIFIABLE_YEARS)
    except ValueError:  # 29 February
        limit = today.replace(year=today.year - VERIFIABLE_YEARS, day=28)
    if query.kind is QueryKind.QR and query.qr is not None and query.qr.date < limit:
        return [Finding("too_old", "lookup.too_old", {"date": query.qr.date.isoformat()})]
    # Not from a 20-digit number's first two digits: 数电 numbers began in 2021, so an older
    # "year" there is a code and a number typed as one, which the near misses explain.
    return []


def _typed_wrong(query: ParsedQuery, scope: Scope) -> list[Finding]:
    if query.kind is QueryKind.NUMBER:
        return _number_near_misses(query.digits, scope) + _joined(query.digits, scope)
    if query.kind is QueryKind.CODE:
        return _code_near_misses(query.digits, scope)
    if query.kind is QueryKind.TAX_ID:
        return _tax_id_near_misses(query.tax_id, scope) + _joined(query.digits, scope)
    if query.kind is QueryKind.QR and query.qr is not None:
        return _qr_near_misses(query, scope)
    return []


def diagnose(query: ParsedQuery, ctx: Context) -> list[Finding]:
    """The causes that hold for a query with no visible match, most likely first."""
    findings: list[Finding] = _too_old(query, ctx.today)
    if ctx.filtered_scope is not None:
        hidden = find(query, ctx.filtered_scope, CANDIDATES)
        if hidden:
            findings.append(Finding("filtered_out", "lookup.filtered_out", {"n": len(hidden)},
                                    tuple(hidden)))  # fmt: skip
    if ctx.other_scope is not None and find(query, ctx.other_scope, 1, qr_amount=False):
        # Nothing of it is carried along: not a row, not a field, not the branch's name.
        findings.append(Finding("other_branch", "lookup.other_branch", {}))
    # The invoice asked for exists (hidden or elsewhere): near misses would only be noise.
    exact_exists = bool(findings)
    disk, store = ctx.disk_last_seq, ctx.store_last_seq
    if disk is not None and disk > (store or 0):
        findings.append(
            Finding("not_synced", "lookup.not_synced", {"disk": disk, "store": store or 0})
        )
    if not exact_exists:
        findings += _typed_wrong(query, ctx.session_scope)
    if query.kind is QueryKind.QR and query.qr is not None and query.qr.date == ctx.today:
        findings.append(Finding("too_new", "lookup.too_new", {"date": query.qr.date.isoformat()}))
    findings.append(Finding("not_here", "lookup.not_here", {"after": len(findings) > 0}))
    return findings
