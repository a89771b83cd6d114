"""The lookup engine on both databases: what a query finds, in which order, for whom."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee
import pytest

from storage.accounts.users import Session
from storage.lookup import names
from storage.lookup.engine import LookupOptions, QueryKind, invoice_detail, lookup
from storage.rules.query_kind import classify
from storage.store.invoice_store import save_invoices
from storage.store.models import Role
from tests.support.invoices import make_record
from tui.invoice_view import invoice_view

CLERK = Session("clerk", Role.CLERK, "总部")
BOSS = Session("boss", Role.SUPERVISOR, "总部", all_branches=True)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("81966722", QueryKind.NUMBER),
        ("24312000000136634917", QueryKind.NUMBER),
        ("1966722", QueryKind.NUMBER),
        ("044001500111", QueryKind.CODE),
        ("4300171130", QueryKind.CODE),
        ("91110105MA005AEF36", QueryKind.TAX_ID),
        ("173.79", QueryKind.AMOUNT),
        ("华信", QueryKind.NAME),
        ("01,10,044001500111,81966722,173.79,20170524,17884534745749991611,BE2D", QueryKind.QR),
    ],
)
def test_the_box_tells_what_was_typed(text: str, kind: QueryKind) -> None:
    assert classify(text).kind is kind


def test_one_character_asks_for_more(store: peewee.Database) -> None:
    result = lookup("华", CLERK)
    assert result.problem and "两个字" in result.problem.text()
    assert result.matches == () and result.causes == ()


def test_a_text_beyond_the_limit_is_refused_and_one_at_the_limit_is_searched(
    store: peewee.Database,
) -> None:
    from storage.rules.query_kind import QUERY_MAX_CHARS

    save_invoices([make_record("81966722", buyer_name="北京华信商贸有限公司")], branch="总部")
    pasted = "".join(chr(0x4E00 + i) for i in range(QUERY_MAX_CHARS + 1))
    refused = lookup(pasted, CLERK)
    assert refused.problem and f"最多 {QUERY_MAX_CHARS} 个字" in refused.problem.text()
    assert refused.matches == () and refused.causes == ()
    # The longest accepted name (every gram different) runs on either database.
    longest = lookup(pasted[:QUERY_MAX_CHARS], CLERK)
    assert longest.problem is None and longest.matches == () and longest.causes
    assert lookup("华信商贸" + " " * 300, CLERK).matches  # blanks around do not count


def test_exact_number_is_found_with_its_status(store: peewee.Database) -> None:
    save_invoices([make_record("81966722", status="void")], branch="总部")
    result = lookup(" 81966722 ", CLERK)
    assert [(m.number, m.status_text) for m in result.matches] == [("81966722", "作废")]
    assert result.causes == ()


def test_two_character_name_finds_two_character_parties_exact_names_first(
    store: peewee.Database,
) -> None:
    save_invoices([
        make_record("00000001", buyer_name="华信", date=dt.date(2026, 1, 5)),
        make_record("00000002", buyer_name="上海恒通物流有限公司", date=dt.date(2026, 1, 6)),
        make_record("00000003", buyer_name="北京华信商贸有限公司", date=dt.date(2026, 1, 7)),
        make_record("00000004", buyer_name="华信", date=dt.date(2026, 1, 7)),
    ], branch="总部")  # fmt: skip
    result = lookup("华信", CLERK)  # the party named exactly 华信 first, each tier newest first
    assert [m.number for m in result.matches] == ["00000004", "00000001", "00000003"]
    assert lookup("华信商贸", CLERK).matches[0].buyer_name == "北京华信商贸有限公司"
    assert lookup("信商贸有", CLERK).matches[0].number == "00000003"
    assert lookup("商贸华信", CLERK).matches == ()  # all grams present somewhere is not enough


def test_a_name_lists_exact_names_then_prefixes_then_the_rest(store: peewee.Database) -> None:
    """Typing 光明 must not bury the buyer named exactly 光明 under the newer invoices of
    南京光明… and 苏州光明… (issue 12, a clerk's rough edge 2)."""
    newer = [
        make_record(f"1{i:07d}", buyer_name=f"{city}光明{i}有限公司", date=dt.date(2026, 3, 1) + dt.timedelta(days=i % 20))
        for i, city in enumerate(["南京", "苏州", "无锡"] * 30)
    ]  # fmt: skip
    save_invoices([
        *newer,
        make_record("20000001", buyer_name="光明", date=dt.date(2026, 1, 3)),
        make_record("20000002", buyer_name="光明", date=dt.date(2026, 1, 9)),
        make_record("20000003", buyer_name="光明电器商行", date=dt.date(2026, 2, 1)),
    ], branch="总部")  # fmt: skip
    for text in ("光明", " 光明 "):
        result = lookup(text, CLERK, LookupOptions(limit=10))
        assert [m.number for m in result.matches[:3]] == ["20000002", "20000001", "20000003"]
        rest = result.matches[3:]
        assert len(rest) == 7 and result.more
        assert [(m.date, m.id) for m in rest] == sorted(
            ((m.date, m.id) for m in rest), reverse=True
        )
        assert all("光明" in m.buyer_name for m in rest)
    # A longer name ranks the same way: the prefix party before the ones that contain it.
    assert lookup("光明电器", CLERK).matches[0].number == "20000003"


@pytest.mark.parametrize("set_limit", [1000, 10], ids=["parties-as-a-set", "probed"])
def test_a_term_in_most_names_pages_newest_first(
    store: peewee.Database, set_limit: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The walk reads the term's 120 parties once into a set, or (past the limit, as 有限 at a
    # million invoices) looks each invoice's counterparty up: the same page either way.
    monkeypatch.setattr(names, "WALK_SET_LIMIT", set_limit)
    records = [
        make_record(f"{i:08d}", buyer_name=f"{'北京' if i % 2 else '上海'}公司{i}有限公司",
                date=dt.date(2026, 1, 1) + dt.timedelta(days=i % 40))
        for i in range(1, 121)
    ]  # fmt: skip
    save_invoices(records, branch="总部")
    result = lookup("有限", CLERK, LookupOptions(limit=30))
    assert len(result.matches) == 30 and result.more
    keys = [(m.date, m.id) for m in result.matches]
    assert keys == sorted(keys, reverse=True)
    assert result.matches[0].date == dt.date(2026, 2, 9)


def test_branch_filter_and_all_branches(store: peewee.Database) -> None:
    save_invoices([make_record("00000011")], branch="总部")
    save_invoices([make_record("00000012")], branch="上海分公司")
    assert [m.number for m in lookup("华信商贸", CLERK).matches] == ["00000011"]
    assert {m.number for m in lookup("华信商贸", BOSS).matches} == {"00000011", "00000012"}
    assert lookup("173.79", CLERK).matches[0].number == "00000011"


def test_tax_id_amount_and_code_queries(store: peewee.Database) -> None:
    save_invoices([make_record("00000021"), make_record("00000022", code="1100241310", type="01",
                                                 buyer_tax_id="91310115MA1K3YJ27X")],
                  branch="总部")  # fmt: skip
    assert [m.number for m in lookup("91110105ma005aef36", CLERK).matches] == ["00000021"]
    assert {m.number for m in lookup("196.38", CLERK).matches} == {"00000021", "00000022"}
    assert [m.number for m in lookup("1100241310", CLERK).matches] == ["00000022"]


def test_qr_finds_the_invoice_when_its_amount_agrees(store: peewee.Database) -> None:
    save_invoices([make_record("81966722", date=dt.date(2017, 5, 24))], branch="总部")
    qr = "01,10,044001500111,81966722,173.79,20170524,17884534745749991611,BE2D"
    assert [m.number for m in lookup(qr, CLERK).matches] == ["81966722"]


def test_hidden_void_red_is_not_a_match(store: peewee.Database) -> None:
    save_invoices([make_record("81966722", status="red")], branch="总部")
    result = lookup("81966722", CLERK, LookupOptions(show_void_red=False))
    assert result.matches == ()


def test_the_detail_hides_other_branches(store: peewee.Database) -> None:
    # What the detail screen reads (invoice_detail, copied by tui.invoice_view); the screen's
    # labels are checked on the screen (test_tui_app). The old labelled copy here was unused.
    save_invoices([make_record("00000031")], branch="总部")
    save_invoices([make_record("00000032")], branch="上海分公司")
    mine = lookup("00000031", CLERK).matches[0]
    detail = invoice_detail(mine.id, CLERK)
    assert detail is not None
    view = invoice_view(detail)
    assert view.total == Decimal("196.38") and view.status == "normal" and view.type == "10"
    other = lookup("00000032", BOSS).matches[0]
    assert invoice_detail(other.id, CLERK) is None
