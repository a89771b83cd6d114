"""Writing a plain table to XLSX or CSV (by the file's extension), atomically, mode 0600.

Cells are text, numbers or dates; text is never written as a formula (a leading ``=`` stays
text), whatever an invoice or a log entry holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from storage.errors import Exit
from storage.messages import MessageError

FORMATS = (".xlsx", ".csv")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | Decimal | dt.date | None


class TableExportError(MessageError, ValueError):
    """A file name the export cannot write."""

    exit_code = Exit.USAGE


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(_FORMULA_START) else text


def _write_csv(path: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_cell(v) for v in row])
            count += 1
    return count


def _write_xlsx(
    path: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]], sheet_name: str
) -> int:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_name)
    sheet.append(list(headers))
    count = 0
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=None)
            if isinstance(value, Decimal | int) and not isinstance(value, bool):
                cell.value = value
                if isinstance(value, Decimal):
                    cell.number_format = "0.00"
            elif isinstance(value, dt.date):
                cell.value = value
                cell.number_format = (
                    "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
                )
            elif value not in (None, ""):
                cell.value = str(value)
                cell.data_type = "s"  # never a formula
            cells.append(cell)
        sheet.append(cells)
        count += 1
    book.save(path)
    return count


def write_table(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Cell]], *,
                sheet_name: str = "Sheet1") -> int:  # fmt: skip
    """Write ``rows`` under ``headers`` to ``path``; returns the number of rows."""
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise TableExportError("export.bad_extension", path=str(path))
    directory = path.resolve().parent
    if not directory.is_dir():
        raise TableExportError("export.no_folder", path=str(directory))
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    os.close(fd)  # mkstemp's 0600 stays
    try:
        if ext == ".csv":
            count = _write_csv(tmp, headers, rows)
        else:
            count = _write_xlsx(tmp, headers, rows, sheet_name)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count
