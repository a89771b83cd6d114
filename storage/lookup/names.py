"""Invoices by counterparty name, newest first, fast at a million invoices.

Names are searched over the small ``party`` table through its two-character grams
(``party_gram``), never by scanning invoice names. Then one of two plans, whichever reads fewer
index entries:

- few matching parties: read their invoices through invoice(counterparty, date) and keep the
  newest page;
- many (a term in most names, like 有限): walk the invoices newest first through
  invoice(branch, date) or invoice(date), keeping rows whose counterparty has the grams, and
  stop at the first full page. While the rarest gram's parties are not too many (a place or
  trade name, in hundreds of names), they are read once into a set the walk probes; in most
  names (有限), each invoice's counterparty is looked up instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from storage.lookup.scope import TRUE, Cond, Row, Scope, newest_first, older_than, one_of
from storage.rules.party_names import name_grams, normalize_name
from storage.store.database import database_proxy
from storage.store.models import Direction


@dataclass(frozen=True)
class PartyMatch:
    """The counterparties whose normalised name contains ``name``."""

    name: str
    grams: tuple[str, ...]
    ids: tuple[int, ...] | None  # None: not listed (many; the walk needs no list)
    estimate: int  # how many parties match (when ids is None: have the rarest gram, counted
    # up to WALK_SET_LIMIT + 1)
    rarest: str = ""  # the gram fewest parties have


_NARROWING_GRAMS = 3
#: Up to this many parties with the rarest gram, the walk reads them once into a set (SQLite
#: builds it from the gram index in well under a millisecond; 2-character names of a place or
#: a trade: p95 −30 % at a million invoices) instead of one index probe per invoice walked; a
#: gram in most names (有限, 20,000 parties) is slower as a set than probed.
WALK_SET_LIMIT = 1000


def counterparty_name(row: Row) -> str:
    if row["direction"] == Direction.RECEIVED.value:
        return str(row["seller_name"])
    return str(row["buyer_name"])


def _query(sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    db = database_proxy.obj
    if db.param != "?":
        sql = sql.replace("?", db.param)
    return list(db.execute_sql(sql, params).fetchall())


def _gram_counts(grams: tuple[str, ...], cap: int) -> dict[str, int]:
    """Parties with each gram, counted up to ``cap + 1`` (index ranges, cut short)."""
    parts = [
        f'(SELECT COUNT(*) FROM (SELECT 1 FROM "party_gram" WHERE "gram" = ? LIMIT {cap + 1}) g{i})'
        for i in range(len(grams))
    ]
    (counts,) = _query("SELECT " + ", ".join(parts), grams)
    return {g: int(c) for g, c in zip(grams, counts, strict=True)}


def _party_has_gram() -> str:
    return (
        'EXISTS (SELECT 1 FROM "party_gram" AS "o" WHERE "o"."gram" = ? '
        'AND "o"."party_id" = "party_gram"."party_id")'
    )


def _store_shape() -> tuple[int, float]:
    """(parties, invoices per party), from the id sequences: no count over a big table."""
    ((invoices, parties),) = _query(
        'SELECT (SELECT MAX("id") FROM "invoice"), (SELECT MAX("id") FROM "party")', ()
    )
    invoices, parties = invoices or 0, parties or 0
    return parties, (invoices / parties if parties else 0.0)


def parties_named(text: str, limit: int = 50) -> PartyMatch:
    """The parties whose name contains ``text`` (normalised); listed when reading their
    invoices is cheaper than walking all invoices for a page of ``limit``."""
    name = normalize_name(text)
    grams = tuple(sorted(name_grams(name)))
    if not grams:
        return PartyMatch(name, grams, (), 0)
    parties, per_party = _store_shape()
    # The most parties worth listing: beyond it, walking the date index finds a page sooner
    # than reading every invoice of the parties (k * per_party > limit * parties / k).
    cap = max(1, int((limit * parties / max(per_party, 1.0)) ** 0.5))
    counts = _gram_counts(grams, cap)
    rarest = min(grams, key=lambda g: counts[g])
    if counts[rarest] > cap:
        many = _gram_counts((rarest,), WALK_SET_LIMIT)[rarest]  # a set for the walk?
        return PartyMatch(name, grams, None, many, rarest)
    if counts[rarest] == 0:
        return PartyMatch(name, grams, (), 0)
    # A few more of the rarest grams narrow the rows enough; containment is checked below.
    # Every gram as a semi-join made PostgreSQL plan a 200-way join for a long pasted name.
    others = tuple(sorted((g for g in grams if g != rarest), key=lambda g: counts[g]))
    others = others[:_NARROWING_GRAMS]
    sql = (
        'SELECT "party"."id", "party"."name" FROM "party_gram" '
        'JOIN "party" ON "party"."id" = "party_gram"."party_id" WHERE "party_gram"."gram" = ?'
    )
    sql += "".join(" AND " + _party_has_gram() for _ in others)
    rows = _query(sql, (rarest, *others))
    if len(name) == 2:
        ids = tuple(pid for pid, _ in rows)  # one gram: having it is containing it
    else:
        ids = tuple(pid for pid, pname in rows if name in normalize_name(pname))
    return PartyMatch(name, grams, ids, len(ids))


def invoices_of_parties(ids: tuple[int, ...], scope: Scope, limit: int) -> list[Row]:
    """Up to ``limit`` invoices of these counterparties in ``scope``, newest first."""
    return newest_first(one_of("counterparty_id", ids), scope, limit)


def _invoice_has_gram(gram: str) -> Cond:
    return Cond(
        'EXISTS (SELECT 1 FROM "party_gram" WHERE "party_gram"."gram" = ? '
        'AND "party_gram"."party_id" = "invoice"."counterparty_id")',
        (gram,),
    )


def _invoice_in_gram_set(gram: str) -> Cond:
    return Cond(
        '"invoice"."counterparty_id" IN (SELECT "party_id" FROM "party_gram" WHERE "gram" = ?)',
        (gram,),
    )


def _walk(match: PartyMatch, scope: Scope, batch: int) -> Iterator[Row]:
    """Matching invoices newest first, read from the date-ordered indexes in rounds of
    ``batch`` (another round only when names fail verification or the caller wants more)."""
    membership = TRUE
    grams = match.grams[: 1 + _NARROWING_GRAMS]  # names are verified below
    if match.rarest and match.estimate <= WALK_SET_LIMIT:
        membership = _invoice_in_gram_set(match.rarest)
        grams = tuple(g for g in grams if g != match.rarest)[:_NARROWING_GRAMS]
    for gram in grams:
        membership = membership & _invoice_has_gram(gram)
    verify = len(match.name) > 2  # two characters are one gram: having it is containing it
    after = TRUE
    while True:
        rows = newest_first(membership & after, scope, batch, branch_index=True)
        for row in rows:
            if not verify or match.name in normalize_name(counterparty_name(row)):
                yield row
        if len(rows) < batch:
            return
        after = older_than(rows[-1]["date"], rows[-1]["id"])


RANKED_PARTIES = 200  # exact and prefix tiers listed up to this many parties, else not ranked


def _ranked_parties(name: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """(parties named exactly ``name``, parties whose name starts with it), normalised, each
    read from the party name index; a prefix shared by too many parties ranks nothing."""
    upper = name + "\U0010ffff"
    rows = _query(
        'SELECT "id", "name" FROM "party" WHERE "name" >= ? AND "name" < ? LIMIT ?',
        (name, upper, RANKED_PARTIES + 1),
    )
    exact = tuple(pid for pid, pname in rows if normalize_name(pname) == name)
    if len(rows) > RANKED_PARTIES:
        return exact, ()
    prefix = tuple(
        pid for pid, pname in rows if pid not in exact and normalize_name(pname).startswith(name)
    )
    return exact, prefix


def invoices_named(match: PartyMatch, scope: Scope, limit: int) -> list[Row]:
    """Up to ``limit`` invoices with a matching counterparty in ``scope``: those named exactly
    the text first, then those whose name starts with it, then the rest; newest first within
    each. (A clerk typing 光明 wants 光明's invoices, not the newest of 南京光明….)"""
    exact, prefix = _ranked_parties(match.name) if match.name else ((), ())
    if match.ids is not None:
        exact = tuple(p for p in exact if p in match.ids)
        prefix = tuple(p for p in prefix if p in match.ids)
    rows: list[Row] = []
    for tier in (exact, prefix):
        if tier and len(rows) < limit:
            rows += invoices_of_parties(tier, scope, limit - len(rows))
    if len(rows) >= limit:
        return rows[:limit]
    ranked = set(exact) | set(prefix)
    if match.ids is not None:
        rest = tuple(p for p in match.ids if p not in ranked)
        return rows + (invoices_of_parties(rest, scope, limit - len(rows)) if rest else [])
    for row in _walk(match, scope, limit):
        if row["counterparty_id"] in ranked:
            continue
        rows.append(row)
        if len(rows) >= limit:
            break
    return rows


def parties_with_tax_id(tax_ids: list[str]) -> dict[int, str]:
    """Party id → tax id for the parties with any of ``tax_ids``."""
    if not tax_ids:
        return {}
    marks = ", ".join("?" * len(tax_ids))
    rows = _query(f'SELECT "id", "tax_id" FROM "party" WHERE "tax_id" IN ({marks})', tuple(tax_ids))
    return {pid: tid for pid, tid in rows}
