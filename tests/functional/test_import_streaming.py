"""Big files are streamed: memory stays flat, yet a file is still saved all or nothing and
duplicates far apart in it are still found (issue 9, item 11)."""

from __future__ import annotations

import csv
import gc
import sys
import tracemalloc
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import peewee
import pytest

from storage.importing import FileRefused, Who, import_file
from storage.importing import importer as importer_module
from storage.store.invoice_store import count_invoices
from storage.store.models import ImportedFile, Invoice
from tests.support.paths import FIXTURES

CLERK = Who(username="li", branch="总部")
HEADER = ["发票代码", "发票号码", "数电票号码", "销方识别号", "销方名称", "购方识别号", "购买方名称",
          "开票日期", "金额", "税额", "价税合计", "税率", "发票票种", "发票状态", "备注"]  # fmt: skip


def _row(i: int, amount: int | None = None) -> list[object]:
    amount = 100 + i % 997 if amount is None else amount
    tax = amount * 13 / 100
    return ["", "", f"2631200000{i:010d}", "91110105MA005AEF36", "北京某某商贸有限公司",
            "91310115MA1K3YJ12X", f"上海华信科技有限公司{i % 50}", "2026-01-15", f"{amount:.2f}",
            f"{tax:.2f}", f"{amount + tax:.2f}", "13%", "数电发票（普通发票）", "正常", ""]  # fmt: skip


def _csv(path: Path, rows: list[list[object]], *, encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _xlsx(path: Path, n: int) -> Path:
    """A workbook as spreadsheet programs write one: every text in the shared-string table,
    the cells pointing into it. Written directly (openpyxl's writer took 2.5 s of CPU for
    8,000 rows here, more than the reading under test)."""
    index: dict[str, int] = {}

    def row_xml(number: int, values: list[object]) -> str:
        cells = "".join(
            f'<c r="{_column(i)}{number}" t="s"><v>{index.setdefault(str(v), len(index))}</v></c>'
            for i, v in enumerate(values)
            if v != ""
        )
        return f'<row r="{number}">{cells}</row>'

    rows = [row_xml(1, list(HEADER))] + [row_xml(i + 2, _row(i)) for i in range(n)]
    strings = "".join(f"<si><t>{escape(text)}</t></si>" for text in index)
    main = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006"
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{package}/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'<workbook {main} xmlns:r="{rel}"><sheets>'
            '<sheet name="发票" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{package}/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/worksheets/sheet1.xml": f"<worksheet {main}><sheetData>{''.join(rows)}</sheetData></worksheet>",
        "xl/sharedStrings.xml": f'<sst {main} count="{len(index)}" uniqueCount="{len(index)}">{strings}</sst>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, xml in parts.items():
            archive.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' + xml)
    return path


def _column(i: int) -> str:
    return chr(ord("A") + i)  # the file's 15 columns: A–O


def _peak_bytes(path: Path) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        report = import_file(path, CLERK)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.rejected == [] and report.added > 0
    return peak


@pytest.mark.slow
def test_memory_stays_flat_as_the_csv_grows(sqlite_store: peewee.Database, tmp_path: Path) -> None:
    small = _peak_bytes(_csv(tmp_path / "small.csv", [_row(i) for i in range(3_000)]))
    big = _peak_bytes(_csv(tmp_path / "big.csv", [_row(i) for i in range(100_000, 116_000)]))
    # Over five times the rows: read whole, the big file peaked at 5× the small one.
    assert big < 16 * 2**20, big
    assert big < 2 * small, (small, big)
    assert count_invoices() == 19_000


@pytest.mark.slow
def test_an_xlsx_is_read_in_flat_memory(tmp_path: Path) -> None:
    from storage.importing.xlsx_rows import xlsx_rows

    path = _xlsx(tmp_path / "big.xlsx", 8_000)
    gc.collect()
    tracemalloc.start()  # the opening (shared strings, the workbook's parts) and 1,000 rows
    try:
        rows = xlsx_rows(path)
        first = [next(rows) for _ in range(1_000)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    for _ in range(2_000):
        next(rows)
    # What the row loop keeps, counted in the allocator's blocks (tracing every allocation
    # would make the parse four times slower): openpyxl's own loop keeps one or more a row
    # (+5,541 over these rows; 160 MB at 2.5M rows), this one a fixed few hundred (+659).
    gc.collect()
    before = sys.getallocatedblocks()
    for _ in range(4_990):
        last = next(rows)
    gc.collect()
    grown = sys.getallocatedblocks() - before
    rows.close()
    assert first[1][0] == 2 and first[1][1][2:8] == tuple(_row(0)[2:8])
    assert last[0] == 7_990
    assert grown < 2_500, grown
    # openpyxl's shared-string list took ~80 bytes a distinct string, all at the opening.
    assert peak < 3 * 2**20, peak


def test_a_file_refused_after_many_batches_leaves_the_store_as_it_was(
    store: peewee.Database, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "dzfp.csv", [_row(i) for i in range(10_000)], encoding="gb18030")
    with path.open("ab") as handle:
        handle.write(b"\xff\xff,\xff\r\n")  # a byte no encoding has, past the first megabyte
    assert path.stat().st_size > importer_module.HEAD_BYTES
    with pytest.raises(FileRefused) as caught:
        import_file(path, CLERK)
    assert caught.value.problem.key == "import.file.encoding"
    assert count_invoices() == 0 and ImportedFile.select().count() == 0


def test_a_file_over_the_row_limit_is_refused_whole(
    store: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer_module, "MAX_ROWS", 4_500)
    with pytest.raises(FileRefused) as caught:
        import_file(_csv(tmp_path / "dzfp.csv", [_row(i) for i in range(5_000)]), CLERK)
    assert caught.value.problem.key == "import.file.too_many_rows"
    assert "4500" in caught.value.problem.text()
    assert count_invoices() == 0


def test_duplicates_batches_apart_are_still_found_and_reimport_changes_nothing(
    store: peewee.Database, tmp_path: Path
) -> None:
    rows = [_row(i) for i in range(6_000)]
    rows.append(_row(17))  # listed again, the same: harmless
    rows.append(_row(42, amount=5))  # listed again, differently: rejected, naming the first row
    path = _csv(tmp_path / "dzfp.csv", rows)
    report = import_file(path, CLERK)
    assert (report.added, report.rejected_count) == (6_000, 1)
    (problem,) = report.rejected
    assert problem.row == 6_003 and "与第 44 行是同一张发票，但内容不同" in problem.problem.text()
    first = Invoice.get(Invoice.number == "26312000000000000042")
    assert str(first.amount) == "142.00"  # the first listing went in
    again = import_file(path, CLERK)
    assert (again.added, again.updated, again.unchanged, again.rejected_count) == (0, 0, 6_000, 1)
    assert count_invoices() == 6_000


def test_rows_of_one_invoice_apart_in_a_per_line_file_are_refused_not_mixed(
    store: peewee.Database, tmp_path: Path
) -> None:
    source = (FIXTURES / "import" / "etax_per_line.csv").read_text(
        encoding="utf-8").splitlines()  # fmt: skip
    header, first_line, second_line, other = source[0], source[1], source[2], source[3]
    path = tmp_path / "lines.csv"
    path.write_text("\n".join([header, first_line, other, second_line]) + "\n", encoding="utf-8")
    report = import_file(path, CLERK)
    assert report.added == 2
    assert [(p.row, p.problem.key) for p in report.rejected] == [(4, "import.row.lines_apart")]
    split = Invoice.get(Invoice.number == "24312000000136634919")
    assert str(split.total) == "226.00"  # its first line only; the stray one is reported


def test_a_file_of_bad_rows_lists_the_first_ones_and_counts_the_rest(
    store: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer_module, "MAX_LISTED_REJECTIONS", 100)
    bad = [[*_row(i)[:8], "oops", "", "", "", "", "", ""] for i in range(3_000)]
    report = import_file(_csv(tmp_path / "bad.csv", bad), CLERK)
    assert report.added == 0 and len(report.rejected) == 100 and report.rejected_count == 3_000
    assert report.to_json()["rejected_count"] == 3_000
