"""The one writer of exported tables: rows under headers to XLSX or CSV (by the file's
extension), written beside the target and renamed into place (a failed export never leaves half
a file under the asked name), mode 0600 whatever the umask (buyer names and tax ids are not for
every local user).

CSV is UTF-8 with BOM (Excel opens it right), money as exact two-decimal text. XLSX (openpyxl
write-only) has money as numbers shown 0.00, dates as dates, and text as text cells so leading
zeros survive. Text is never written as a formula, whatever an invoice or a log entry holds: a
leading ``'`` in CSV, an explicit string cell in XLSX.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from storage.errors import Exit
from storage.messages import MessageError
from storage.rules.money import format_money

FORMATS = (".xlsx", ".csv")

Cell = str | int | Decimal | dt.date | None


@dataclass(frozen=True)
class CsvText:
    """How a CSV cell is written as text."""

    formula_start: tuple[str, ...]  # text starting with one of these gets a leading '
    time_format: str | None  # for a date with a time; None: ISO 8601


#: A table for reading (the clearing log).
PLAIN = CsvText(formula_start=("=", "+", "-", "@", "\t", "\r"), time_format=None)


class TableExportError(MessageError, ValueError):
    """A file name the export cannot write."""

    exit_code = Exit.USAGE


def _csv_cell(value: Cell, style: CsvText) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format_money(value)
    if isinstance(value, dt.datetime) and style.time_format is not None:
        return value.strftime(style.time_format)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(style.formula_start) else text


def _write_csv(
    path: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]], style: CsvText
) -> int:
    count = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([_csv_cell(v, style) for v in row])
            count += 1
    return count


def _write_xlsx(
    path: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]], sheet_name: str
) -> int:
    # openpyxl loads on the first XLSX written: ~0.4 s of every ``fapiao clear`` (whose log
    # export shares this module) went on loading it for nothing.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

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


def write_rows(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    sheet_name: str,
    csv_text: CsvText = PLAIN,
) -> int:
    """Write ``rows`` under ``headers`` to ``path`` (``.csv``, else XLSX); returns the number of
    rows. A folder that is not there is the OS's ``FileNotFoundError``."""
    directory = path.resolve().parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    os.close(fd)  # mkstemp's 0600 stays
    try:
        if path.suffix.lower() == ".csv":
            count = _write_csv(tmp, headers, rows, csv_text)
        else:
            count = _write_xlsx(tmp, headers, rows, sheet_name)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return count


def write_table(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Cell]], *,
                sheet_name: str = "Sheet1") -> int:  # fmt: skip
    """``write_rows`` for a file name a user typed: a wrong extension or a missing folder is
    said (``TableExportError``)."""
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise TableExportError("export.bad_extension", path=str(path))
    directory = path.resolve().parent
    if not directory.is_dir():
        raise TableExportError("export.no_folder", path=str(directory))
    return write_rows(path, headers, rows, sheet_name=sheet_name)
