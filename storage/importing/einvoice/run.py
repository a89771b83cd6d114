"""``import_einvoices``: the received files of one import run into the store, all at once.

Every file is read first (nothing written yet); the sources of all files are merged by
invoice, so one invoice that came as PDF + OFD + XML, in one bundle or in three files, is
one record with the best value of each field. Then everything is saved in one write
transaction: an import that fails half-way leaves the store as it was.

Each file gets its own report: what it added, its members that failed and why, conflicts
(between two files of this run, or with what the store already holds), warnings. An invoice
is counted in the file of its strongest source; the others it came in count it unchanged.
A file whose content was imported cleanly before changes nothing and says so.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storage.audit import chain as audit
from storage.errors import system_reason
from storage.importing.einvoice.found import Found
from storage.importing.einvoice.merge import Merged, group, known_names, merge
from storage.importing.einvoice.reading import Reading, read_file
from storage.importing.qr_text import QR_REMARK
from storage.importing.regular_file import open_regular
from storage.importing.report import FileRefused, FileReport, Problem, RowProblem
from storage.importing.who import Who
from storage.store.database import write
from storage.store.invoice_store import Conflict, complete_placeholders, save_invoices
from storage.store.models import ImportedFile, Party
from storage.store.records import InvoiceRecord

MB = 1024 * 1024
MAX_FILE_BYTES = 512 * MB  # a bundle of thousands of invoices is tens of MB


@dataclass
class _File:
    index: int  # its place among the files given
    path: Path
    report: FileReport
    sha256: str = ""
    reading: Reading = field(default_factory=Reading)
    skip: bool = True  # refused, or imported before


def _member(source: Found, file: _File) -> str:
    prefix = file.path.name + "/"
    return source.origin[len(prefix) :] if source.origin.startswith(prefix) else ""


def _read(index: int, path: Path) -> _File:
    file = _File(index, path, FileReport(name=path.name))
    try:
        with open_regular(path) as handle:
            size = os.fstat(handle.fileno()).st_size
            if size > MAX_FILE_BYTES:
                file.report.refused = Problem("import.file.too_big", {
                    "size": -(-size // MB), "limit": MAX_FILE_BYTES // MB})  # fmt: skip
                return file
            data = handle.read()
    except FileRefused as exc:
        file.report.refused = exc.problem
        return file
    except OSError as exc:  # missing, a folder, no permission: said in the reader's words
        file.report.refused = Problem("import.file.missing", {"reason": system_reason(exc)})
        return file
    if not data:
        file.report.refused = Problem("import.file.empty")
        return file
    file.sha256 = hashlib.sha256(data).hexdigest()
    if _already(file):
        return file
    try:
        file.reading = read_file(path.name, data, file_index=index)
    except FileRefused as exc:
        file.report.refused = exc.problem
        return file
    file.skip = False
    for number, (member, problem) in enumerate(file.reading.problems, start=1):
        file.report.rejected.append(RowProblem(number, problem, member))
    for member in file.reading.skipped:
        file.report.warnings.append(RowProblem(0, Problem("import.einvoice.skipped"), member))
    return file


def _already(file: _File) -> bool:
    prior = ImportedFile.get_or_none(ImportedFile.sha256 == file.sha256)
    if prior is None:
        return False
    file.report.already_imported = True
    file.report.imported_at = prior.imported_at
    return True


def import_einvoices(paths: Sequence[Path], who: Who) -> list[FileReport]:
    """One report per path, in order; refused files say why and add nothing."""
    files = [_read(i, path) for i, path in enumerate(paths)]
    live = [f for f in files if not f.skip]
    sources = [s for f in live for s in f.reading.sources]
    names = _stored_names(sources)
    names.update(known_names(sources))
    merged = [merge(same, direction=who.direction, names=names) for same in group(sources)]
    for invoice in merged:
        _note(invoice, files)
    if live:
        # The transaction may be retried (a busy store): it returns what it did, and only
        # then do the reports change.
        saved = write(lambda: _save(live, files, merged, who))
        for index, outcome in saved.items():
            report = files[index].report
            report.added, report.updated, report.unchanged = outcome.counts
            report.rejected.extend(outcome.conflicts)
    return [f.report for f in files]


def _stored_names(sources: list[Found]) -> dict[str, str]:
    """Tax id → the one name the store knows it by, for the tax ids of this run."""
    tax_ids = sorted({str(s.values[k]) for s in sources
                      for k in ("buyer_tax_id", "seller_tax_id") if k in s.values})  # fmt: skip
    seen: dict[str, set[str]] = defaultdict(set)
    for start in range(0, len(tax_ids), 500):
        query = Party.select(Party.name, Party.tax_id).where(
            Party.tax_id.in_(tax_ids[start : start + 500]) & (Party.name != "")
        )
        for party in query:
            seen[party.tax_id].add(party.name)
    return {tax_id: found.pop() for tax_id, found in seen.items() if len(found) == 1}


def _note(invoice: Merged, files: list[_File]) -> None:
    """Conflicts and bad values go to every file the invoice came in; warnings to its best."""
    involved = {s.file_index: s for s in reversed(invoice.sources)}  # the strongest per file
    if invoice.problem is not None:
        for index, source in involved.items():
            report = files[index].report
            report.rejected.append(RowProblem(0, invoice.problem, _member(source, files[index])))
    best = files[invoice.best.file_index]
    for warning in invoice.warnings:
        best.report.warnings.append(RowProblem(0, warning, _member(invoice.best, best)))


@dataclass
class _Outcome:
    """What saving did for one file: (added, updated, unchanged), and conflicts found."""

    counts: tuple[int, int, int] = (0, 0, 0)
    conflicts: list[RowProblem] = field(default_factory=list)


def _save(live: list[_File], files: list[_File], merged: list[Merged],
          who: Who) -> dict[int, _Outcome]:  # fmt: skip
    by_file: dict[int, list[InvoiceRecord]] = defaultdict(list)
    sources_of: dict[tuple[str, str], Merged] = {}
    confirmed: dict[int, int] = defaultdict(int)
    for invoice in merged:
        if invoice.record is not None:
            by_file[invoice.best.file_index].append(invoice.record)
            sources_of[invoice.record.identity] = invoice
            # The other files it came in only confirmed it.
            for index in {s.file_index for s in invoice.sources} - {invoice.best.file_index}:
                confirmed[index] += 1
    outcomes: dict[int, _Outcome] = {file.index: _Outcome() for file in live}
    for file in live:
        records = by_file.get(file.index, [])
        # An invoice scanned from its QR earlier held the QR's one figure: complete it.
        complete_placeholders(records, marker=QR_REMARK)
        result = save_invoices(records, branch=who.branch, own_branch_only=True)
        outcomes[file.index].counts = (result.added, result.updated,
                                       result.unchanged + confirmed[file.index])  # fmt: skip
        for conflict in result.conflicts:
            invoice = sources_of[conflict.record.identity]
            for index, problem in _stored_conflict(conflict, invoice, files):
                outcomes[index].conflicts.append(problem)
    for file in live:
        outcome = outcomes[file.index]
        added, updated, unchanged = outcome.counts
        rejected = file.report.rejected_count + len(outcome.conflicts)
        if not rejected:
            ImportedFile.insert(sha256=file.sha256, name=file.path.name[:500], added=added,
                                updated=updated, rejected=0,
                                username=who.username).on_conflict_ignore().execute()  # fmt: skip
        audit.record(who.username, "import", target=file.path.name, sha256=file.sha256,
                     added=added, updated=updated, unchanged=unchanged,
                     rejected=rejected)  # fmt: skip
    return outcomes


def _stored_conflict(conflict: Conflict, invoice: Merged,
                     files: list[_File]) -> list[tuple[int, RowProblem]]:  # fmt: skip
    """The conflict with the store, for every file the invoice came in."""
    if conflict.other_branch:
        problem = Problem("import.row.other_branch", {})
    else:
        problem = Problem("import.einvoice.stored_conflict", {
            "column": f"@import.column.{conflict.field}", "stored": conflict.stored,
            "given": conflict.given, "given_from": invoice.best.origin})  # fmt: skip
    involved = {s.file_index: s for s in reversed(invoice.sources)}
    return [(index, RowProblem(0, problem, _member(source, files[index])))
            for index, source in involved.items()]  # fmt: skip
