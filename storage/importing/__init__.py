"""Importing invoice files: CSV and XLSX (the app's export and the 电子税务局 query export),
数电 XML, and text files of QR strings. ``import_file`` is the one entry point."""

from storage.importing.importer import Who, import_file, parse_bytes, refused_report
from storage.importing.report import FileRefused, FileReport, Problem, RowProblem

__all__ = [
    "FileRefused",
    "FileReport",
    "Problem",
    "RowProblem",
    "Who",
    "import_file",
    "parse_bytes",
    "refused_report",
]
