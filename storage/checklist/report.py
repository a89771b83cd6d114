"""A short report of one invoice check, for the issuer or support: plain text and XLSX."""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from storage.accounts.users import Session
from storage.checklist.cross_check import Difference
from storage.checklist.troubleshooting import ChecklistItem
from storage.messages import t
from storage.rules.field_checks import FieldVerdict, InvoiceDraft, verdict_label


@dataclass(frozen=True)
class CheckReport:
    draft: InvoiceDraft
    verdicts: list[FieldVerdict]
    items: list[ChecklistItem]
    differences: list[Difference]
    session: Session
    made_at: dt.datetime

    def sections(self) -> list[tuple[str, list[str], list[list[str]]]]:
        """(heading, column titles, rows) for each part of the report."""
        fields = [
            [t(f"checks.field.{v.field}"), getattr(self.draft, v.field),
             verdict_label(v, getattr(self.draft, v.field)).text(), v.reason.text()]
            for v in self.verdicts
        ]  # fmt: skip
        items = [[i.title.text(), t(f"trouble.state.{i.state.value}"), i.checked.text(), i.next_step.text()]
                 for i in self.items]  # fmt: skip
        diffs = [[t(f"checks.field.{d.field}"), d.entered, d.stored] for d in self.differences]
        return [
            (t("report.fields"), [t("report.col.field"), t("report.col.value"),
                                  t("report.col.verdict"), t("report.col.reason")], fields),
            (t("report.checklist"), [t("report.col.item"), t("report.col.state"),
                                     t("report.col.checked"), t("report.col.next")], items),
            (t("report.conflicts"), [t("report.col.field"), t("report.col.value"),
                                     t("report.col.stored")], diffs),
        ]  # fmt: skip

    def header(self) -> list[str]:
        return [
            t("report.title"),
            t("report.when", when=self.made_at.strftime("%Y-%m-%d %H:%M"),
              user=self.session.username, branch=self.session.branch),
        ]  # fmt: skip


def report_text(report: CheckReport) -> str:
    lines = [*report.header(), ""]
    for heading, _, rows in report.sections():
        lines.append(heading)
        if not rows:
            lines.append("  " + t("report.none"))
        lines += ["  " + "　".join(cell for cell in row if cell) for row in rows]
        lines.append("")
    return "\n".join(lines)


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def save_report(report: CheckReport, path: Path) -> Path:
    """Write the report as ``.txt`` or ``.xlsx`` (by extension), whole or not at all."""
    if path.suffix.lower() == ".xlsx":

        def write_xlsx(tmp: Path) -> None:
            from openpyxl import Workbook  # loads with the first XLSX saved

            book = Workbook(write_only=True)
            sheet = book.create_sheet(t("report.title")[:31])
            for line in report.header():
                sheet.append([line])
            for heading, columns, rows in report.sections():
                sheet.append([])
                sheet.append([heading])
                sheet.append(columns)
                for row in rows:
                    sheet.append(row)
            book.save(tmp)

        _atomic_write(path, write_xlsx)
    else:
        _atomic_write(path, lambda tmp: tmp.write_text(report_text(report), encoding="utf-8"))
    return path
