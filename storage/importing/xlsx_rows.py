"""XLSX → numbered rows, read with openpyxl in read-only mode after a zip-bomb check.

A damaged or truncated workbook can fail anywhere inside openpyxl (zip, XML, styles), with
many exception types: every such failure becomes ``FileRefused``; rows are read as they are
saved, in one transaction, so a failure at the last row still leaves the store unchanged.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storage.importing.columns import map_header
from storage.importing.report import FileRefused
from storage.importing.table import HEADER_SCAN_ROWS, Row

if TYPE_CHECKING:
    from storage.importing.xlsx_strings import SpillingReader

# openpyxl (~0.1 s of imports) loads with the first XLSX read, not with every command that
# imports anything (a CSV import, an export, a clear).

log = logging.getLogger(__name__)
# Rows are streamed, so the XML's size costs time, not memory: this only has to let the most
# rows a file may hold (importer.MAX_ROWS, 3M) through, at ~400–800 bytes of XML a row.
MAX_UNCOMPRESSED = 4 * 1024 * 1024 * 1024
MAX_RATIO = 200  # real sheet XML compresses 10–30×; a bomb, thousands of times


def check_zip(source: Path | bytes) -> None:
    try:
        with zipfile.ZipFile(
            io.BytesIO(source) if isinstance(source, bytes) else source
        ) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused("import.file.bad_xlsx", detail=str(exc)[:80]) from None
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise FileRefused("import.file.zip_bomb", size=total // (1024 * 1024))
    for info in infos:
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise FileRefused("import.file.zip_bomb", size=info.file_size // (1024 * 1024))
    if not any(info.filename == "xl/workbook.xml" for info in infos):
        raise FileRefused("import.file.bad_xlsx", detail="no xl/workbook.xml")


def xlsx_rows(source: Path | bytes) -> Generator[Row, None, None]:
    """The rows of the first sheet with a recognisable header, read as they are asked for
    (openpyxl read-only: one row in memory at a time). A failure anywhere in the workbook,
    however late, is ``FileRefused``."""
    from storage.importing.xlsx_strings import SpillingReader

    check_zip(source)
    try:
        reader = SpillingReader(io.BytesIO(source) if isinstance(source, bytes) else source,
                                read_only=True, data_only=True)  # fmt: skip
    except Exception as exc:  # openpyxl raises many types on damaged files
        log.info("unreadable XLSX: %r", exc)
        raise FileRefused("import.file.bad_xlsx", detail=type(exc).__name__) from None
    try:
        reader.read()
    except Exception as exc:
        log.info("unreadable XLSX: %r", exc)
        _close(reader)
        raise FileRefused("import.file.bad_xlsx", detail=type(exc).__name__) from None
    book = reader.wb
    try:
        for sheet in book.worksheets:
            values = _sheet_values(book, sheet)
            first = _header_rows(values)
            if first is not None:
                yield from first
                yield from enumerate(values, start=len(first) + 1)
                return
    except FileRefused:
        raise
    except Exception as exc:
        log.info("damaged XLSX sheet: %r", exc)
        raise FileRefused("import.file.bad_xlsx", detail=type(exc).__name__) from None
    finally:
        _close(reader)
    raise FileRefused("import.file.no_sheet")


def _close(reader: SpillingReader) -> None:
    from storage.importing.xlsx_strings import SpilledStrings

    reader.archive.close()
    if isinstance(reader.shared_strings, SpilledStrings):
        reader.shared_strings.close()


def _sheet_values(book: Any, sheet: Any) -> Iterator[tuple[object, ...]]:
    """``sheet.iter_rows(values_only=True)`` in flat memory. openpyxl's own loop clears each
    parsed row but leaves it attached to the sheet's tree (and keeps every row's attributes):
    ~150 bytes a row, 400 MB at 2.5M rows. This one drops each row once read; cells are still
    read by openpyxl's cell parser (shared strings, dates, numbers)."""
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    sheet_data, row_tag = f"{{{SHEET_MAIN_NS}}}sheetData", f"{{{SHEET_MAIN_NS}}}row"
    expected = 1
    with book._archive.open(sheet._worksheet_path) as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=True, epoch=book.epoch,
                                 date_formats=book._date_formats,
                                 timedelta_formats=book._timedelta_formats)  # fmt: skip
        data = None
        for event, element in iterparse(source, events=("start", "end")):
            if event == "start":
                if element.tag == sheet_data:
                    data = element
                continue
            if element.tag != row_tag:
                continue
            number = element.get("r")
            row_no = int(float(number)) if number else expected
            parser.row_counter, parser.col_counter = row_no, 0
            cells = [parser.parse_cell(cell) for cell in element]
            if data is not None:
                data.clear()  # this row, and the cleared ones before it
            while expected < row_no:  # rows the file leaves out are blank rows
                yield ()
                expected += 1
            values: list[object] = [None] * max((c["column"] for c in cells), default=0)
            for cell in cells:
                values[cell["column"] - 1] = cell["value"]
            yield tuple(values)
            expected = row_no + 1


def _header_rows(values: Iterator[tuple[object, ...]]) -> list[Row] | None:
    """The sheet's rows up to its header, or None when none of the first rows is one."""
    rows: list[Row] = []
    for row_no, cells in enumerate(values, start=1):
        rows.append((row_no, cells))
        mapping = map_header(list(cells))
        if len(mapping) >= 3 and ("number" in mapping or "digital_number" in mapping):
            return rows
        if row_no >= HEADER_SCAN_ROWS:
            return None
    return None
