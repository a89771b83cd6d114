"""Importing invoice files: CSV and XLSX (the app's export and the 电子税务局 query export),
text files of QR strings, and the files people receive (数电 XML, OFD, PDF, ZIP bundles).
``import_files`` takes one run's files; ``import_file`` one file."""

from storage.importing.importer import import_file, import_files, parse_bytes, refused_report
from storage.importing.report import FileRefused, FileReport, Problem, RowProblem
from storage.importing.who import Who

__all__ = [
    "FileRefused",
    "FileReport",
    "Problem",
    "RowProblem",
    "Who",
    "import_file",
    "import_files",
    "parse_bytes",
    "refused_report",
]
