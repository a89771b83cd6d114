"""Finding the invoices a parsed query names, newest first, within a scope."""

from __future__ import annotations

import heapq
from typing import Any

from storage.lookup.keywords import invoices_with_keyword
from storage.lookup.names import (
    invoices_named,
    invoices_of_parties,
    parties_named,
    parties_with_tax_id,
)
from storage.lookup.scope import Row, Scope, eq, newest_first
from storage.rules.query_kind import ParsedQuery, QueryKind


def _newest_key(row: Row) -> tuple[Any, int]:
    return (row["date"], row["id"])


def merge_newest(*pages: list[Row], limit: int) -> list[Row]:
    """Newest-first pages merged into one, each invoice once, at most ``limit`` rows."""
    merged: list[Row] = []
    seen: set[int] = set()
    for row in heapq.merge(*pages, key=_newest_key, reverse=True):
        if row["id"] not in seen:
            seen.add(row["id"])
            merged.append(row)
            if len(merged) == limit:
                break
    return merged


def find(query: ParsedQuery, scope: Scope, limit: int, *, qr_amount: bool = True) -> list[Row]:
    """Up to ``limit`` invoices ``query`` names in ``scope``, newest first (names: exact, then
    prefix, then the rest, see ``names.invoices_named``).

    A QR names the invoice with its code and number whose amount agrees (``qr_amount``), or
    with any amount (for "does it exist elsewhere").
    """
    if not query.searchable:
        return []
    if query.kind is QueryKind.NUMBER:
        return newest_first(eq("number", query.digits), scope, limit)
    if query.kind is QueryKind.CODE:
        return newest_first(eq("code", query.digits), scope, limit)
    if query.kind is QueryKind.QR:
        qr = query.qr
        if qr is None or query.qr_swapped:
            return []  # as typed, a swapped QR names no invoice; the diagnosis un-swaps it
        identity = eq("number", qr.number) & eq("code", qr.code)
        if qr_amount:
            identity = identity & eq("total" if qr.amount_is_total else "amount", qr.amount)
        return newest_first(identity, scope, limit)
    if query.kind is QueryKind.AMOUNT:
        # Two index walks in date order, merged: an OR would sort every round amount.
        return merge_newest(
            newest_first(eq("amount", query.amount), scope, limit),
            newest_first(eq("total", query.amount), scope, limit),
            limit=limit,
        )
    if query.kind is QueryKind.TAX_ID:
        parties = tuple(parties_with_tax_id([query.tax_id]))
        return invoices_of_parties(parties, scope, limit) if parties else []
    if query.kind is QueryKind.NAME:
        # A counterparty's name first (indexed, a few ms at a million invoices); a word no
        # name holds is looked for in item names and remarks (a walk: see keywords.py).
        named = invoices_named(parties_named(query.name, limit), scope, limit)
        return named or invoices_with_keyword(query.name, scope, limit)
    return []
