"""The troubleshooting checklist: what the machine checks, and what it says to do next."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee

from storage.accounts.users import Session
from storage.checklist.troubleshooting import (
    ChecklistFacts,
    ChecklistItem,
    ItemState,
    TerminalInfo,
    run_checklist,
)
from storage.rules.field_checks import InvoiceDraft
from storage.store.invoice_store import save_invoices
from storage.store.models import Role
from storage.store.records import InvoiceRecord

CLERK = Session("wang", Role.CLERK, "总部")


def _save(number: str, *, branch: str = "总部", status: str = "normal") -> None:
    save_invoices([InvoiceRecord(number=number, date=dt.date(2026, 11, 2), amount=Decimal("100.00"),
                                 tax=Decimal("13.00"), total=Decimal("113.00"), type="32",
                                 status=status, branch=branch)], branch="总部")  # fmt: skip


def _items(draft: InvoiceDraft, facts: ChecklistFacts | None = None) -> dict[str, ChecklistItem]:
    return {i.key: i for i in run_checklist(draft, CLERK, facts or ChecklistFacts())}


def test_seven_items_in_the_source_materials_order(store: peewee.Database) -> None:
    items = run_checklist(InvoiceDraft(), CLERK, ChecklistFacts())
    assert [i.title.text()[:2] for i in items] == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    assert [i.key for i in items] == [
        "sync", "status", "notices", "network", "permission", "fields", "terminal"]  # fmt: skip


def test_disk_ahead_of_the_store_fails_sync_with_the_action(store: peewee.Database) -> None:
    sync = _items(InvoiceDraft(), ChecklistFacts(disk_last_seq=120, store_last_seq=100))["sync"]
    assert sync.state is ItemState.FAIL and "20 条记录尚未同步" in sync.checked.text()
    assert "同步" in sync.next_step.text()


def test_void_invoice_fails_status(store: peewee.Database) -> None:
    _save("24312000000136634917", status="void")
    status = _items(InvoiceDraft(number="24312000000136634917"))["status"]
    assert status.state is ItemState.FAIL and "作废" in status.checked.text()


def test_other_branch_fails_permission_without_revealing_it(store: peewee.Database) -> None:
    _save("24312000000136634918", branch="上海分公司")
    items = _items(InvoiceDraft(number="24312000000136634918"))
    assert items["permission"].state is ItemState.FAIL
    text = " ".join(f"{i.checked.text()} {i.next_step.text()}" for i in items.values())
    assert "上海" not in text and "113" not in text and "其他分支机构" in text


def test_fields_terminal_notices_and_ticks(store: peewee.Database) -> None:
    facts = ChecklistFacts(
        terminal=TerminalInfo(70, 20, 16, "utf-8"), notices=("今晚 22:00 系统维护",),
        ticked=frozenset({"network"}),
    )  # fmt: skip
    draft = InvoiceDraft(number="2550485", code="4300171130", date="2025-01-15", amount="100.00")
    items = _items(draft, facts)
    assert items["fields"].state is ItemState.WARN and "发票号码" in items["fields"].checked.text()
    assert items["terminal"].state is ItemState.FAIL and "70×20" in items["terminal"].checked.text()
    assert (
        items["notices"].state is ItemState.WARN and "系统维护" in items["notices"].checked.text()
    )
    assert items["network"].state is ItemState.TICKED  # no disk: the clerk confirmed it


def test_cross_check_shows_differences_side_by_side(store: peewee.Database) -> None:
    from storage.checklist.cross_check import cross_check

    _save("24312000000136634919")
    diffs = cross_check(InvoiceDraft(number="24312000000136634919", amount="110.00",
                                     date="2026/11/2", total="113"), CLERK)  # fmt: skip
    assert [(d.field, d.entered, d.stored) for d in diffs] == [("amount", "110.00", "100.00")]


def test_report_saves_as_text_and_xlsx(store: peewee.Database, tmp_path: object) -> None:
    from pathlib import Path

    from openpyxl import load_workbook

    from storage.checklist.report import CheckReport, save_report
    from storage.rules.field_checks import check_invoice

    draft = InvoiceDraft(number="2550485", code="4300171130")
    report = CheckReport(draft, check_invoice(draft), run_checklist(draft, CLERK, ChecklistFacts()),
                         [], CLERK, dt.datetime(2026, 11, 23, 9, 30))  # fmt: skip
    text = save_report(report, Path(str(tmp_path)) / "r.txt").read_text(encoding="utf-8")
    assert "发票信息核对报告" in text and "02550485" in text and "7. 终端兼容性" in text
    assert "未填写" in text and "✓ 通过 | 未填写" not in text and "✓ 通过  未填写" not in text
    empty_rows = [line for line in text.splitlines() if "未填写" in line]
    assert empty_rows and all("通过" not in line for line in empty_rows)
    sheet = load_workbook(save_report(report, Path(str(tmp_path)) / "r.xlsx")).active
    assert sheet is not None
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "发票信息核对报告" in cells and "2550485" in cells
