"""An XLSX's shared strings kept on disk, not in memory.

openpyxl reads the whole shared-string table into a list even in read-only mode: an export
of 2.5M invoices stores every invoice number there, ~200 MB of Python strings. Here each
string goes to an unnamed temporary file (0600, gone when closed) as it is parsed, and only
its offset stays in memory (8 bytes); cells look their string up when they are read.
"""

from __future__ import annotations

import mmap
import tempfile
from array import array
from collections.abc import Sequence
from typing import IO, overload

from openpyxl.cell.text import Text
from openpyxl.reader.excel import ExcelReader
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.constants import SHARED_STRINGS, SHEET_MAIN_NS
from openpyxl.xml.functions import iterparse  # defusedxml's where installed, as openpyxl's

_STRING = f"{{{SHEET_MAIN_NS}}}si"


class SpilledStrings(Sequence[str]):
    def __init__(self, source: IO[bytes]) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._offsets = array("q", [0])
        position = 0
        events = iterparse(source, events=("start", "end"))
        _, root = next(events)
        for event, node in events:
            if event != "end" or node.tag != _STRING:
                continue
            # As openpyxl's own read_string_table does it (rich runs joined, escapes undone).
            parsed = Text.from_tree(node)
            text = parsed.content.replace("x005F_", "") if parsed is not None else ""
            root.clear()  # drop the parsed elements: the tree must not grow with the table
            data = text.encode("utf-8")
            self._file.write(data)
            position += len(data)
            self._offsets.append(position)
        self._file.flush()
        self._map = mmap.mmap(self._file.fileno(), 0, access=mmap.ACCESS_READ) if position else None

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        index %= len(self)
        start, end = self._offsets[index], self._offsets[index + 1]
        if self._map is None or start == end:
            return ""
        return self._map[start:end].decode("utf-8")

    def close(self) -> None:
        if self._map is not None:
            self._map.close()
        self._file.close()


class _UnsizedSheet(ReadOnlyWorksheet):
    """A read-only sheet that does not look for its size: openpyxl looks for a ``<dimension>``
    element by parsing until the end of ``<sheetData>``, which in a file without one (openpyxl's
    own write-only output, many exports) is the whole sheet, read once more before any row."""

    def _get_size(self) -> None:
        return None


class SpillingReader(ExcelReader):
    """openpyxl's read-only workbook reader with the shared strings on disk, and worksheets
    only (the importer reads cells, never charts, comments or sizes)."""

    def read_worksheets(self) -> None:
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files or "chartsheet" in rel.Type:
                continue
            worksheet = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state or "visible"
            self.wb._sheets.append(worksheet)  # type: ignore[attr-defined]  # as openpyxl does

    def read_strings(self) -> None:
        part = self.package.find(SHARED_STRINGS)  # type: ignore[no-untyped-call]
        if part is not None:
            with self.archive.open(part.PartName[1:]) as source:
                self.shared_strings = SpilledStrings(source)  # type: ignore[assignment]
