"""One received file (OFD, PDF, 数电 XML, or a ZIP bundle of them, folders nested) → its
sources, and a reason for every part that gave none.

The format is told by content, not by name. In a bundle, members are read one at a time in
memory through the archive's caps; a member in an unknown format (a readme, a picture) is
noted as skipped, a member that fails is reported with its path and reason and the rest go
on; a bundle inside a bundle is read the same way, up to ``archive.MAX_DEPTH``.
"""

from __future__ import annotations

import codecs
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from storage.importing.einvoice.archive import SafeZip
from storage.importing.einvoice.found import Found
from storage.importing.einvoice.ofd import attachment_found, read_ofd
from storage.importing.einvoice.pdf import read_pdf
from storage.importing.einvoice.xml_record import einvoice_found
from storage.importing.report import FileRefused, Problem, RowError

ZIP_MAGIC = b"PK\x03\x04"
PDF_MAGIC = b"%PDF"
MEMBER_EXTENSIONS = (".ofd", ".pdf", ".xml", ".zip")
_IGNORED_PREFIXES = ("__MACOSX/",)  # macOS resource forks; never invoices


@dataclass
class Reading:
    """Everything one given file yielded."""

    sources: list[Found] = field(default_factory=list)
    problems: list[tuple[str, Problem]] = field(default_factory=list)  # (member, why)
    skipped: list[str] = field(default_factory=list)  # members in no invoice format


def is_xml(data: bytes) -> bool:
    return data[:512].lstrip(codecs.BOM_UTF8 + b" \t\r\n").startswith(b"<")


def read_file(name: str, data: bytes, *, file_index: int) -> Reading:
    """``FileRefused`` when the file itself is unusable (a standalone PDF with no fields, a
    damaged or hostile ZIP); a bundle's bad members are listed in ``problems`` instead."""
    reading = Reading()
    if data.startswith(ZIP_MAGIC):
        archive = SafeZip(data, refused_key="import.einvoice.bad_zip")
        if archive.find("OFD.xml") is not None or name.lower().endswith(".ofd"):
            _single(reading, lambda: read_ofd(archive, name, file_index=file_index))
        else:
            _bundle(reading, archive, name, "", file_index)
            if not reading.sources and not reading.problems:
                raise FileRefused("import.einvoice.empty_bundle")
        return reading
    if data.startswith(PDF_MAGIC):
        _single(reading, lambda: read_pdf(data, name, file_index=file_index))
    elif is_xml(data):
        _single(reading, lambda: [xml_found(data, name, file_index)])
    else:
        raise FileRefused("import.file.unsupported")
    return reading


def xml_found(data: bytes, origin: str, file_index: int) -> Found:
    """A 数电 ``EInvoice``; else a classic e-invoice XML (what an OFD attaches), received on
    its own; ``RowError`` for anything else."""
    try:
        return einvoice_found(data, origin, file_index=file_index)
    except RowError as exc:
        if exc.problem.key != "import.file.not_einvoice":
            raise
        classic = attachment_found(data, origin, file_index=file_index)
        if classic is None:
            raise
        return classic


def _single(reading: Reading, read: Callable[[], list[Found]]) -> None:
    try:
        reading.sources.extend(read())
    except RowError as exc:
        raise FileRefused(exc.problem.key, **exc.problem.fields) from None


def _bundle(reading: Reading, archive: SafeZip, name: str, prefix: str, file_index: int) -> None:
    for member in archive:
        path = prefix + member.name.replace("\\", "/")
        base = posixpath.basename(path)
        if path.startswith(_IGNORED_PREFIXES) or base.startswith("."):
            continue
        if not base.lower().endswith(MEMBER_EXTENSIONS):
            reading.skipped.append(path)
            continue
        origin = f"{name}/{path}"
        try:
            data = archive.read(member)
            _member(reading, data, origin, path, archive.depth, name, file_index,
                    again=partial(archive.read, member))  # fmt: skip
        except RowError as exc:
            reading.problems.append((path, exc.problem))


def _member(reading: Reading, data: bytes, origin: str, path: str, depth: int, name: str,
            file_index: int, *, again: Callable[[], bytes]) -> None:  # fmt: skip
    if data.startswith(ZIP_MAGIC):
        try:  # an archive refused as a whole is, in here, one bad member
            inner = SafeZip(data, depth=depth + 1)
            if inner.find("OFD.xml") is not None or path.lower().endswith(".ofd"):
                reading.sources.extend(read_ofd(inner, origin, file_index=file_index))
            else:
                _bundle(reading, inner, name, path + "/", file_index)
        except FileRefused as exc:
            raise RowError(exc.problem.key, **exc.problem.fields) from None
    elif data.startswith(PDF_MAGIC):
        reading.sources.extend(read_pdf(data, origin, file_index=file_index, again=again))
    elif is_xml(data):
        reading.sources.append(xml_found(data, origin, file_index))
    else:
        raise RowError("import.einvoice.member_format")
