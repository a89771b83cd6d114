"""Cross-check a typed or scanned invoice against the one on file with the same identity:
differences are a conflict, shown side by side."""

from __future__ import annotations

from dataclasses import dataclass

from storage.accounts.users import Session
from storage.rules.field_checks import InvoiceDraft, parse_date
from storage.rules.money import MoneyError, format_money, parse_money
from storage.store.invoice_store import find_invoice
from storage.store.models import Invoice

_COMPARED = ("date", "amount", "tax", "total", "buyer_name", "buyer_tax_id", "check_code")


@dataclass(frozen=True)
class Difference:
    field: str
    entered: str
    stored: str


def _stored_text(invoice: Invoice, name: str) -> str:
    value = getattr(invoice, name)
    if name in ("amount", "tax", "total"):
        return format_money(value)
    if name == "date":
        return str(value)
    return str(value or "")


def _entered_text(draft: InvoiceDraft, name: str) -> str | None:
    """The entered value in the stored form, or None when it is empty or unreadable."""
    raw: str = getattr(draft, name).strip()
    if not raw:
        return None
    if name in ("amount", "tax", "total"):
        try:
            return format_money(parse_money(raw))
        except MoneyError:
            return None
    if name == "date":
        date = parse_date(raw)
        return date.isoformat() if date else None
    return raw


def cross_check(draft: InvoiceDraft, session: Session) -> list[Difference]:
    """Fields where the entry disagrees with the stored invoice the session may see."""
    draft = draft.cleaned()
    invoice = find_invoice(draft.number, draft.code)
    if invoice is None or (not session.all_branches and invoice.branch != session.branch):
        return []
    out = []
    for name in _COMPARED:
        entered = _entered_text(draft, name)
        stored = _stored_text(invoice, name)
        if entered is not None and stored and entered != stored:
            out.append(Difference(name, entered, stored))
    return out
