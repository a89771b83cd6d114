"""Invoices whose item names (项目名称) or 备注 hold a keyword, newest first.

Names are found through the party grams (``names.py``); items and remarks have no index of
their own: a full-text index would not do either (FTS5's trigram tokenizer and pg_trgm find
nothing shorter than three characters, and a 2-character word is most Chinese words). So
this is a ``LIKE`` over the newest ``KEYWORD_WINDOW`` invoices, read as one range of ids (a
walk of every invoice cost a second at a million for a word that is nowhere; the window costs
a few tens of milliseconds), asked only for a word no counterparty's name holds
(``search.find``), so the name searches keep their few milliseconds.
"""

from __future__ import annotations

from storage.lookup.scope import Cond, Row, Scope, select_rows
from storage.store.database import database_proxy, is_sqlite

KEYWORD_WINDOW = 50_000  # the newest invoices (by id) a keyword is looked for in


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def keyword_condition(text: str) -> Cond:
    """An item name or the remark contains ``text`` (case-insensitive for Latin letters)."""
    like = "LIKE" if is_sqlite() else "ILIKE"  # SQLite's LIKE ignores ASCII case already
    pattern = f"%{_escaped(text)}%"
    return Cond(
        f'"invoice"."remark" {like} ? ESCAPE \'\\\' OR EXISTS (SELECT 1 FROM "invoice_line" '
        f'WHERE "invoice_line"."invoice_id" = "invoice"."id" '
        f'AND "invoice_line"."item" {like} ? ESCAPE \'\\\')',
        (pattern, pattern),
    )


def invoices_with_keyword(text: str, scope: Scope, limit: int) -> list[Row]:
    """Up to ``limit`` invoices in ``scope`` whose items or remark hold ``text``."""
    if not text:
        return []
    (top,) = database_proxy.obj.execute_sql('SELECT MAX("id") FROM "invoice"').fetchone()
    if top is None:
        return []
    recent = Cond('"invoice"."id" > ?', (int(top) - KEYWORD_WINDOW,))
    return select_rows(recent & keyword_condition(text) & scope.where(), limit, by_id_range=True)
