"""入账 / 报销 marks (storage/tracking/marks.py) on SQLite and PostgreSQL: in bulk, all or
nothing, with who and when, a history row each, audited; refused for the wrong role."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import peewee
import pytest

from storage.accounts.permissions import PermissionDenied
from storage.accounts.users import Session
from storage.audit.chain import AuditEntry, verify
from storage.store.database import database_proxy, is_sqlite
from storage.store.invoice_store import save_invoices
from storage.store.models import Invoice, InvoiceMark, Role
from storage.tracking.identities import Identity
from storage.tracking.marks import (
    Booking,
    MarkRefused,
    Reimbursed,
    UndoReimbursed,
    history,
    mark_identities,
    mark_invoices,
)
from storage.tracking.states import BookingState
from tests.support.invoices import make_record

CLERK = Session("li", Role.CLERK, "总部")
SUPER = Session("wang", Role.SUPERVISOR, "总部")
AUDITOR = Session("zhao", Role.AUDITOR, "总部")
NOW = dt.datetime(2026, 3, 15, 10, 30)


def _received(n: int, *, start: int = 1) -> list[str]:
    """``n`` received 数电 invoices; returns their numbers."""
    numbers = [f"2611200000{i:010d}" for i in range(start, start + n)]
    records = [
        make_record(number, code="", type="82", direction="received",
                    seller_name="青岛同创信息技术有限公司", seller_tax_id="91370200MA3C5XKE2L",
                    buyer_name="本公司", buyer_tax_id="")
        for number in numbers
    ]  # fmt: skip
    save_invoices(records, branch="总部")
    return numbers


def _ids(numbers: list[str]) -> list[int]:
    by_number = dict(Invoice.select(Invoice.number, Invoice.id).tuples())
    return [by_number[n] for n in numbers]


def _mark_entries(ok: bool = True) -> list[AuditEntry]:
    return list(AuditEntry.select().where((AuditEntry.action == "mark") & (AuditEntry.ok == ok)))


def _fail_on_update_of(invoice_id: int) -> None:
    """A fault inside the store: updating this one invoice fails, as a dropped connection or
    a full disk would midway through a batch."""
    db = database_proxy
    if is_sqlite():
        db.execute_sql(
            f"CREATE TRIGGER boom BEFORE UPDATE ON invoice WHEN NEW.id = {invoice_id} "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )
    else:
        db.execute_sql(
            "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'disk full'; END; $$ LANGUAGE plpgsql"
        )
        db.execute_sql(
            f"CREATE TRIGGER boom BEFORE UPDATE ON invoice FOR EACH ROW "
            f"WHEN (NEW.id = {invoice_id}) EXECUTE FUNCTION boom()"
        )


def test_ten_thousand_marked_reimbursed_in_one_audited_batch(store: peewee.Database) -> None:
    numbers = _received(10_000)
    result = mark_identities(CLERK, [Identity(n) for n in numbers], Reimbursed("BX-2026-0315"),
                             now=NOW)  # fmt: skip
    assert (result.invoices, result.changed) == (10_000, 10_000)
    marked = Invoice.select().where(
        (Invoice.reimbursed == True) & (Invoice.claim_ref == "BX-2026-0315")  # noqa: E712
        & (Invoice.reimbursed_by == "li") & (Invoice.reimbursed_at == NOW)
    ).count()  # fmt: skip
    assert marked == 10_000
    assert InvoiceMark.select().where(InvoiceMark.batch == result.batch).count() == 10_000
    (entry,) = _mark_entries()
    detail = json.loads(entry.detail)
    assert (entry.username, entry.target) == ("li", "reimbursement:reimbursed")
    assert (detail["invoices"], detail["batch"], detail["claim"]) == (10_000, result.batch,
                                                                     "BX-2026-0315")  # fmt: skip
    assert verify()[1] is None


def test_a_failure_midway_through_ten_thousand_changes_nothing(store: peewee.Database) -> None:
    numbers = _received(10_000)
    ids = _ids(numbers)
    _fail_on_update_of(ids[7_777])  # in the 16th chunk of 500: 15 chunks were already written
    with pytest.raises(peewee.PeeweeException, match="disk full"):
        mark_invoices(CLERK, ids, Booking(BookingState.CIT_DEDUCTIBLE, "2026-03"), now=NOW)
    assert Invoice.select().where(Invoice.booking != "unbooked").count() == 0
    assert Invoice.select().where(Invoice.booked_by != "").count() == 0
    assert InvoiceMark.select().count() == 0
    assert _mark_entries() == []
    assert verify()[1] is None


def test_booking_records_state_period_who_and_when_and_keeps_history(
    store: peewee.Database,
) -> None:
    (number,) = _received(1)
    (invoice_id,) = _ids([number])
    mark_invoices(CLERK, [invoice_id], Booking(BookingState.CIT_DEDUCTIBLE, "2026-03"), now=NOW)
    later = NOW + dt.timedelta(days=3)
    mark_invoices(SUPER, [invoice_id], Booking(BookingState.REVOKED, "2026-03"), now=later)
    inv = Invoice.get_by_id(invoice_id)
    assert (inv.booking, inv.booking_period, inv.booked_by, inv.booked_at) == (
        "revoked", "2026-03", "wang", later)  # fmt: skip
    assert [(h.state, h.by_user, h.at) for h in history(invoice_id)] == [
        ("cit_deductible", "li", NOW), ("revoked", "wang", later)]  # fmt: skip
    # a booked state with no period is booked in the current month
    mark_invoices(CLERK, [invoice_id], Booking(BookingState.IIT_DEDUCTIBLE), now=NOW)
    assert Invoice.get_by_id(invoice_id).booking_period == "2026-03"


def test_history_is_append_only(store: peewee.Database) -> None:
    (number,) = _received(1)
    mark_invoices(CLERK, _ids([number]), Reimbursed("BX-1"), now=NOW)
    with pytest.raises(peewee.PeeweeException, match="append-only"), store.atomic():
        InvoiceMark.update(by_user="someone else").execute()
    with pytest.raises(peewee.PeeweeException, match="append-only"), store.atomic():
        InvoiceMark.delete().execute()
    assert InvoiceMark.get().by_user == "li"


def test_a_second_claim_is_refused_naming_the_invoice_and_nothing_changes(
    store: peewee.Database,
) -> None:
    numbers = _received(5)
    mark_identities(CLERK, [Identity(numbers[2])], Reimbursed("BX-1"), now=NOW)
    with pytest.raises(MarkRefused) as refused:
        mark_identities(CLERK, [Identity(n) for n in numbers], Reimbursed("BX-2"), now=NOW)
    assert numbers[2] in refused.value.message.text() and "BX-1" in refused.value.message.text()
    assert refused.value.message.key == "tracking.already_reimbursed"
    assert Invoice.select().where(Invoice.reimbursed == True).count() == 1  # noqa: E712
    assert Invoice.get(Invoice.number == numbers[2]).claim_ref == "BX-1"
    (refusal,) = _mark_entries(ok=False)
    assert json.loads(refusal.detail)["reason"] == "tracking.already_reimbursed"


def test_unknown_other_branch_and_issued_invoices_are_refused(store: peewee.Database) -> None:
    numbers = _received(2)
    save_invoices([make_record("26112000009999999999", code="", direction="received")],
                  branch="上海分公司")  # fmt: skip
    save_invoices([make_record("81966722")], branch="总部")  # an issued one
    for identity, key in (
        (Identity("26112000008888888888"), "tracking.not_found"),
        (Identity("26112000009999999999"), "tracking.not_found"),  # not theirs to know about
        (Identity("81966722", "044001500111"), "tracking.not_received"),
    ):
        with pytest.raises(MarkRefused) as refused:
            mark_identities(CLERK, [Identity(numbers[0]), identity], Reimbursed(), now=NOW)
        assert refused.value.message.key == key
    assert Invoice.select().where(Invoice.reimbursed == True).count() == 0  # noqa: E712


@pytest.mark.parametrize("session", [AUDITOR], ids=["auditor"])
def test_an_auditor_may_not_mark(store: peewee.Database, session: Session) -> None:
    numbers = _received(3)
    with pytest.raises(PermissionDenied):
        mark_invoices(session, _ids(numbers), Booking(BookingState.CIT_DEDUCTIBLE), now=NOW)
    assert Invoice.select().where(Invoice.booking != "unbooked").count() == 0
    denied = AuditEntry.get(AuditEntry.action == "denied")
    assert (denied.username, denied.target, denied.ok) == ("zhao", "mark", False)


def test_only_a_supervisor_withdraws_a_reimbursement(store: peewee.Database) -> None:
    numbers = _received(2)
    ids = _ids(numbers)
    mark_invoices(CLERK, ids, Reimbursed("BX-9"), now=NOW)
    with pytest.raises(PermissionDenied):
        mark_invoices(CLERK, ids, UndoReimbursed(), now=NOW)
    assert Invoice.select().where(Invoice.reimbursed == True).count() == 2  # noqa: E712
    result = mark_invoices(SUPER, ids, UndoReimbursed(), now=NOW)
    assert result.changed == 2
    assert Invoice.select().where(Invoice.reimbursed == True).count() == 0  # noqa: E712
    # withdrawn, it may go on a claim again
    mark_invoices(CLERK, ids, Reimbursed("BX-10"), now=NOW)
    assert {i.claim_ref for i in Invoice.select()} == {"BX-10"}


def test_a_bad_period_is_refused_before_anything_is_read(store: peewee.Database) -> None:
    numbers = _received(1)
    with pytest.raises(MarkRefused) as refused:
        mark_invoices(CLERK, _ids(numbers), Booking(BookingState.CIT_DEDUCTIBLE, "2026-13"))
    assert refused.value.message.key == "tracking.bad_period"


def test_money_is_untouched_by_marking(store: peewee.Database) -> None:
    numbers = _received(1)
    mark_invoices(CLERK, _ids(numbers), Booking(BookingState.CIT_NOT_DEDUCTIBLE), now=NOW)
    inv = Invoice.get(Invoice.number == numbers[0])
    assert (inv.amount, inv.tax, inv.total) == (Decimal("173.79"), Decimal("22.59"),
                                                Decimal("196.38"))  # fmt: skip
