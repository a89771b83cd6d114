"""Which invoices a search may return, and the one query shape every lookup runs.

Lookup asks the same question under several scopes: what the user sees, what the view filter
hides, what lies in other branches (only ever counted, never shown).

The result query is written as SQL text here rather than built by peewee per call: building
it costs more than running it (a number lookup at 1M invoices runs in about 0.1 ms), and the
engine must answer within a millisecond. It is plain SQL that SQLite and PostgreSQL share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from storage.accounts.users import Session
from storage.rules.money import from_fen, to_fen
from storage.store.database import database_proxy, is_sqlite
from storage.store.models import InvoiceStatus

#: What the view filter "show void/red" hides.
VOID_RED = (InvoiceStatus.VOID.value, InvoiceStatus.RED.value)

#: The columns a result row has (InvoiceSummary, plus what name and tax id checks need).
SUMMARY_COLUMNS = (
    "id", "type", "code", "number", "date", "amount", "total", "buyer_name", "seller_name",
    "status", "branch", "direction", "counterparty_id", "booking", "reimbursed",
)  # fmt: skip
_SELECT = "SELECT " + ", ".join(f'"invoice"."{c}"' for c in SUMMARY_COLUMNS) + ' FROM "invoice"'
_NEWEST_FIRST = ' ORDER BY "invoice"."date" DESC, "invoice"."id" DESC LIMIT '

Row = dict[str, Any]


@dataclass(frozen=True)
class Cond:
    """A SQL condition with ``?`` placeholders and its parameters."""

    sql: str
    params: tuple[Any, ...] = ()

    def __and__(self, other: Cond) -> Cond:
        return Cond(f"({self.sql}) AND ({other.sql})", self.params + other.params)


TRUE = Cond("1 = 1")


def db_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return to_fen(value)
    if isinstance(value, dt.date) and is_sqlite():
        return value.isoformat()
    return value


def eq(column: str, value: Any) -> Cond:
    return Cond(f'"invoice"."{column}" = ?', (db_value(value),))


def ne(column: str, value: Any) -> Cond:
    return Cond(f'"invoice"."{column}" <> ?', (db_value(value),))


def one_of(column: str, values: Iterable[Any], *, indexed: bool = True) -> Cond:
    """``column IN (…)``; ``indexed=False`` keeps the planner from leading with its index."""
    items = tuple(db_value(v) for v in values)
    if not items:
        return Cond("1 = 0")
    target = f'"invoice"."{column}"' if indexed else f'("invoice"."{column}" + 0)'
    return Cond(f"{target} IN ({', '.join('?' * len(items))})", items)


def between(column: str, low: Any, high: Any) -> Cond:
    return Cond(f'"invoice"."{column}" BETWEEN ? AND ?', (db_value(low), db_value(high)))


def older_than(date: Any, invoice_id: int) -> Cond:
    """Rows after (date, id) in newest-first order: the next round of a keyset walk."""
    d = db_value(date)
    return Cond(
        '"invoice"."date" < ? OR ("invoice"."date" = ? AND "invoice"."id" < ?)', (d, d, invoice_id)
    )


@dataclass(frozen=True)
class Scope:
    branch: str | None = None  # only this branch (None: every branch)
    not_branch: str | None = None  # every branch but this one
    only_statuses: tuple[str, ...] = ()  # only these statuses (empty: any)
    hidden_statuses: tuple[str, ...] = ()  # never these

    @classmethod
    def visible(cls, session: Session, *, show_void_red: bool = True) -> Scope:
        """What ``session`` sees through the view filter."""
        return cls(
            branch=None if session.all_branches else session.branch,
            hidden_statuses=() if show_void_red else VOID_RED,
        )

    @classmethod
    def filtered_out(cls, session: Session) -> Scope:
        """What the user could see but the void/red filter hides."""
        return cls(branch=None if session.all_branches else session.branch, only_statuses=VOID_RED)

    @classmethod
    def other_branches(cls, session: Session) -> Scope | None:
        """Invoices the user may not see; None for a user who sees every branch."""
        return None if session.all_branches else cls(not_branch=session.branch)

    def where(self, *, branch_index: bool = False) -> Cond:
        """The condition for this scope.

        Lookups by number, code, amount or counterparty must be led by their own index; only a
        walk over a whole branch in date order wants the branch index (``branch_index``).
        """
        cond = TRUE
        if self.branch is not None:
            column = '"invoice"."branch"' if branch_index else '("invoice"."branch" || \'\')'
            cond = cond & Cond(f"{column} = ?", (self.branch,))
        if self.not_branch is not None:
            cond = cond & Cond('"invoice"."branch" <> ?', (self.not_branch,))
        if self.only_statuses:
            cond = cond & one_of("status", self.only_statuses)
        if self.hidden_statuses:
            marks = ", ".join("?" * len(self.hidden_statuses))
            cond = cond & Cond(f'"invoice"."status" NOT IN ({marks})', self.hidden_statuses)
        return cond


def _date(value: Any) -> dt.date:
    if isinstance(value, str):
        return dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise TypeError(f"not a date: {type(value).__name__}")


def _row(values: Sequence[Any]) -> Row:
    row = dict(zip(SUMMARY_COLUMNS, values, strict=True))
    row["date"] = _date(row["date"])
    row["amount"] = from_fen(int(row["amount"]))
    row["total"] = from_fen(int(row["total"]))
    return row


def select_rows(condition: Cond, limit: int, *, by_id_range: bool = False) -> list[Row]:
    """Up to ``limit`` summary rows matching ``condition``, newest first. ``by_id_range``: the
    condition bounds the ids, and SQLite must read that range rather than walk an index."""
    db = database_proxy.obj
    table = _SELECT + (" NOT INDEXED" if by_id_range and is_sqlite() else "")
    sql = f"{table} WHERE {condition.sql}{_NEWEST_FIRST}{int(limit)}"
    if db.param != "?":
        sql = sql.replace("?", db.param)
    cursor = db.execute_sql(sql, condition.params)
    return [_row(values) for values in cursor.fetchall()]


def newest_first(
    condition: Cond, scope: Scope, limit: int, *, branch_index: bool = False
) -> list[Row]:
    """Up to ``limit`` rows matching ``condition`` in ``scope``, newest first."""
    return select_rows(condition & scope.where(branch_index=branch_index), limit)
