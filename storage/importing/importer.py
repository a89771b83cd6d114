"""``import_file``: one file into the store, all or nothing.

The file is read in batches, each saved as it comes, and all of them, with the ``ImportedFile``
row, within one write transaction, so a refused file or a crash leaves the store as it was and
memory stays flat however long the file. A file whose content (sha256) was imported cleanly
before changes nothing and says so; a file with rejected rows is not remembered, so importing
it again re-reports those rows (its good ones come back "unchanged").
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from storage.audit import chain as audit
from storage.errors import system_reason
from storage.importing.csv_rows import csv_line_rows, csv_rows
from storage.importing.decoding import decode_text, open_text, text_encoding
from storage.importing.einvoice import import_einvoices
from storage.importing.einvoice.merge import group, merge
from storage.importing.einvoice.reading import read_file
from storage.importing.einvoice_xml import MAX_XML_BYTES, parse_einvoice
from storage.importing.qr_text import is_qr_text, parse_qr_lines, qr_batches
from storage.importing.regular_file import open_regular
from storage.importing.report import FileRefused, FileReport, Problem, RowProblem
from storage.importing.table import ParsedFile, parse_table, table_batches
from storage.importing.who import Who
from storage.importing.xlsx_rows import xlsx_rows
from storage.store.database import write
from storage.store.invoice_store import SaveResult, save_invoices
from storage.store.models import Direction, ImportedFile
from storage.tracking.duplicates import NearPair, ReimbursedBefore, near_pairs, reimbursed_among

MB = 1024 * 1024
# Files are streamed: memory does not grow with them (bench/README.md); the rows a file may
# hold (MAX_ROWS), the time to read them and the write lock held meanwhile bound them.
MAX_TEXT_BYTES = 200 * MB
MAX_XLSX_BYTES = 100 * MB
HEAD_BYTES = 1024 * 1024  # read at a time; the first read also tells the format
MAX_ROWS = 3_000_000  # what storage.importing.seen_invoices keeps in ~70 MB
MAX_LISTED_REJECTIONS = 10_000  # rejected rows kept with their reasons; the rest are counted
T = TypeVar("T")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls (and .doc)
_ZIP = b"PK\x03\x04"
_PDF = b"%PDF"
_XLSX_EXT = (".xlsx", ".xlsm")
_TEXT_EXT = (".csv", ".txt", ".tsv", ".xml", "")


class Kind(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    XML = "xml"
    QR = "qr"
    OFD = "ofd"
    PDF = "pdf"
    ZIP = "zip"


# The files people receive: read by ``storage.importing.einvoice``, merged across one run.
RECEIVED_KINDS = frozenset({Kind.XML, Kind.OFD, Kind.PDF, Kind.ZIP})
_RECEIVED_EXT = {".ofd": (Kind.OFD, _ZIP), ".zip": (Kind.ZIP, _ZIP), ".pdf": (Kind.PDF, _PDF)}


def _too_big(size: int, limit: int) -> FileRefused:
    return FileRefused("import.file.too_big", size=-(-size // MB), limit=limit // MB)


def sniff(name: str, data: bytes) -> Kind:
    """The format by content (the first bytes are enough); an extension that claims otherwise
    is refused."""
    ext = os.path.splitext(name)[1].lower()
    if data.startswith(_OLE2):
        raise FileRefused("import.file.xls")
    if ext in _RECEIVED_EXT:
        kind, magic = _RECEIVED_EXT[ext]
        if not data.startswith(magic):
            raise FileRefused("import.file.not_what_it_claims", ext=ext)
        return kind
    if data.startswith(_PDF) and ext == "":
        return Kind.PDF
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
    """Every record and rejected row of a file held in memory (small files, tools);
    ``FileRefused`` when it is unusable. ``import_file`` streams instead."""
    kind = sniff(name, data)
    if kind in (Kind.OFD, Kind.PDF, Kind.ZIP):
        return _received_bytes(name, data, direction)
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


def _received_bytes(name: str, data: bytes, direction: str) -> ParsedFile:
    reading = read_file(name, data, file_index=0)
    out = ParsedFile()
    out.problems.extend(RowProblem(n, problem, member)
                        for n, (member, problem) in enumerate(reading.problems, start=1))  # fmt: skip
    for sources in group(reading.sources):
        invoice = merge(sources, direction=direction)
        if invoice.record is None:
            problem = invoice.problem or Problem("import.einvoice.ofd_no_fields")
            out.problems.append(RowProblem(len(out.problems) + 1, problem, invoice.best.origin))
            continue
        out.records.append(invoice.record)
        out.rows_of[invoice.record.identity] = [len(out.records)]
    return out


@dataclass(frozen=True)
class _Scanned:
    """What one pass over the file learns before anything is parsed."""

    kind: Kind
    head: bytes
    sha256: str
    valid_utf8: bool


def _scan(path: Path) -> _Scanned:
    try:
        with open_regular(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            head = handle.read(HEAD_BYTES)
            if not head:
                raise FileRefused("import.file.empty")
            kind = sniff(path.name, head)
            limit = {Kind.XLSX: MAX_XLSX_BYTES, Kind.XML: MAX_XML_BYTES}.get(kind, MAX_TEXT_BYTES)
            if size > limit:
                raise _too_big(size, limit)
            digest = hashlib.sha256(head)
            utf8 = codecs.getincrementaldecoder("utf-8")()
            valid = kind is not Kind.XLSX
            chunk = head
            while chunk:
                if valid:
                    try:
                        utf8.decode(chunk)
                    except UnicodeDecodeError:
                        valid = False
                chunk = handle.read(HEAD_BYTES)
                digest.update(chunk)
    except OSError as exc:  # missing, a folder, no permission: said in the reader's words
        raise FileRefused("import.file.missing", reason=system_reason(exc)) from None
    if valid:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            valid = False
    return _Scanned(kind, head, digest.hexdigest(), valid)


def _batches(path: Path, scanned: _Scanned, direction: str) -> Iterator[ParsedFile]:
    """The file's records and rejected rows, a batch at a time, read as they are asked for."""
    if scanned.kind is Kind.XLSX:
        with contextlib.closing(xlsx_rows(path)) as rows:
            yield from table_batches(_capped(rows), direction=direction)
        return
    if scanned.kind is Kind.XML:
        yield parse_einvoice(path.read_bytes(), direction=direction)
        return
    encoding = text_encoding(scanned.head, valid_utf8=scanned.valid_utf8)
    first = scanned.head.decode(encoding, errors="ignore")
    with open_text(path, encoding) as handle:
        try:
            if is_qr_text(first):
                yield from qr_batches(_capped(handle), direction=direction)
                return
            with contextlib.closing(csv_line_rows(handle, first_line=first)) as rows:
                yield from table_batches(_capped(rows), direction=direction)
        except UnicodeDecodeError:
            raise FileRefused("import.file.encoding") from None


def _capped(rows: Iterable[T]) -> Iterator[T]:
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise FileRefused("import.file.too_many_rows", limit=MAX_ROWS)
        yield row


@dataclass
class _Saved:
    result: SaveResult = field(default_factory=SaveResult)
    problems: list[RowProblem] = field(default_factory=list)
    rejected: int = 0
    records: int = 0
    reimbursed: list[ReimbursedBefore] = field(default_factory=list)
    near: list[NearPair] = field(default_factory=list)

    def reject(self, problems: Iterable[RowProblem]) -> None:
        for problem in problems:
            self.rejected += 1
            if len(self.problems) < MAX_LISTED_REJECTIONS:
                self.problems.append(problem)


def _sniff_path(path: Path) -> Kind:
    try:
        with open_regular(path) as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as exc:
        raise FileRefused("import.file.missing", reason=system_reason(exc)) from None
    if not head:
        raise FileRefused("import.file.empty")
    return sniff(path.name, head)


def import_files(paths: Sequence[Path], who: Who, *,
                 received_direction: str | None = None) -> list[FileReport]:  # fmt: skip
    """Import the files of one run, a report for each in order (a refused file says why).

    Tables and QR text go in one file at a time, each in its own transaction, as
    ``import_file``. The files people receive (OFD, PDF, 数电 XML, ZIP bundles) go in together,
    in one transaction, merged by invoice across files (``storage.importing.einvoice``); they
    are received invoices unless ``received_direction`` says otherwise."""
    reports: dict[int, FileReport] = {}
    received: list[tuple[int, Path]] = []
    for index, path in enumerate(paths):
        try:
            if _sniff_path(path) in RECEIVED_KINDS:
                received.append((index, path))
                continue
            reports[index] = import_file(path, who)
        except FileRefused as exc:
            reports[index] = refused_report(path, exc)
    if received:
        importer = replace(who, direction=received_direction or Direction.RECEIVED.value)
        done = import_einvoices([path for _, path in received], importer)
        for (index, _), report in zip(received, done, strict=True):
            reports[index] = report
    return [reports[index] for index in range(len(paths))]


def import_file(path: Path, who: Who) -> FileReport:
    """Import one file; ``FileRefused`` (nothing stored) when the file is unusable.

    The file is read in batches, each saved as it comes, all in one write transaction: memory
    stays flat however long the file, and a file refused at its last row (or a crash) leaves
    the store as it was."""
    if _sniff_path(path) in (Kind.OFD, Kind.PDF, Kind.ZIP):
        report = import_einvoices([path], who)[0]
        if report.refused is not None:
            raise FileRefused(report.refused.key, **report.refused.fields)
        return report
    report = FileReport(name=path.name)
    scanned = _scan(path)
    digest = scanned.sha256
    if _already(digest, report):
        report.reimbursed_again = _reimbursed_in(path, scanned, who)
        return report

    def save() -> _Saved | None:
        if ImportedFile.select().where(ImportedFile.sha256 == digest).exists():
            return None  # another counter imported it meanwhile
        saved = _Saved()
        for batch in _batches(path, scanned, who.direction):
            saved.reimbursed += reimbursed_among((r.identity for r in batch.records), who.branch)
            saved.records += len(batch.records)
            saved.reject(batch.problems)
            result = save_invoices(batch.records, branch=who.branch, own_branch_only=True)
            saved.near += near_pairs(batch.records, who.branch)
            saved.reject(_conflict_rows(result, batch))
            result.conflicts = []
            saved.result.merge(result)
        if not saved.records and not saved.rejected:
            raise FileRefused("import.file.no_rows")
        result = saved.result
        if not saved.rejected:
            # Only a clean file is remembered: one with rejected rows is re-imported whole
            # after the fix (its good rows then come back "unchanged").
            ImportedFile.insert(sha256=digest, name=path.name[:500], added=result.added,
                                updated=result.updated, rejected=0,
                                username=who.username).execute()  # fmt: skip
        audit.record(who.username, "import", target=path.name, sha256=digest,
                     added=result.added, updated=result.updated, unchanged=result.unchanged,
                     rejected=saved.rejected)  # fmt: skip
        return saved

    saved = write(save)
    if saved is None:
        _already(digest, report)
        return report
    result = saved.result
    report.added, report.updated, report.unchanged = result.added, result.updated, result.unchanged
    report.rejected = sorted(saved.problems, key=lambda p: p.row)
    report.rejected_unlisted = saved.rejected - len(saved.problems)
    report.reimbursed_again = saved.reimbursed
    report.possible_duplicates = saved.near
    return report


def _reimbursed_in(path: Path, scanned: _Scanned, who: Who) -> list[ReimbursedBefore]:
    """The invoices of a file imported before that are reimbursed now: the same file handed
    in again is how a second claim usually looks."""
    found: list[ReimbursedBefore] = []
    for batch in _batches(path, scanned, who.direction):
        found += reimbursed_among((r.identity for r in batch.records), who.branch)
    return found


def _conflict_rows(result: SaveResult, batch: ParsedFile) -> Iterator[RowProblem]:
    for conflict in result.conflicts:
        rows = batch.rows_of.get(conflict.record.identity, [0])
        if conflict.other_branch:
            problem = Problem("import.row.other_branch", {})
        else:
            problem = Problem("import.row.conflict", {
                "column": f"@import.column.{conflict.field}",
                "stored": conflict.stored, "given": conflict.given})  # fmt: skip
        yield from (RowProblem(row, problem) for row in rows)


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
