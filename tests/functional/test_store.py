"""The store on both databases: migrations, exact money, identity, saving, accounts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee
import pytest

from storage.accounts.users import AuthError, add_user, authenticate
from storage.demo.data import generate_invoices
from storage.store.invoice_store import count_invoices, save_invoices
from storage.store.models import Invoice, InvoiceLine, Role, User
from storage.store.records import InvoiceRecord
from storage.store.schema import pending, upgrade
from tests.support.other_process import guess_passwords


def _record(**overrides: object) -> InvoiceRecord:
    fields: dict[str, object] = dict(
        number="81966722", code="044001500111", date=dt.date(2026, 11, 2),
        amount=Decimal("173.79"), tax=Decimal("22.59"), total=Decimal("196.38"),
        type="10", buyer_name="北京华信商贸有限公司", buyer_tax_id="91110105MA005AEF36",
    )  # fmt: skip
    fields.update(overrides)
    return InvoiceRecord(**fields)  # type: ignore[arg-type]


def test_migrations_leave_nothing_pending(store: peewee.Database) -> None:
    assert pending(store) == []
    assert upgrade(store) == []  # running it again is a no-op
    assert {"invoice", "invoice_line", "user", "party"} <= set(store.get_tables())


def test_money_round_trips_exactly(store: peewee.Database) -> None:
    save_invoices([_record(amount=Decimal("0.10"), tax=Decimal("0.01"), total=Decimal("0.11"))],
                  branch="总部")  # fmt: skip
    stored = Invoice.get()
    assert (stored.amount, stored.tax, stored.total) == (
        Decimal("0.10"), Decimal("0.01"), Decimal("0.11"))  # fmt: skip
    assert stored.amount + stored.tax == stored.total  # exact, as floats would not be


def test_red_invoice_keeps_its_negative_sign(store: peewee.Database) -> None:
    save_invoices([_record(number="24312000000136634917", code="", amount=Decimal("-100.00"),
                           tax=Decimal("-13.00"), total=Decimal("-113.00"), status="red")],
                  branch="总部")  # fmt: skip
    assert Invoice.get().total == Decimal("-113.00")


def test_same_identity_is_saved_once_and_status_updates(store: peewee.Database) -> None:
    first = save_invoices([_record()], branch="总部")
    again = save_invoices([_record()], branch="总部")
    voided = save_invoices([_record(status="void")], branch="总部")
    assert (first.added, again.unchanged, voided.updated) == (1, 1, 1)
    assert count_invoices() == 1
    assert Invoice.get().status == "void"


def test_same_number_other_code_is_another_invoice(store: peewee.Database) -> None:
    save_invoices([_record(), _record(code="044001500112")], branch="总部")
    assert count_invoices() == 2


def test_a_different_amount_for_a_known_invoice_is_a_conflict(store: peewee.Database) -> None:
    save_invoices([_record()], branch="总部")
    result = save_invoices([_record(amount=Decimal("196.38"))], branch="总部")
    assert result.added == 0 and len(result.conflicts) == 1
    assert result.conflicts[0].field == "amount"
    assert Invoice.get().amount == Decimal("173.79")  # the stored invoice is untouched


def test_demo_month_saves_with_lines(store: peewee.Database) -> None:
    records = list(generate_invoices(300, seed=1, end=dt.date(2026, 11, 22)))
    result = save_invoices(records, branch="总部")
    assert result.added == len(records) == count_invoices()
    assert InvoiceLine.select().count() >= 300
    one = Invoice.get(Invoice.number == records[0].number)
    assert sum((line.amount for line in one.lines), Decimal(0)) == one.amount


def test_login_locks_after_five_failures(store: peewee.Database) -> None:
    add_user("wang", "right-pw", role=Role.CLERK, branch="总部")
    now = dt.datetime(2026, 11, 23, 9, 0)
    for _ in range(4):
        with pytest.raises(AuthError, match=r"^用户名或密码错误$"):
            authenticate("wang", "wrong", now=now)
    assert User.get().locked_until is None
    with pytest.raises(AuthError, match=r"^用户名或密码错误$"):
        authenticate("wang", "wrong", now=now)
    assert User.get().locked_until == now + dt.timedelta(minutes=15)
    # even the right password is refused while locked, in the same words (no guessing oracle)
    with pytest.raises(AuthError, match=r"^用户名或密码错误$"):
        authenticate("wang", "right-pw", now=now + dt.timedelta(minutes=14))
    session = authenticate("wang", "right-pw", now=now + dt.timedelta(minutes=16))
    assert session.role is Role.CLERK and session.branch == "总部"
    assert User.get().password_hash.startswith("$argon2id$")


def test_a_known_and_an_unknown_name_are_refused_alike(store: peewee.Database) -> None:
    add_user("wang", "right-pw", role=Role.CLERK, branch="总部")
    answers = []
    for name in ("wang", "nobody"):
        with pytest.raises(AuthError) as refused:
            authenticate(name, "wrong")
        answers.append(str(refused.value))
    assert answers == ["用户名或密码错误", "用户名或密码错误"]


def test_demo_accounts_work_only_in_demo_mode(store: peewee.Database) -> None:
    add_user("clerk", "clerk", role=Role.CLERK, branch="总部", demo=True)
    with pytest.raises(AuthError, match="演示"):
        authenticate("clerk", "clerk")
    assert authenticate("clerk", "clerk", demo_mode=True).username == "clerk"


def test_an_import_never_shows_or_changes_another_branchs_invoice(store: peewee.Database) -> None:
    save_invoices([_record()], branch="上海分公司")
    result = save_invoices([_record(amount=Decimal("1.00"), tax=Decimal("0.00"),
                                    total=Decimal("1.00"))], branch="总部", own_branch_only=True)  # fmt: skip
    assert [(c.field, c.stored, c.given) for c in result.conflicts] == [("branch", "", "")]
    voided = save_invoices([_record(status="void")], branch="总部", own_branch_only=True)
    assert voided.updated == 0 and voided.conflicts[0].other_branch
    assert Invoice.get().status == "normal" and Invoice.get().amount == Decimal("173.79")


def test_a_tax_id_missing_on_file_is_filled_in_with_the_status(store: peewee.Database) -> None:
    save_invoices([_record(buyer_tax_id="")], branch="总部")  # e.g. from a scanned QR
    result = save_invoices([_record(status="void")], branch="总部")
    assert (result.updated, result.conflicts) == (1, [])
    stored = Invoice.get()
    assert (stored.status, stored.buyer_tax_id) == ("void", "91110105MA005AEF36")


def test_parallel_wrong_passwords_all_count(store_url: str, store: peewee.Database) -> None:
    import multiprocessing

    add_user("wang", "right-pw", role=Role.CLERK, branch="总部")
    ctx = multiprocessing.get_context("spawn")
    workers = [ctx.Process(target=guess_passwords, args=(store_url, "wang", 3)) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
        assert w.exitcode == 0
    with pytest.raises(AuthError, match="用户名或密码错误"):
        authenticate("wang", "right-pw")  # nine guesses at once: locked, not reset
    assert User.get().locked_until is not None
