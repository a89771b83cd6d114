"""Migration 0008 on a store that used the old yes/no flags, the duplicate checks, keyword
search over item names and remarks, and the checklist on an invoice already reimbursed —
on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee
import pytest

from storage.accounts.users import Session
from storage.checklist.troubleshooting import ChecklistFacts, ItemState, run_checklist
from storage.lookup.engine import lookup
from storage.rules.field_checks import InvoiceDraft
from storage.store.database import close_database, open_database
from storage.store.invoice_store import save_invoices
from storage.store.models import Invoice, InvoiceMark, Role
from storage.store.records import LineRecord
from storage.store.schema import runner, upgrade
from storage.tracking.duplicates import possible_duplicates, reimbursed_among
from storage.tracking.marks import Reimbursed, mark_invoices
from tests.support.invoices import make_record

CLERK = Session("li", Role.CLERK, "总部")
NOW = dt.datetime(2026, 3, 15, 10, 30)


def test_migration_carries_the_old_flags_over_with_who_unknown(store_url: str) -> None:
    db = open_database(store_url)
    runner(db).up("0007_notices")
    true = "1" if isinstance(db, peewee.SqliteDatabase) else "true"
    for number, booked, paid in (("81966701", true, true), ("81966702", true, "NOT " + true),
                                 ("81966703", "NOT " + true, "NOT " + true)):  # fmt: skip
        db.execute_sql(
            "INSERT INTO invoice (type, code, number, date, check_code, amount, tax, total, rate, "
            "buyer_name, buyer_tax_id, seller_name, seller_tax_id, status, red_of, direction, "
            "booked, reimbursed, branch, source, remark, created_at, updated_at) VALUES "
            f"('10', '044001500111', '{number}', '2026-03-02', '', 17379, 2259, 19638, '', '', "
            f"'', '', '', 'normal', '', 'received', {booked}, {paid}, '总部', 'import', '', "
            "'2026-03-02 10:00:00', '2026-03-02 10:00:00')"
        )
    upgrade(db)
    rows = {
        i.number: (i.booking, i.booked_by, i.booked_at, bool(i.reimbursed), i.reimbursed_by)
        for i in Invoice.select()
    }
    assert rows == {
        "81966701": ("booked_unrecorded", "(migration)", None, True, "(migration)"),
        "81966702": ("booked_unrecorded", "(migration)", None, False, ""),
        "81966703": ("unbooked", "", None, False, ""),
    }
    history = sorted((m.invoice.number, m.kind, m.state, m.by_user) for m in InvoiceMark.select())
    assert history == [
        ("81966701", "booking", "booked_unrecorded", "(migration)"),
        ("81966701", "reimbursement", "reimbursed", "(migration)"),
        ("81966702", "booking", "booked_unrecorded", "(migration)"),
    ]
    # and a new invoice saved by the bulk writer gets the defaults
    save_invoices([make_record("81966704", direction="received")], branch="总部")
    assert Invoice.get(Invoice.number == "81966704").booking == "unbooked"
    close_database()


def _received(number: str, code: str = "", **more: object) -> None:
    fields: dict[str, object] = dict(
        direction="received", seller_name="杭州恒通办公用品有限公司",
        seller_tax_id="91330100MA2CFX7Q4N", buyer_name="本公司", buyer_tax_id="",
    )  # fmt: skip
    fields.update(more)
    save_invoices([make_record(number, code=code, **fields)], branch="总部")


def test_reimbursed_identity_is_code_and_number_never_the_last_8_digits(
    store: peewee.Database,
) -> None:
    _received("81966722", "044001500111")
    _received("81966722", "033001900211")  # same 8 digits, another code: another invoice
    _received("26332000000081966722")  # a 数电 number ending in the same 8 digits
    paid = Invoice.get((Invoice.number == "81966722") & (Invoice.code == "044001500111")).id
    mark_invoices(CLERK, [paid], Reimbursed("BX-1"), now=NOW)
    identities = [("81966722", "044001500111"), ("81966722", "033001900211"),
                  ("26332000000081966722", "")]  # fmt: skip
    (found,) = reimbursed_among(identities)
    assert (found.code, found.number, found.claim_ref) == ("044001500111", "81966722", "BX-1")
    assert reimbursed_among(identities, branch="上海分公司") == []


def test_same_seller_and_total_a_few_days_apart_is_only_a_possible_duplicate(
    store: peewee.Database,
) -> None:
    _received("26332000000000000001", date=dt.date(2026, 3, 2))
    _received("26332000000000000002", date=dt.date(2026, 3, 4))  # two days later: look
    _received("26332000000000000003", date=dt.date(2026, 3, 20))  # weeks later: no
    _received("26332000000000000004", date=dt.date(2026, 3, 3), total=Decimal("196.39"),
              tax=Decimal("22.60"))  # another total: no  # fmt: skip
    near = possible_duplicates(number="26332000000000000001", code="",
                               seller_tax_id="91330100MA2CFX7Q4N", seller_name="",
                               total=Decimal("196.38"), date=dt.date(2026, 3, 2))  # fmt: skip
    assert [d.number for d in near] == ["26332000000000000002"]


def test_lookup_finds_a_keyword_in_item_names_and_remarks_even_two_characters(
    store: peewee.Database,
) -> None:
    line = LineRecord(item="*办公用品*打印纸", amount=Decimal("173.79"), rate="0.13",
                      tax=Decimal("22.59"))  # fmt: skip
    _received("26332000000000000011", seller_name="宁波甲乙贸易有限公司", lines=(line,))
    _received("26332000000000000012", seller_name="宁波丙丁贸易有限公司", remark="3月差旅住宿")
    _received("26332000000000000013", seller_name="宁波戊己贸易有限公司")
    assert [m.number for m in lookup("打印纸", CLERK).matches] == ["26332000000000000011"]
    assert [m.number for m in lookup("差旅", CLERK).matches] == ["26332000000000000012"]  # 2 chars
    assert [m.number for m in lookup("丙丁", CLERK).matches] == ["26332000000000000012"]  # a name
    assert lookup("100%", CLERK).matches == ()  # LIKE's wildcards are plain text here


def test_a_keyword_is_looked_for_in_the_newest_invoices_only(
    store: peewee.Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word found nowhere once walked every invoice (a second at a million): the keyword
    search reads the newest ``KEYWORD_WINDOW`` invoices, by id."""
    from storage.lookup import keywords

    monkeypatch.setattr(keywords, "KEYWORD_WINDOW", 3)
    _received("26332000000000000031", seller_name="宁波甲乙贸易有限公司", remark="旧年会场租")
    for n in range(2, 6):
        _received(f"2633200000000000003{n}", seller_name=f"宁波{n}号贸易有限公司")
    _received("26332000000000000039", seller_name="宁波庚辛贸易有限公司", remark="新年会场租")
    assert [m.number for m in lookup("会场租", CLERK).matches] == ["26332000000000000039"]
    monkeypatch.setattr(keywords, "KEYWORD_WINDOW", 100)
    assert len(lookup("会场租", CLERK).matches) == 2


def test_the_checklist_stops_an_invoice_already_reimbursed(store: peewee.Database) -> None:
    _received("26332000000000000021")
    mark_invoices(CLERK, [Invoice.get().id], Reimbursed("BX-0315"), now=NOW)
    draft = InvoiceDraft(number="26332000000000000021", date="2026-03-02", total="196.38")
    items = {i.key: i for i in run_checklist(draft, CLERK, ChecklistFacts())}
    status = items["status"]
    assert status.state is ItemState.FAIL
    assert "已报销过" in status.checked.text() and "BX-0315" in status.checked.text()
