"""CSV text → numbered rows. The delimiter (comma, tab or semicolon) is the one the first
line uses most; rows are numbered as a spreadsheet shows them (the header is row 1)."""

from __future__ import annotations

import csv
import io
from collections.abc import Generator, Iterable

from storage.importing.report import FileRefused
from storage.importing.table import Row

_DELIMITERS = (",", "\t", ";")


def _delimiter(text: str) -> str:
    first = text[: text.find("\n")] if "\n" in text else text
    return max(_DELIMITERS, key=first.count)


def csv_rows(text: str) -> Generator[Row, None, None]:
    return csv_line_rows(io.StringIO(text, newline=""), first_line=text)


def csv_line_rows(lines: Iterable[str], *, first_line: str) -> Generator[Row, None, None]:
    """Rows from lines read as they come (a file opened with ``newline=""``); ``first_line``
    (or text starting with it) picks the delimiter."""
    csv.field_size_limit(1 << 20)  # one absurd cell must not eat the memory
    reader = csv.reader(lines, delimiter=_delimiter(first_line))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise FileRefused("import.file.bad_csv", detail=str(exc)[:80]) from None
    except UnicodeDecodeError:
        raise FileRefused("import.file.encoding") from None
