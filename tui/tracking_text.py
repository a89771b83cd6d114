"""入账 / 报销 in words, for the detail screen and the mark dialog: the state, then who and
when (a mark carried over from before tracking says so)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from storage.tracking.states import MIGRATED_BY, state_message
from tui.language import render, t

if TYPE_CHECKING:
    from storage.tracking.marks import MarkResult
    from tui.invoice_view import InvoiceView


def _by(text: str, who: str, when: dt.datetime | None) -> str:
    if not who:
        return text
    if who == MIGRATED_BY:
        return t("tui.detail.migrated", state=text)
    stamp = when.strftime("%Y-%m-%d %H:%M") if when else "?"
    return t("tui.detail.marked_by", state=text, who=who, when=stamp)


def booking_text(view: InvoiceView) -> str:
    text = render(state_message(view.booking))
    if view.booking_period:
        text += " " + view.booking_period
    return _by(text, view.booked_by, view.booked_at)


def reimbursement_text(view: InvoiceView) -> str:
    text = t("tracking.reimbursed" if view.reimbursed else "tracking.not_reimbursed")
    if view.reimbursed and view.claim_ref:
        text += " " + view.claim_ref
    return _by(text, view.reimbursed_by, view.reimbursed_at)


def tracking_rows(view: InvoiceView) -> list[tuple[str, str]]:
    return [
        (t("tui.detail.booking"), booking_text(view)),
        (t("tui.detail.reimbursement"), reimbursement_text(view)),
    ]


def done_text(result: MarkResult) -> str:
    """What a bulk mark did, in one line."""
    same = result.invoices - result.changed
    if result.kind == "booking":
        period = t("tracking.period_suffix", period=result.period) if result.period else ""
        return t("tracking.done_booking", n=result.invoices, state=state_message(result.state),
                 period=period, same=same)  # fmt: skip
    if result.state == "reimbursed":
        claim = t("tracking.claim_suffix", claim=result.claim_ref) if result.claim_ref else ""
        return t("tracking.done_reimbursed", n=result.invoices, claim=claim)
    return t("tracking.done_undo", n=result.invoices, same=same)
