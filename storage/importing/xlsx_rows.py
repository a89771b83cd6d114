"""XLSX → numbered rows, read with openpyxl in read-only mode after a zip-bomb check.

A damaged or truncated workbook can fail anywhere inside openpyxl (zip, XML, styles), with
many exception types: every such failure becomes ``FileRefused``, and since all rows are read
before anything is stored, the store stays unchanged.
"""

from __future__ import annotations

import io
import logging
import zipfile
from collections.abc import Iterator

import openpyxl

from storage.importing.columns import map_header
from storage.importing.report import FileRefused
from storage.importing.table import HEADER_SCAN_ROWS, Row

log = logging.getLogger(__name__)

MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # 1 GiB of sheet XML is ~10M rows: past any real export
MAX_RATIO = 200  # real sheet XML compresses 10–30×; a bomb, thousands of times


def check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
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


def xlsx_rows(data: bytes) -> list[Row]:
    """Every row of the first sheet with a recognisable header (read fully, then returned)."""
    check_zip(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except FileRefused:
        raise
    except Exception as exc:  # openpyxl raises many types on damaged files
        log.info("unreadable XLSX: %r", exc)
        raise FileRefused("import.file.bad_xlsx", detail=type(exc).__name__) from None
    try:
        for sheet in book.worksheets:
            rows = _read_sheet(sheet)
            if rows is not None:
                return rows
    except Exception as exc:
        log.info("damaged XLSX sheet: %r", exc)
        raise FileRefused("import.file.bad_xlsx", detail=type(exc).__name__) from None
    finally:
        book.close()
    raise FileRefused("import.file.no_sheet")


def _read_sheet(sheet: object) -> list[Row] | None:
    values: Iterator[tuple[object, ...]] = sheet.iter_rows(values_only=True)  # type: ignore[attr-defined]
    rows: list[Row] = []
    found = False
    for row_no, cells in enumerate(values, start=1):
        rows.append((row_no, cells))
        if not found:
            mapping = map_header(list(cells))
            found = len(mapping) >= 3 and ("number" in mapping or "digital_number" in mapping)
            if not found and row_no >= HEADER_SCAN_ROWS:
                return None
    return rows if found else None
