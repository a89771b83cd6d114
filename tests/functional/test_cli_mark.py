"""``fapiao mark``, ``fapiao summary``, the export's tracking columns and filters, and an
already reimbursed invoice flagged when its file comes in again — run in-process."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import peewee
import pytest

from storage.store.database import close_database, open_database
from storage.store.models import Invoice, InvoiceMark, Role
from tests.support.cli import signed_in
from tui.cli.main import main

HEADER = ("发票代码,发票号码,数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,"
          "金额,税额,价税合计,税率,发票票种,发票状态,备注")  # fmt: skip
SELLER = "91370200MA3C5XKE2L,青岛同创信息技术有限公司,91110105MA005AEF36,北京华信商贸有限公司"
ROWS = [
    f",,26112000000000000101,{SELLER},2026-03-02,100.00,13.00,113.00,13%,数电发票（普通发票）,正常,办公用品",
    f",,26112000000000000102,{SELLER},2026-03-03,200.00,26.00,226.00,13%,数电发票（普通发票）,正常,差旅",
    f"044001500111,81966722,,{SELLER},2026-02-10,173.79,22.59,196.38,13%,增值税电子普通发票,正常,",
]  # fmt: skip


@pytest.fixture
def cli_store(
    store_url: str, store: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A store with a clerk, a supervisor and an auditor of 总部, three received invoices."""
    users = [("clerk", Role.CLERK, "总部"), ("boss", Role.SUPERVISOR, "总部"),
             ("audit", Role.AUDITOR, "总部")]  # fmt: skip
    signed_in(store_url, tmp_path, monkeypatch, users)
    received = tmp_path / "received.csv"
    received.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8-sig")
    assert main(["import", "--direction", "received", str(received)]) == 0
    return store_url


def _stored(url: str) -> dict[str, tuple[str, str, bool, str, str]]:
    open_database(url)
    try:
        return {
            i.number: (i.booking, i.booking_period, bool(i.reimbursed), i.claim_ref,
                       i.reimbursed_by)
            for i in Invoice.select()
        }  # fmt: skip
    finally:
        close_database()


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    out = capsys.readouterr().out
    return json.loads(out)  # type: ignore[no-any-return]


def test_mark_booked_by_code_number_and_20_digit_number_with_json(
    cli_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    code = main(["mark", "044001500111,81966722", "26112000000000000101",
                 "--booked", "入账(企业所得税税前扣除)", "--period", "2026-03", "--json"])  # fmt: skip
    assert code == 0
    doc = _json(capsys)
    assert (doc["ok"], doc["invoices"], doc["changed"], doc["state"], doc["by"]) == (
        True, 2, 2, "cit_deductible", "clerk")  # fmt: skip
    assert doc["state_text"] == "入账（企业所得税税前扣除）"
    stored = _stored(cli_store)
    assert stored["81966722"][:2] == stored["26112000000000000101"][:2] == (
        "cit_deductible", "2026-03")  # fmt: skip
    assert stored["26112000000000000102"][0] == "unbooked"


def test_mark_reimbursed_then_a_second_claim_is_refused_with_exit_1(
    cli_store: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    listing = tmp_path / "claim.txt"
    listing.write_text("26112000000000000101\n044001500111 81966722  # 出租车\n\n")
    assert main(["mark", "--from", str(listing), "--reimbursed", "--claim", "BX-0315"]) == 0
    assert "已标记 2 张发票为已报销，报销单 BX-0315" in capsys.readouterr().out
    code = main(["mark", "26112000000000000102", "26112000000000000101", "--reimbursed",
                 "--claim", "BX-0316", "--json"])  # fmt: skip
    assert code == 1
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert (doc["ok"], doc["error"], doc["exit_code"]) == (False, "tracking.already_reimbursed", 1)
    assert "26112000000000000101 (BX-0315)" in doc["message"] and "不能再次报销" in err
    stored = _stored(cli_store)
    assert stored["26112000000000000102"][2] is False  # all or nothing
    assert stored["26112000000000000101"][2:] == (True, "BX-0315", "clerk")


def test_bad_input_exits_2_with_a_json_document(
    cli_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    for args, key in (
        (["81966722", "--reimbursed"], "tracking.needs_code"),
        (["26112000000000000101", "--booked", "已入账了"], ""),
        (["26112000000000000101", "--booked", "未入账", "--period", "2026/3"],
         "tracking.bad_period"),
    ):  # fmt: skip
        assert main(["mark", *args, "--json"]) == 2, args
        doc = _json(capsys)
        assert doc["ok"] is False and doc["exit_code"] == 2
        if key:
            assert doc["error"] == key
    assert {s[0] for s in _stored(cli_store).values()} == {"unbooked"}


def test_roles_clerk_may_not_undo_and_auditor_may_not_mark(
    cli_store: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["mark", "26112000000000000101", "--reimbursed", "--claim", "BX-1"]) == 0
    capsys.readouterr()
    assert main(["mark", "26112000000000000101", "--undo-reimbursed", "--json"]) == 1
    assert _json(capsys)["error"] == "auth.needs_role"
    monkeypatch.setenv("FAPIAO_USER", "audit")
    assert main(["mark", "26112000000000000102", "--booked", "未入账"]) == 1
    monkeypatch.setenv("FAPIAO_USER", "boss")
    assert main(["mark", "26112000000000000101", "--undo-reimbursed"]) == 0
    stored = _stored(cli_store)
    assert stored["26112000000000000101"][2:] == (False, "", "boss")
    assert stored["26112000000000000102"][0] == "unbooked"


def test_an_auditor_is_refused_and_told_which_role_it_needs(
    cli_store: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAPIAO_USER", "audit")
    capsys.readouterr()
    assert main(["mark", "26112000000000000102", "--booked", "未入账"]) == 1
    assert "此操作需要 前台 权限" in capsys.readouterr().err
    open_database(cli_store)
    try:
        assert InvoiceMark.select().count() == 0
    finally:
        close_database()


def test_reimporting_a_reimbursed_invoice_is_flagged_loudly(
    cli_store: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["mark", "26112000000000000101", "--reimbursed", "--claim", "BX-7"]) == 0
    again = tmp_path / "dzfp_again.csv"  # the same invoice, another file (another hash)
    again.write_text("\n".join([HEADER, ROWS[0].replace("办公用品", "办公用品 ")]) + "\n",
                     encoding="utf-8-sig")  # fmt: skip
    capsys.readouterr()
    assert main(["import", "--direction", "received", str(again), "--json"]) == 0
    doc = _json(capsys)
    (flag,) = doc["files"][0]["reimbursed_again"]
    assert (flag["number"], flag["claim_ref"], flag["reimbursed_by"]) == (
        "26112000000000000101", "BX-7", "clerk")  # fmt: skip
    assert main(["import", "--direction", "received", str(again)]) == 0  # the same file again
    out = capsys.readouterr().out
    assert "已导入" in out or "此文件已于" in out
    assert "⚠ 已报销过的发票再次出现：26112000000000000101 (BX-7)" in out


def test_summary_counts_and_sums_by_state_month_and_seller(
    cli_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mark", "26112000000000000101", "26112000000000000102", "--booked",
                 "cit_not_deductible", "--period", "2026-03"]) == 0  # fmt: skip
    assert main(["mark", "26112000000000000102", "--reimbursed"]) == 0
    capsys.readouterr()
    assert main(["summary", "--json"]) == 0
    doc = _json(capsys)
    assert (doc["count"], doc["total"]) == (3, "535.38")
    states = {g["key"]: (g["count"], g["total"]) for g in doc["by_state"]}
    assert states == {"unbooked": (1, "196.38"), "cit_not_deductible": (2, "339.00")}
    months = {g["key"]: (g["count"], g["booked"], g["reimbursed"]) for g in doc["by_month"]}
    assert months == {"2026-03": (2, 2, 1), "2026-02": (1, 0, 0)}
    (seller,) = doc["by_seller"]
    assert (seller["key"], seller["count"]) == ("青岛同创信息技术有限公司", 3)
    assert main(["--lang", "en", "summary"]) == 0
    out = capsys.readouterr().out
    assert "By booking state" in out and "booked (CIT, not deductible)" in out


def test_export_has_the_tracking_columns_and_filters_by_them(
    cli_store: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["mark", "26112000000000000102", "--reimbursed", "--claim", "BX-9"]) == 0
    out = tmp_path / "paid.csv"
    assert main(["export", "--out", str(out), "--reimbursed", "yes"]) == 0
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["发票号码"], r["报销状态"], r["报销单号"], r["报销经办人"])
            for r in rows] == [("26112000000000000102", "已报销", "BX-9", "clerk")]  # fmt: skip
    assert rows[0]["入账状态"] == "未入账" and rows[0]["报销时间"]
    out2 = tmp_path / "kw.xlsx"
    capsys.readouterr()
    assert main(["export", "--out", str(out2), "--keyword", "差旅", "--json"]) == 0
    assert _json(capsys)["invoices"] == 1


def test_import_warns_of_a_possible_duplicate_without_calling_it_one(
    cli_store: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # the same seller, the same 113.00, two days after …0101: perhaps the same purchase
    near = ROWS[0].replace("26112000000000000101", "26112000000000000199").replace(
        "2026-03-02", "2026-03-04")  # fmt: skip
    path = tmp_path / "near.csv"
    path.write_text("\n".join([HEADER, near]) + "\n", encoding="utf-8-sig")
    capsys.readouterr()
    assert main(["import", "--direction", "received", str(path)]) == 0
    out = capsys.readouterr().out
    assert "新增 1 张" in out
    assert (
        "26112000000000000199: 可能重复：同一销方、同一金额、日期相近的发票 26112000000000000101"
        in out
    )
    assert "26112000000000000199" in _stored(cli_store)  # a warning: it went in


def test_lookup_flags_an_invoice_already_reimbursed(
    cli_store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mark", "26112000000000000101", "--reimbursed", "--claim", "BX-7"]) == 0
    capsys.readouterr()
    assert main(["lookup", "26112000000000000101"]) == 0
    assert "正常 ⚠已报销" in capsys.readouterr().out
    assert main(["lookup", "26112000000000000102", "--json"]) == 0
    (match,) = _json(capsys)["matches"]
    assert match["reimbursed"] is False and match["booking"] == "unbooked"
