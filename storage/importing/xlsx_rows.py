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

from storage.importing.columns import map_header
from storage.importing.report import FileRefused
from storage.importing.table import HEADER_SCAN_ROWS, Row
from storage.importing.xlsx_strings import SpilledStrings, SpillingReader

log = logging.getLogger(__name__)

MAX_UNCOMPRESSED = 1024 * 1024 * 1024  # 1 GiB of sheet XML is ~10M rows: past any real export
MAX_RATIO = 200  # real sheet XML compresses 10–30×; a bomb, thousands of times


def check_zip(source: Path | bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
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
            values: Iterator[tuple[object, ...]] = sheet.iter_rows(values_only=True)  # type: ignore[union-attr]
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
    reader.archive.close()
    if isinstance(reader.shared_strings, SpilledStrings):
        reader.shared_strings.close()


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
