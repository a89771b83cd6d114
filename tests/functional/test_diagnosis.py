"""The "not found" diagnosis on both databases: each cause, when it holds, and nothing leaks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee

from storage.accounts.users import Session
from storage.lookup.engine import CauseKind, LookupOptions, LookupResult, lookup
from storage.messages import set_language
from storage.store.invoice_store import save_invoices
from storage.store.models import Role
from tests.support.invoices import make_record

CLERK = Session("clerk", Role.CLERK, "总部")


def _kinds(result: LookupResult) -> list[CauseKind]:
    return [c.kind for c in result.causes]


def _all_text(result: LookupResult) -> str:
    return " ".join(f"{c.title.text()} {c.detail.text()} {c.action.text()}" for c in result.causes)


def test_nothing_similar_only_not_here_with_the_checklist(store: peewee.Database) -> None:
    result = lookup("55555555", CLERK)
    assert _kinds(result) == [CauseKind.NOT_HERE]
    assert result.causes[0].title.text() == "本系统中没有这张发票"
    assert (
        "核对发票信息" in result.causes[0].detail.text()
        and "客服" in result.causes[0].detail.text()
    )


def test_one_digit_off_lists_the_invoice_meant(store: peewee.Database) -> None:
    save_invoices([make_record("81966722"), make_record("12345678")], branch="总部")
    result = lookup("81966723", CLERK)
    assert _kinds(result) == [CauseKind.TYPED_WRONG, CauseKind.NOT_HERE]
    typed = result.causes[0]
    assert "一位" in typed.title.text()
    assert [c.number for c in typed.candidates] == ["81966722"]


def test_swapped_dropped_and_leading_zero_slips(store: peewee.Database) -> None:
    save_invoices(
        [make_record("81966722"), make_record("01966722", code="044001500112")], branch="总部"
    )
    swapped = lookup("81967622", CLERK).causes[0]
    assert "颠倒" in swapped.title.text() and [c.number for c in swapped.candidates] == ["81966722"]
    dropped = lookup("8196722", CLERK).causes
    titles = {c.title.text(): [x.number for x in c.candidates] for c in dropped}
    assert titles["发票号码可能漏输了一位"] == ["81966722"]
    zeros = lookup("1966722", CLERK).causes[0]
    assert "开头的 0" in zeros.title.text() and [c.number for c in zeros.candidates] == ["01966722"]
    extra = lookup("819667222", CLERK).causes[0]
    assert "多输" in extra.title.text() and [c.number for c in extra.candidates] == ["81966722"]


def test_code_and_number_typed_as_one(store: peewee.Database) -> None:
    save_invoices([make_record("81966722")], branch="总部")
    result = lookup("04400150011181966722", CLERK)
    assert result.causes[0].title.text() == "发票代码和号码可能连在一起输入了"
    assert [c.number for c in result.causes[0].candidates] == ["81966722"]


def test_qr_with_code_and_number_swapped(store: peewee.Database) -> None:
    save_invoices([make_record("81966722", date=dt.date(2026, 3, 2))], branch="总部")
    result = lookup("01,10,81966722,044001500111,173.79,20260302,17884534745749991611,BE2D", CLERK)
    assert result.matches == ()
    assert result.causes[0].title.text() == "发票代码和发票号码可能填反了"
    assert [c.number for c in result.causes[0].candidates] == ["81966722"]


def test_qr_carrying_the_total_for_the_amount(store: peewee.Database) -> None:
    save_invoices([make_record("81966722", date=dt.date(2026, 3, 2))], branch="总部")
    result = lookup("01,10,044001500111,81966722,196.38,20260302,17884534745749991611,BE2D", CLERK)
    assert result.matches == ()
    assert result.causes[0].title.text() == "可能把价税合计当成了不含税金额"
    assert "173.79" in result.causes[0].detail.text()


def test_qr_same_amount_within_a_few_days(store: peewee.Database) -> None:
    save_invoices([
        make_record("11111111", date=dt.date(2026, 3, 4)),
        make_record("22222222", date=dt.date(2026, 3, 20)),
    ], branch="总部")  # fmt: skip
    result = lookup("01,10,044001500111,99999999,173.79,20260302,17884534745749991611,BE2D", CLERK)
    nearby = [c for c in result.causes if "相近日期" in c.title.text()]
    assert [c.number for c in nearby[0].candidates] == ["11111111"]


def test_void_hidden_by_the_view_is_filtered_out(store: peewee.Database) -> None:
    save_invoices([make_record("81966722", status="void")], branch="总部")
    result = lookup("81966722", CLERK, LookupOptions(show_void_red=False))
    assert _kinds(result) == [CauseKind.FILTERED_OUT, CauseKind.NOT_HERE]
    assert result.causes[0].action.text() == "显示作废/红冲发票"
    assert [c.number for c in result.causes[0].candidates] == ["81966722"]


def test_other_branch_says_so_and_reveals_nothing(store: peewee.Database) -> None:
    save_invoices([make_record("81966722", buyer_name="上海机密客户有限公司",
                           amount=Decimal("9876.54"), tax=Decimal("0.00"),
                           total=Decimal("9876.54"))], branch="上海分公司")  # fmt: skip
    result = lookup("81966722", CLERK)
    assert _kinds(result) == [CauseKind.OTHER_BRANCH, CauseKind.NOT_HERE]
    assert result.causes[0].title.text() == "该发票属于其他分支机构，您无权查看"
    assert all(c.candidates == () for c in result.causes)
    text = _all_text(result)
    for secret in ("上海分公司", "机密客户", "9876.54", "044001500111", "2026-03-02"):
        assert secret not in text


def test_near_misses_in_another_branch_do_not_leak(store: peewee.Database) -> None:
    save_invoices([make_record("81966722")], branch="上海分公司")
    result = lookup("81966723", CLERK)
    assert _kinds(result) == [CauseKind.NOT_HERE]
    assert "81966722" not in _all_text(result)


def test_qr_issued_today_is_too_new_for_the_bureau(store: peewee.Database) -> None:
    today = dt.date(2026, 3, 2)
    result = lookup("01,10,044001500111,81966722,173.79,20260302,17884534745749991611,BE2D",
                    CLERK, LookupOptions(today=today))  # fmt: skip
    assert _kinds(result) == [CauseKind.TOO_NEW, CauseKind.NOT_HERE]
    assert "T+1" in result.causes[0].title.text()
    later = lookup("01,10,044001500111,81966722,173.79,20260302,17884534745749991611,BE2D",
                   CLERK, LookupOptions(today=today + dt.timedelta(days=1)))  # fmt: skip
    assert _kinds(later) == [CauseKind.NOT_HERE]


def test_an_invoice_over_five_years_old_says_so_first(store: peewee.Database) -> None:
    """A 2018 QR once led with "the disk has unsynced invoices" and never said its age."""
    today = dt.date(2026, 11, 30)
    qr = "01,04,044031800111,12345678,300.00,20180615,12345678901234567890,A1B2"
    old = lookup(qr, CLERK, LookupOptions(today=today, disk_last_seq=120, store_last_seq=118))
    assert _kinds(old)[0] is CauseKind.TOO_OLD and CauseKind.NOT_HERE in _kinds(old)
    assert "2018-06-15" in old.causes[0].detail.text() and "5 年" in old.causes[0].title.text()
    # Twenty digits that "begin" 2019 are no 数电 number (those began in 2021): no age cause.
    number = lookup("19312000000012345678", CLERK, LookupOptions(today=today))
    assert CauseKind.TOO_OLD not in _kinds(number)
    # Within five years, no such cause.
    recent = "01,04,044031800111,12345678,300.00,20211201,12345678901234567890,A1B2"
    assert CauseKind.TOO_OLD not in _kinds(lookup(recent, CLERK, LookupOptions(today=today)))
    assert CauseKind.TOO_OLD not in _kinds(
        lookup("24312000000012345678", CLERK, LookupOptions(today=today))
    )


def test_disk_ahead_of_the_store_comes_first(store: peewee.Database) -> None:
    save_invoices([make_record("81966722")], branch="总部")
    result = lookup("81966723", CLERK, LookupOptions(disk_last_seq=120, store_last_seq=118))
    assert _kinds(result) == [CauseKind.NOT_SYNCED, CauseKind.TYPED_WRONG, CauseKind.NOT_HERE]
    assert result.causes[0].action.text() == "同步"
    in_step = lookup("81966723", CLERK, LookupOptions(disk_last_seq=118, store_last_seq=118))
    assert CauseKind.NOT_SYNCED not in _kinds(in_step)


def test_causes_in_english(store: peewee.Database) -> None:
    set_language("en")
    result = lookup("55555555", CLERK)
    assert result.causes[0].title.text() == "this invoice is not in the store"
