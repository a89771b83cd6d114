"""CSV text → numbered rows. The delimiter (comma, tab or semicolon) is the one the first
line uses most; rows are numbered as a spreadsheet shows them (the header is row 1)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from storage.importing.report import FileRefused
from storage.importing.table import Row

_DELIMITERS = (",", "\t", ";")


def _delimiter(text: str) -> str:
    first = text[: text.find("\n")] if "\n" in text else text
    return max(_DELIMITERS, key=first.count)


def csv_rows(text: str) -> Iterator[Row]:
    csv.field_size_limit(1 << 20)  # one absurd cell must not eat the memory
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        yield from enumerate(reader, start=1)
    except csv.Error as exc:
        raise FileRefused("import.file.bad_csv", detail=str(exc)[:80]) from None
