"""``import_file``: one file into the store, all or nothing.

The file is read and checked completely first; then its good records and the ``ImportedFile``
row go in within one write transaction, so a refused file or a crash leaves the store as it
was. A file whose content (sha256) was imported cleanly before changes nothing and says so; a file
with rejected rows is not remembered, so importing it again re-reports those rows (its good
ones come back "unchanged").
"""

from __future__ import annotations

import codecs
import hashlib
import os
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from storage import audit
from storage.accounts import Session
from storage.database import write
from storage.importing.csv_rows import csv_rows
from storage.importing.decoding import decode_text
from storage.importing.einvoice_xml import MAX_XML_BYTES, parse_einvoice
from storage.importing.qr_text import is_qr_text, parse_qr_lines
from storage.importing.report import FileRefused, FileReport, Problem, RowProblem
from storage.importing.table import ParsedFile, parse_table
from storage.importing.xlsx_rows import xlsx_rows
from storage.invoice_store import SaveResult, save_invoices
from storage.models import Direction, ImportedFile
from storage.permissions import Permission, require

MB = 1024 * 1024
MAX_TEXT_BYTES = 200 * MB
MAX_XLSX_BYTES = 100 * MB
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls (and .doc)
_ZIP = b"PK\x03\x04"
_XLSX_EXT = (".xlsx", ".xlsm")
_TEXT_EXT = (".csv", ".txt", ".tsv", ".xml", "")


class Kind(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    XML = "xml"
    QR = "qr"


@dataclass(frozen=True)
class Who:
    """On whose behalf: the importer's branch gets the invoices, the name goes in the log."""

    username: str
    branch: str
    direction: str = Direction.ISSUED.value

    @classmethod
    def of(cls, session: Session, direction: str = Direction.ISSUED.value) -> Who:
        """The importer for ``session``; ``PermissionDenied`` (audited) for a read-only role."""
        require(session, Permission.IMPORT)
        return cls(username=session.username, branch=session.branch, direction=direction)


def _too_big(size: int, limit: int) -> FileRefused:
    return FileRefused("import.file.too_big", size=-(-size // MB), limit=limit // MB)


def read_file(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise _too_big(size, MAX_TEXT_BYTES)
        with path.open("rb") as handle:
            data = handle.read(MAX_TEXT_BYTES + 1)
    except OSError:
        raise FileRefused("import.file.missing") from None
    if not data:
        raise FileRefused("import.file.empty")
    return data


def sniff(name: str, data: bytes) -> Kind:
    """The format by content; an extension that claims otherwise is refused."""
    ext = os.path.splitext(name)[1].lower()
    if data.startswith(_OLE2):
        raise FileRefused("import.file.xls")
    if data.startswith(_ZIP):
        if ext not in _XLSX_EXT and ext != "":
            raise FileRefused("import.file.unsupported" if ext not in _TEXT_EXT
                              else "import.file.not_what_it_claims", ext=ext)  # fmt: skip
        return Kind.XLSX
    if ext in _XLSX_EXT:
        raise FileRefused("import.file.not_what_it_claims", ext=ext)
    if ext not in _TEXT_EXT or data.startswith(b"%PDF"):
        raise FileRefused("import.file.unsupported")
    if data.lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"<"):
        return Kind.XML
    if ext == ".xml":
        raise FileRefused("import.file.not_what_it_claims", ext=ext)
    return Kind.CSV  # or QR text: decided after decoding


def parse_bytes(name: str, data: bytes, *, direction: str) -> ParsedFile:
    """Every record and rejected row of a file; ``FileRefused`` when it is unusable."""
    kind = sniff(name, data)
    if kind is Kind.XLSX:
        if len(data) > MAX_XLSX_BYTES:
            raise _too_big(len(data), MAX_XLSX_BYTES)
        return parse_table(xlsx_rows(data), direction=direction)
    if kind is Kind.XML:
        if len(data) > MAX_XML_BYTES:
            raise _too_big(len(data), MAX_XML_BYTES)
        return parse_einvoice(data, direction=direction)
    text = decode_text(data)
    if is_qr_text(text):
        return parse_qr_lines(text, direction=direction)
    return parse_table(csv_rows(text), direction=direction)


def import_file(path: Path, who: Who) -> FileReport:
    """Import one file; ``FileRefused`` (nothing stored) when the file is unusable."""
    report = FileReport(name=path.name)
    data = read_file(path)
    digest = hashlib.sha256(data).hexdigest()
    if _already(digest, report):
        return report
    parsed = parse_bytes(path.name, data, direction=who.direction)
    del data
    if not parsed.records and not parsed.problems:
        raise FileRefused("import.file.no_rows")

    def save() -> SaveResult | None:
        if ImportedFile.select().where(ImportedFile.sha256 == digest).exists():
            return None  # another counter imported it meanwhile
        result = save_invoices(parsed.records, branch=who.branch, own_branch_only=True)
        if not parsed.problems and not result.conflicts:
            # Only a clean file is remembered: one with rejected rows is re-imported whole
            # after the fix (its good rows then come back "unchanged").
            ImportedFile.insert(sha256=digest, name=path.name[:500], added=result.added,
                                updated=result.updated, rejected=0,
                                username=who.username).execute()  # fmt: skip
        audit.record(who.username, "import", target=path.name, sha256=digest,
                     added=result.added, updated=result.updated, unchanged=result.unchanged,
                     rejected=len(parsed.problems) + len(result.conflicts))  # fmt: skip
        return result

    result = write(save)
    if result is None:
        _already(digest, report)
        return report
    report.added, report.updated, report.unchanged = result.added, result.updated, result.unchanged
    problems = list(parsed.problems)
    for conflict in result.conflicts:
        rows = parsed.rows_of.get(conflict.record.identity, [0])
        if conflict.other_branch:
            problem = Problem("import.row.other_branch", {})
        else:
            problem = Problem("import.row.conflict", {
                "column": f"@import.column.{conflict.field}",
                "stored": conflict.stored, "given": conflict.given})  # fmt: skip
        problems.extend(RowProblem(row, problem) for row in rows)
    report.rejected = sorted(problems, key=lambda p: p.row)
    return report


def _already(digest: str, report: FileReport) -> bool:
    prior = ImportedFile.get_or_none(ImportedFile.sha256 == digest)
    if prior is None:
        return False
    report.already_imported = True
    report.imported_at = prior.imported_at
    report.added = 0
    return True


def refused_report(path: Path, exc: FileRefused) -> FileReport:
    return FileReport(name=path.name, refused=exc.problem)
