"""The troubleshooting checklist (source material 003): seven items, each checked by the
machine where it can be, and ticked by the clerk where it can't.

The facts that need the disk or the terminal are passed in (``ChecklistFacts``): storage knows
neither, so the screen or the command line gathers them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storage.accounts.users import Session
from storage.messages import Listing, Message, msg
from storage.rules.field_checks import InvoiceDraft, Verdict, check_invoice
from storage.store.invoice_store import find_invoice
from storage.store.models import InvoiceStatus


class ItemState(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"
    UNKNOWN = "unknown"  # the machine cannot check it here
    MANUAL = "manual"  # only the clerk can confirm it
    TICKED = "ticked"  # confirmed by the clerk


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    title: Message
    state: ItemState
    checked: Message  # what was checked and what was found
    next_step: Message


@dataclass(frozen=True)
class TerminalInfo:
    width: int
    height: int
    colors: int
    encoding: str


@dataclass(frozen=True)
class ChecklistFacts:
    """What the caller knows beyond the store. ``None`` means "could not find out"."""

    disk_last_seq: int | None = None
    store_last_seq: int | None = None
    disk_connected: bool | None = None
    service_reachable: bool | None = None
    terminal: TerminalInfo | None = None
    notices: tuple[str, ...] = ()
    ticked: frozenset[str] = frozenset()  # item keys the clerk confirmed by hand


def _sync(facts: ChecklistFacts) -> ChecklistItem:
    title = msg("trouble.sync.title")
    if facts.disk_last_seq is None:
        return ChecklistItem("sync", title, ItemState.UNKNOWN, msg("trouble.sync.no_disk"),
                             msg("trouble.sync.no_disk_next"))  # fmt: skip
    behind = facts.disk_last_seq - (facts.store_last_seq or 0)
    if behind > 0:
        return ChecklistItem("sync", title, ItemState.FAIL, msg("trouble.sync.behind", n=behind),
                             msg("trouble.sync.behind_next"))  # fmt: skip
    return ChecklistItem("sync", title, ItemState.PASS,
                         msg("trouble.sync.ok", seq=facts.disk_last_seq), msg("trouble.next.none"))  # fmt: skip


def _status_and_permission(
    draft: InvoiceDraft, session: Session
) -> tuple[ChecklistItem, ChecklistItem]:
    status_title, perm_title = msg("trouble.status.title"), msg("trouble.permission.title")
    permission_ok = ChecklistItem("permission", perm_title, ItemState.PASS,
                                  msg("trouble.permission.ok", branch=session.branch),
                                  msg("trouble.next.none"))  # fmt: skip
    if not draft.number.strip():
        return (ChecklistItem("status", status_title, ItemState.UNKNOWN, msg("trouble.status.none"),
                              msg("trouble.status.none_next")), permission_ok)  # fmt: skip
    invoice = find_invoice(draft.number, draft.code)
    if invoice is None:
        return (ChecklistItem("status", status_title, ItemState.FAIL, msg("trouble.status.missing"),
                              msg("trouble.status.missing_next")), permission_ok)  # fmt: skip
    if not session.all_branches and invoice.branch != session.branch:
        # Say that it exists elsewhere, and nothing else about it.
        return (
            ChecklistItem("status", status_title, ItemState.UNKNOWN,
                          msg("trouble.permission.other_branch"),
                          msg("trouble.permission.other_branch_next")),
            ChecklistItem("permission", perm_title, ItemState.FAIL,
                          msg("trouble.permission.other_branch"),
                          msg("trouble.permission.other_branch_next")),
        )  # fmt: skip
    if invoice.reimbursed:  # an invoice claimed once, handed in again: stop it here
        when = invoice.reimbursed_at.strftime("%Y-%m-%d") if invoice.reimbursed_at else "?"
        status = ChecklistItem("status", status_title, ItemState.FAIL,
                               msg("trouble.status.reimbursed", claim=invoice.claim_ref or "-",
                                   who=invoice.reimbursed_by or "?", when=when),
                               msg("trouble.status.reimbursed_next"))  # fmt: skip
    elif invoice.status == InvoiceStatus.NORMAL.value:
        status = ChecklistItem("status", status_title, ItemState.PASS, msg("trouble.status.normal"),
                               msg("trouble.next.none"))  # fmt: skip
    else:
        status = ChecklistItem("status", status_title, ItemState.FAIL,
                               msg("trouble.status.bad", status=msg(f"status.{invoice.status}")),
                               msg("trouble.status.bad_next"))  # fmt: skip
    return status, permission_ok


def _notices(facts: ChecklistFacts) -> ChecklistItem:
    title = msg("trouble.notices.title")
    if facts.notices:
        return ChecklistItem("notices", title, ItemState.WARN,
                             msg("trouble.notices.some", text=Listing(facts.notices)),
                             msg("trouble.notices.next"))  # fmt: skip
    return ChecklistItem("notices", title, ItemState.PASS, msg("trouble.notices.none"),
                         msg("trouble.next.none"))  # fmt: skip


def _network(facts: ChecklistFacts) -> ChecklistItem:
    title = msg("trouble.network.title")
    if facts.disk_connected is None:
        return ChecklistItem("network", title, ItemState.MANUAL, msg("trouble.network.unknown"),
                             msg("trouble.network.unknown_next"))  # fmt: skip
    if not facts.disk_connected:
        return ChecklistItem("network", title, ItemState.FAIL, msg("trouble.network.disk_down"),
                             msg("trouble.network.disk_down_next"))  # fmt: skip
    if facts.service_reachable is False:
        return ChecklistItem("network", title, ItemState.FAIL, msg("trouble.network.service_down"),
                             msg("trouble.network.service_down_next"))  # fmt: skip
    return ChecklistItem("network", title, ItemState.PASS, msg("trouble.network.ok"),
                         msg("trouble.next.none"))  # fmt: skip


def _fields(draft: InvoiceDraft) -> ChecklistItem:
    title = msg("trouble.fields.title")
    if not any(getattr(draft, name) for name in ("code", "number", "date", "amount", "total")):
        return ChecklistItem("fields", title, ItemState.UNKNOWN, msg("trouble.fields.none"),
                             msg("trouble.status.none_next"))  # fmt: skip
    verdicts = check_invoice(draft)
    errors = [msg(f"checks.field.{v.field}") for v in verdicts if v.verdict is Verdict.ERROR]
    warnings = [msg(f"checks.field.{v.field}") for v in verdicts if v.verdict is Verdict.WARNING]
    if errors:
        return ChecklistItem("fields", title, ItemState.FAIL,
                             msg("trouble.fields.errors", n=len(errors), fields=Listing(errors)),
                             msg("trouble.fields.next"))  # fmt: skip
    if warnings:
        return ChecklistItem("fields", title, ItemState.WARN,
                             msg("trouble.fields.warnings", n=len(warnings),
                               fields=Listing(warnings)), msg("trouble.fields.next"))  # fmt: skip
    return ChecklistItem("fields", title, ItemState.PASS, msg("trouble.fields.ok"),
                         msg("trouble.next.none"))  # fmt: skip


def _terminal(facts: ChecklistFacts) -> ChecklistItem:
    title = msg("trouble.terminal.title")
    term = facts.terminal
    if term is None:
        return ChecklistItem("terminal", title, ItemState.MANUAL, msg("trouble.terminal.unknown"),
                             msg("trouble.terminal.unknown_next"))  # fmt: skip
    if term.width < 80 or term.height < 24:
        return ChecklistItem("terminal", title, ItemState.FAIL,
                             msg("trouble.terminal.small", width=term.width, height=term.height),
                             msg("trouble.terminal.small_next"))  # fmt: skip
    if term.encoding.replace("-", "").lower() != "utf8":
        return ChecklistItem("terminal", title, ItemState.WARN,
                             msg("trouble.terminal.encoding", encoding=term.encoding),
                             msg("trouble.terminal.encoding_next"))  # fmt: skip
    return ChecklistItem("terminal", title, ItemState.PASS,
                         msg("trouble.terminal.ok", width=term.width, height=term.height,
                           colors=term.colors, encoding=term.encoding),
                         msg("trouble.next.none"))  # fmt: skip


def run_checklist(
    draft: InvoiceDraft, session: Session, facts: ChecklistFacts
) -> list[ChecklistItem]:
    """The seven items in the source material's order; manual ones the clerk ticked count."""
    status, permission = _status_and_permission(draft.cleaned(), session)
    items = [
        _sync(facts), status, _notices(facts), _network(facts), permission,
        _fields(draft), _terminal(facts),
    ]  # fmt: skip
    return [
        ChecklistItem(i.key, i.title, ItemState.TICKED, i.checked, i.next_step)
        if i.key in facts.ticked and i.state in (ItemState.MANUAL, ItemState.UNKNOWN)
        else i
        for i in items
    ]
