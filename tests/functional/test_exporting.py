"""Exporting invoices: round trip through import, formats, filters, branches."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import peewee
import pytest

from storage.accounts.users import Session
from storage.demo.data import generate_invoices
from storage.exporting.invoices import (
    ExportError,
    ExportFilter,
    OtherBranchRefused,
    export_invoices,
)
from storage.importing import Who, import_file
from storage.store.invoice_store import count_invoices, save_invoices
from storage.store.models import Invoice, InvoiceLine, Party, PartyGram, Role
from storage.store.records import InvoiceRecord

CLERK = Session("li", Role.CLERK, "总部")
SUPER = Session("wang", Role.SUPERVISOR, "总部", all_branches=True)
END = dt.date(2026, 11, 20)


def _snapshot() -> dict[tuple[str, str], tuple[object, ...]]:
    """What an invoice is, as a user sees it: every stored field and its lines."""
    out: dict[tuple[str, str], tuple[object, ...]] = {}
    for inv in Invoice.select():
        lines = tuple(
            (ln.item, ln.spec, ln.unit, ln.quantity, ln.unit_price, ln.amount, ln.rate, ln.tax)
            for ln in inv.lines.order_by(InvoiceLine.line_no)
        )
        out[(inv.number, inv.code)] = (
            inv.type, inv.date, inv.check_code, inv.amount, inv.tax, inv.total, inv.rate,
            inv.buyer_name, inv.buyer_tax_id, inv.seller_name, inv.seller_tax_id, inv.status,
            inv.red_of, inv.direction, inv.branch, inv.remark, lines,
        )  # fmt: skip
    return out


def _empty_store() -> None:
    InvoiceLine.delete().execute()
    Invoice.delete().execute()
    PartyGram.delete().execute()
    Party.delete().execute()


@pytest.mark.parametrize("ext", [".csv", ".xlsx"])
def test_export_then_import_into_an_empty_store_gives_the_same_invoices(
    store: peewee.Database, tmp_path: Path, ext: str
) -> None:
    records = list(generate_invoices(150, seed=5, end=END))
    odd = InvoiceRecord(number="00000017", code="4300171130", date=END, amount=Decimal("0.10"),
                        tax=Decimal("0.01"), total=Decimal("0.11"), type="01",
                        buyer_name="=HYPERLINK(\"x\")", remark="-备注, 含逗号\n和换行")  # fmt: skip
    save_invoices([*records, odd], branch="总部")
    before = _snapshot()
    assert any(row[-1] for row in before.values())  # some invoices have lines
    result = export_invoices(tmp_path / f"out{ext}", CLERK, ExportFilter())
    assert result.invoices == len(before)
    _empty_store()
    report = import_file(tmp_path / f"out{ext}", Who("li", "总部"))
    assert report.rejected == [] and report.added == len(before)
    assert _snapshot() == before


def test_csv_has_a_bom_and_exact_two_decimal_money(store: peewee.Database, tmp_path: Path) -> None:
    save_invoices([InvoiceRecord(number="24312000000136634917", date=END, amount=Decimal("100"),
                                 tax=Decimal("6"), total=Decimal("106"), type="32")],
                  branch="总部")  # fmt: skip
    path = tmp_path / "out.csv"
    export_invoices(path, CLERK, ExportFilter())
    raw = path.read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    header, row = rows[0], rows[1]
    assert row[header.index("金额")] == "100.00"
    assert row[header.index("价税合计")] == "106.00"
    assert row[header.index("发票票种")] == "电子发票（普通发票）"


def test_xlsx_money_is_numeric_with_two_decimals_and_numbers_are_text(
    store: peewee.Database, tmp_path: Path
) -> None:
    save_invoices([InvoiceRecord(number="02550485", code="4300171130", date=END,
                                 amount=Decimal("10545.43"), tax=Decimal("1370.91"),
                                 total=Decimal("11916.34"), type="01")], branch="总部")  # fmt: skip
    path = tmp_path / "out.xlsx"
    export_invoices(path, CLERK, ExportFilter())
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    header = [c.value for c in sheet[1]]
    number = sheet.cell(row=2, column=header.index("发票号码") + 1)
    amount = sheet.cell(row=2, column=header.index("金额") + 1)
    assert number.value == "02550485"  # the leading zero kept
    assert amount.value == pytest.approx(10545.43) and amount.number_format == "0.00"


def _two_branches() -> None:
    save_invoices(generate_invoices(60, seed=2, end=END, branches=("总部", "上海分公司"),
                                    other_branch_share=0.5), branch="总部")  # fmt: skip


def test_a_clerk_exports_only_their_branch(store: peewee.Database, tmp_path: Path) -> None:
    _two_branches()
    own = Invoice.select().where(Invoice.branch == "总部").count()
    assert 0 < own < count_invoices()
    assert export_invoices(tmp_path / "a.csv", CLERK, ExportFilter()).invoices == own
    with pytest.raises(OtherBranchRefused):
        export_invoices(tmp_path / "b.csv", CLERK, ExportFilter(branch="上海分公司"))
    assert not (tmp_path / "b.csv").exists()


def test_an_all_branch_supervisor_exports_all_or_one_branch(
    store: peewee.Database, tmp_path: Path
) -> None:
    _two_branches()
    assert export_invoices(tmp_path / "a.csv", SUPER, ExportFilter()).invoices == count_invoices()
    shanghai = Invoice.select().where(Invoice.branch == "上海分公司").count()
    result = export_invoices(tmp_path / "b.csv", SUPER, ExportFilter(branch="上海分公司"))
    assert result.invoices == shanghai


def test_filters_by_date_status_and_buyer(store: peewee.Database, tmp_path: Path) -> None:
    base = dict(date=END, amount=Decimal("1.00"), tax=Decimal("0.00"), total=Decimal("1.00"))
    save_invoices([
        InvoiceRecord(number="24312000000000000001", buyer_name="杭州华信科技有限公司", **base),  # type: ignore[arg-type]
        InvoiceRecord(number="24312000000000000002", buyer_name="杭州华信科技有限公司",
                      status="void", **base),  # type: ignore[arg-type]
        InvoiceRecord(number="24312000000000000003", buyer_name="成都恒通物流有限公司",
                      buyer_tax_id="91510107MA61TEST0X", **base),  # type: ignore[arg-type]
        InvoiceRecord(number="24312000000000000004", buyer_name="旧单位",
                      **{**base, "date": END - dt.timedelta(days=40)}),  # type: ignore[arg-type]
    ], branch="总部")  # fmt: skip

    def numbers(filters: ExportFilter) -> set[str]:
        path = tmp_path / "f.csv"
        export_invoices(path, CLERK, filters)
        rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
        return {row["发票号码"][-1] for row in rows}

    assert numbers(ExportFilter(date_from=END - dt.timedelta(days=7))) == {"1", "2", "3"}
    assert numbers(ExportFilter(date_to=END - dt.timedelta(days=7))) == {"4"}
    assert numbers(ExportFilter(status="void")) == {"2"}
    assert numbers(ExportFilter(buyer="华信")) == {"1", "2"}
    assert numbers(ExportFilter(buyer="91510107MA61TEST0X")) == {"3"}


def test_a_bad_extension_writes_nothing(store: peewee.Database, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ExportError):
        export_invoices(out / "invoices.pdf", CLERK, ExportFilter())
    assert list(out.iterdir()) == []


def test_an_auditor_may_not_export(store: peewee.Database, tmp_path: Path) -> None:
    from storage.accounts.permissions import PermissionDenied

    with pytest.raises(PermissionDenied):
        export_invoices(tmp_path / "a.csv", Session("zhao", Role.AUDITOR, "总部"), ExportFilter())
    assert not (tmp_path / "a.csv").exists()
