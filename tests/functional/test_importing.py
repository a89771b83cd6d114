"""Importing files into the store, on SQLite and PostgreSQL: formats, encodings, bad rows,
refused files (store unchanged), re-import, conflicts, branches."""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import peewee
import pytest

from storage.importing import FileRefused, FileReport, Who, import_file
from storage.importing.importer import import_files
from storage.importing.qr_text import QR_REMARK
from storage.store.invoice_store import count_invoices, save_invoices
from storage.store.models import ImportedFile, Invoice, InvoiceLine
from storage.store.records import InvoiceRecord
from tests.support.paths import FIXTURES

IMPORT_FILES = FIXTURES / "import"
CLERK = Who(username="li", branch="上海分公司")
HEADER = ("发票代码,发票号码,数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,"
          "金额,税额,价税合计,税率,发票票种,发票状态,备注")  # fmt: skip
GOOD_ROWS = [
    "044001500111,81966722,,91110105MA005AEF36,北京某某商贸有限公司,91310115MA1K3YJ12X,"
    "上海华信科技有限公司,2026-11-02,173.79,22.59,196.38,13%,增值税电子普通发票,正常,",
    ",,24312000000136634917,91110105MA005AEF36,北京某某商贸有限公司,,张三,20261102,"
    "100.00,6.00,106.00,6%,数电票（普通发票）,作废,个人",
]


def _csv(tmp_path: Path, rows: list[str], *, name: str = "dzfp.csv", encoding: str = "utf-8",
         header: str = HEADER) -> Path:  # fmt: skip
    path = tmp_path / name
    path.write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode(encoding))
    return path


def _import(path: Path, who: Who = CLERK) -> FileReport:
    return import_file(path, who)


def _reasons(report: FileReport) -> dict[int, str]:
    return {r.row: r.problem.text() for r in report.rejected}


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_each_encoding_goes_in(
    store: peewee.Database, tmp_path: Path, encoding: str
) -> None:
    report = _import(_csv(tmp_path, GOOD_ROWS, encoding=encoding))
    assert (report.added, report.rejected) == (2, [])
    classic = Invoice.get(Invoice.number == "81966722")
    assert classic.buyer_name == "上海华信科技有限公司"  # the Chinese survived the decoding
    assert (classic.code, classic.type, classic.rate) == ("044001500111", "10", "0.13")
    assert (classic.amount, classic.tax, classic.total) == (
        Decimal("173.79"), Decimal("22.59"), Decimal("196.38"))  # fmt: skip
    digital = Invoice.get(Invoice.number == "24312000000136634917")
    assert (digital.code, digital.type, digital.status) == ("", "32", "void")
    assert digital.date == dt.date(2026, 11, 2)


def test_imported_invoices_belong_to_the_importers_branch(
    store: peewee.Database, tmp_path: Path
) -> None:
    _import(_csv(tmp_path, GOOD_ROWS))
    assert {i.branch for i in Invoice.select()} == {"上海分公司"}
    assert {i.source for i in Invoice.select()} == {"import"}


def test_a_bad_row_among_good_ones_is_reported_and_the_rest_saved(
    store: peewee.Database, tmp_path: Path
) -> None:
    bad = GOOD_ROWS[0].replace("81966722", "1966722").replace("173.79", "173.80")
    wrong_sum = GOOD_ROWS[0].replace("81966722", "81966799").replace("22.59", "22.58")
    report = _import(_csv(tmp_path, [GOOD_ROWS[0], bad, GOOD_ROWS[1], wrong_sum]))
    assert report.added == 2 and count_invoices() == 2
    reasons = _reasons(report)
    assert set(reasons) == {3, 5}  # spreadsheet rows: the header is row 1
    assert "补足前导零" in reasons[3]
    assert "≠ 价税合计" in reasons[5]


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("81966722", "8196672A", "8 位或 20 位"),
        ("044001500111", "", "须有发票代码"),
        ("044001500111", "04400150011", "10 位或 12 位"),
        ("2026-11-02", "2026-02-30", "开票日期无效"),
        ("2026-11-02", "2099-01-01", "在未来"),
        ("173.79,22.59,196.38", "173.795,22.59,196.385", "最多两位小数"),
        ("增值税电子普通发票", "神秘发票", "未知的发票票种"),
        ("正常", "丢失", "未知的发票状态"),
        ("13%", "130%", "税率无效"),
    ],
)
def test_row_checks_give_the_reason(
    store: peewee.Database, tmp_path: Path, old: str, new: str, reason: str
) -> None:
    report = _import(_csv(tmp_path, [GOOD_ROWS[0].replace(old, new, 1)]))
    assert report.added == 0
    assert reason in _reasons(report)[2]


# The 发票票种 the 电子税务局's exports write, with the type each must become.
BUREAU_TYPE_NAMES = [
    ("数电发票（普通发票）", "32"), ("数电发票（增值税专用发票）", "31"),
    ("电子发票（普通发票）", "32"), ("电子发票（增值税专用发票）", "31"),
    ("全电发票（普通发票）", "32"), ("数电票（增值税专用发票）", "31"),
    ("电子发票（铁路电子客票）", "51"), ("数电发票（航空运输电子客票行程单）", "61"),
    ("增值税电子普通发票", "10"), ("增值税电子专用发票", "08"), ("增值税普通发票（卷票）", "11"),
    ("增值税专用发票", "01"), ("增值税普通发票", "04"), ("机动车销售统一发票", "03"),
    ("二手车销售统一发票", "15"), ("增值税电子普通发票（通行费）", "14"), ("通行费电子发票", "14"),
    ("数电纸质发票（增值税专用发票）", "01"), ("数电纸质发票（普通发票）", "04"),
    ("货物运输业增值税专用发票", "02"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "code"), BUREAU_TYPE_NAMES)
def test_every_type_name_of_the_bureaus_exports_is_known(name: str, code: str) -> None:
    from storage.importing.fields import parse_type

    half_width = name.replace("（", "(").replace("）", ")")
    assert parse_type(name) == parse_type(half_width) == parse_type(f" {half_width} ") == code


def test_a_shuidian_export_row_with_its_type_name_goes_in(
    store: peewee.Database, tmp_path: Path
) -> None:
    rows = [GOOD_ROWS[1].replace("数电票（普通发票）", "数电发票（普通发票）"),
            GOOD_ROWS[1].replace("24312000000136634917", "24312000000136634918")
            .replace("数电票（普通发票）", "数电发票(增值税专用发票)")]  # fmt: skip
    report = _import(_csv(tmp_path, rows))
    assert (report.added, _reasons(report)) == (2, {})
    assert {i.number: i.type for i in Invoice.select()} == {
        "24312000000136634917": "32", "24312000000136634918": "31"}  # fmt: skip


def test_a_digital_type_with_a_classic_number_is_refused(
    store: peewee.Database, tmp_path: Path
) -> None:
    report = _import(_csv(tmp_path, [GOOD_ROWS[0].replace("增值税电子普通发票",
                                                          "电子发票（铁路电子客票）")]))  # fmt: skip
    assert report.added == 0 and "与发票号码位数不符" in _reasons(report)[2]


def test_dates_in_every_usual_shape(store: peewee.Database, tmp_path: Path) -> None:
    shapes = ["2026-11-02", "2026/11/2", "20261102", "2026-11-02 10:11:12", "2026年11月2日"]
    rows = [GOOD_ROWS[0].replace("81966722", f"8196672{i}").replace("2026-11-02", shape)
            for i, shape in enumerate(shapes)]  # fmt: skip
    report = _import(_csv(tmp_path, rows))
    assert report.added == len(shapes), _reasons(report)
    assert {i.date for i in Invoice.select()} == {dt.date(2026, 11, 2)}


def test_rows_per_line_make_one_invoice_with_lines(store: peewee.Database) -> None:
    report = _import(IMPORT_FILES / "etax_per_line.csv")
    assert (report.added, report.rejected) == (2, [])
    two = Invoice.get(Invoice.number == "24312000000136634919")
    assert (two.type, two.amount, two.tax, two.total) == (
        "31", Decimal("250.00"), Decimal("29.00"), Decimal("279.00"))  # fmt: skip
    assert two.rate == ""  # 13% and 6% lines
    lines = list(
        InvoiceLine.select().where(InvoiceLine.invoice == two).order_by(InvoiceLine.line_no)
    )
    assert [(ln.item, ln.amount, ln.rate, ln.quantity) for ln in lines] == [
        ("*办公用品*打印纸", Decimal("200.00"), "0.13", "2"),
        ("*现代服务*咨询费", Decimal("50.00"), "0.06", "1"),
    ]


def test_a_bad_line_drops_its_whole_invoice(store: peewee.Database, tmp_path: Path) -> None:
    text = (IMPORT_FILES / "etax_per_line.csv").read_text(encoding="utf-8")
    path = tmp_path / "lines.csv"
    path.write_text(text.replace("50.00,6%,3.00,53.00", "50.00,6%,3.00,53.01"), encoding="utf-8")
    report = _import(path)
    assert report.added == 1  # only the other invoice
    reasons = _reasons(report)
    assert "≠ 价税合计" in reasons[3]
    assert "第 3 行有误" in reasons[2]
    assert not Invoice.select().where(Invoice.number == "24312000000136634919").exists()


def test_per_invoice_fixture_with_red_and_void(store: peewee.Database) -> None:
    report = _import(IMPORT_FILES / "etax_per_invoice.csv")
    assert (report.added, report.rejected) == (4, [])
    red = Invoice.get(Invoice.number == "24312000000136634918")
    assert (red.status, red.total) == ("red", Decimal("-106.00"))
    assert Invoice.get(Invoice.number == "02550485").status == "void"


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["发票查询结果"])  # a title row above the header, as the bureau's export has
    sheet.append(HEADER.split(","))
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_xlsx_with_typed_cells(store: peewee.Database, tmp_path: Path) -> None:
    path = _xlsx(tmp_path / "dzfp.xlsx", [
        ["044001500111", "81966722", None, "91110105MA005AEF36", "北京某某商贸有限公司",
         "91310115MA1K3YJ12X", "上海华信科技有限公司", dt.datetime(2026, 11, 2, 10, 11, 12),
         173.79, 22.59, 196.38, 0.13, "增值税电子普通发票", "正常", None],
        [4300171130, 2550485, None, "", "", "", "深圳恒通物流有限公司", "2026/11/2", 100, 13,
         113, "13%", "增值税专用发票", "正常", None],
    ])  # fmt: skip
    report = _import(path)
    assert report.added == 1
    assert (Invoice.get().amount, Invoice.get().date) == (Decimal("173.79"), dt.date(2026, 11, 2))
    assert "补足前导零" in _reasons(report)[4]  # Excel ate the number's leading zero


def test_truncated_xlsx_is_refused_and_the_store_unchanged(
    store: peewee.Database, tmp_path: Path
) -> None:
    _import(_csv(tmp_path, GOOD_ROWS[:1]))
    whole = _xlsx(
        tmp_path / "whole.xlsx",
        [
            [
                None,
                None,
                "24312000000136634917",
                "",
                "",
                "",
                "甲",
                "2026-11-02",
                "1.00",
                "0.00",
                "1.00",
                "",
                "",
                "",
                "",
            ]
        ],
    )
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(FileRefused) as caught:
        _import(cut)
    assert caught.value.problem.key == "import.file.bad_xlsx"
    assert count_invoices() == 1 and ImportedFile.select().count() == 1


def test_xlsx_zip_bomb_is_refused(store: peewee.Database, tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * (60 * 1024 * 1024) + b"/>")
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(buffer.getvalue())
    with pytest.raises(FileRefused) as caught:
        _import(path)
    assert caught.value.problem.key == "import.file.zip_bomb"
    assert count_invoices() == 0


@pytest.mark.parametrize(
    ("name", "content", "key"),
    [
        ("garbage.csv", bytes(range(256)) * 50, "import.file.binary"),
        ("fake.xlsx", "发票号码,开票日期\n".encode(), "import.file.not_what_it_claims"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "import.file.xls"),
        (
            "cols.csv",
            "发票号码,购买方名称,开票日期\n12345678,甲,2026-11-02\n".encode(),
            "import.file.missing_columns",
        ),
        ("prose.csv", "这是一封信，不是发票。\n谢谢\n".encode(), "import.file.no_header"),
        ("other.xml", b"<Invoice><ID>1</ID></Invoice>", "import.file.not_einvoice"),
        ("broken.xml", b"<EInvoice><Header>", "import.file.bad_xml"),
        ("empty.csv", b"", "import.file.empty"),
    ],
)
def test_unusable_files_are_refused_and_nothing_is_stored(
    store: peewee.Database, tmp_path: Path, name: str, content: bytes, key: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileRefused) as caught:
        _import(path)
    assert caught.value.problem.key == key
    assert count_invoices() == 0 and ImportedFile.select().count() == 0


@pytest.mark.parametrize("name", ["pipe.csv", "pipe.xml", "pipe.ofd"])
def test_a_pipe_or_a_device_is_refused_without_waiting_for_it(
    store: peewee.Database, tmp_path: Path, name: str
) -> None:
    """A named pipe blocked the import until something wrote to it (a script never returned);
    a device like /dev/zero would be read without end."""
    pipe = tmp_path / name
    os.mkfifo(pipe)
    reports = import_files([pipe, Path("/dev/zero")], CLERK)
    assert [r.refused.key if r.refused else None for r in reports] == [
        "import.file.not_regular"
    ] * 2
    assert count_invoices() == 0 and ImportedFile.select().count() == 0


def test_einvoice_xml_with_lines(store: peewee.Database) -> None:
    report = _import(IMPORT_FILES / "einvoice.xml")
    assert (report.added, report.rejected) == (1, [])
    invoice = Invoice.get()
    assert (invoice.number, invoice.type, invoice.total) == (
        "24312000000136634920", "32", Decimal("169.50"))  # fmt: skip
    assert (invoice.buyer_tax_id, invoice.remark) == ("91310115MA1K3YJ12X", "合同 A-17")
    assert [ln.item for ln in invoice.lines.order_by(InvoiceLine.line_no)] == [
        "*办公用品*打印纸", "*办公用品*墨盒"]  # fmt: skip


def test_billion_laughs_is_refused_without_expanding(store: peewee.Database) -> None:
    with pytest.raises(FileRefused) as caught:
        _import(IMPORT_FILES / "billion_laughs.xml")
    assert caught.value.problem.key == "import.file.unsafe_xml"
    assert count_invoices() == 0


def test_qr_lines_go_in_with_what_they_carry(store: peewee.Database) -> None:
    report = _import(IMPORT_FILES / "qr_lines.txt")
    assert report.added == 3
    assert list(_reasons(report)) == [5]  # the one line that is not a QR string
    special = Invoice.get(Invoice.number == "02550485")
    assert (special.type, special.amount, special.tax, special.total) == (
        "01", Decimal("10545.43"), Decimal("0.00"), Decimal("10545.43"))  # fmt: skip
    assert special.remark == QR_REMARK
    digital = Invoice.get(Invoice.number == "24312000000136634917")
    assert (digital.total, digital.code) == (Decimal("0.01"), "")


def test_reimporting_the_same_file_changes_nothing_and_says_so(
    store: peewee.Database, tmp_path: Path
) -> None:
    path = _csv(tmp_path, GOOD_ROWS)
    first = _import(path)
    again = _import(path)
    assert first.added == 2 and not first.already_imported
    assert again.already_imported and again.added == 0 and again.imported_at is not None
    assert count_invoices() == 2


def test_same_invoices_in_another_file_are_unchanged_and_status_updates(
    store: peewee.Database, tmp_path: Path
) -> None:
    _import(_csv(tmp_path, GOOD_ROWS))
    voided = GOOD_ROWS[0].replace("正常", "作废")
    report = _import(_csv(tmp_path, [voided, GOOD_ROWS[1]], name="again.csv"))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    assert Invoice.get(Invoice.number == "81966722").status == "void"


def test_a_conflict_is_a_rejected_row_not_an_overwrite(
    store: peewee.Database, tmp_path: Path
) -> None:
    save_invoices([InvoiceRecord(number="81966722", code="044001500111",
                                 date=dt.date(2026, 11, 2), amount=Decimal("100.00"),
                                 tax=Decimal("13.00"), total=Decimal("113.00"))],
                  branch="上海分公司")  # fmt: skip
    report = _import(_csv(tmp_path, GOOD_ROWS))
    assert report.added == 1
    assert "库中已有此发票" in _reasons(report)[2]
    assert Invoice.get(Invoice.number == "81966722").amount == Decimal("100.00")
    # A file with rejected rows is not remembered: fixed or not, it can be imported again.
    assert not _import(tmp_path / "dzfp.csv").already_imported


def test_duplicate_rows_that_differ_are_rejected(store: peewee.Database, tmp_path: Path) -> None:
    other = GOOD_ROWS[0].replace("上海华信科技有限公司", "别的公司")
    report = _import(_csv(tmp_path, [GOOD_ROWS[0], GOOD_ROWS[0], other]))
    assert report.added == 1
    assert _reasons(report) == {4: "与第 2 行是同一张发票，但内容不同"}


def test_reasons_in_english(store: peewee.Database, tmp_path: Path) -> None:
    from storage.messages import set_language

    report = _import(_csv(tmp_path, [GOOD_ROWS[0].replace("81966722", "1966722")]))
    set_language("en")
    assert "pad it" in _reasons(report)[2]


def test_an_import_is_audited_and_an_auditor_may_not_import(
    store: peewee.Database, tmp_path: Path
) -> None:
    from storage.accounts.permissions import PermissionDenied
    from storage.accounts.users import Session
    from storage.audit.chain import AuditEntry
    from storage.store.models import Role

    _import(_csv(tmp_path, GOOD_ROWS))
    entry = AuditEntry.get(AuditEntry.action == "import")
    assert (entry.username, entry.target) == ("li", "dzfp.csv")
    assert '"added": 2' in entry.detail and "华信" not in entry.detail  # counts, no names
    with pytest.raises(PermissionDenied):
        Who.of(Session("zhao", Role.AUDITOR, "上海分公司"))
    assert Who.of(Session("li", Role.CLERK, "上海分公司")).branch == "上海分公司"
