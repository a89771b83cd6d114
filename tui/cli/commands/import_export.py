"""``fapiao import FILE…`` and ``fapiao export --out FILE [filters]``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

import peewee

from storage.errors import file_error
from storage.exporting.invoices import ExportFilter, export_invoices
from storage.importing import FileReport, Who, import_files
from storage.importing.fields import parse_date, parse_status
from storage.importing.report import RowError, RowProblem
from storage.messages import Listing, set_language, t
from storage.store.database import StoreUnreachable
from storage.store.models import Direction
from storage.tracking.states import parse_state
from tui.cli.context import CliContext
from tui.cli.errors import CliError, Exit

SHOWN_ROWS = 50  # rejected rows printed per file; --json has them all


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    imp = sub.add_parser("import", help=t("cli.help.import"))
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--direction", choices=[d.value for d in Direction], default=None,
                     help=t("cli.help.import_direction"))  # fmt: skip
    imp.add_argument("--json", action="store_true")
    imp.add_argument("--lang", dest="sub_lang", choices=["zh", "en"], help=argparse.SUPPRESS)
    imp.set_defaults(handler=cmd_import)

    exp = sub.add_parser("export", help=t("cli.help.export"))
    exp.add_argument("--out", required=True, metavar="FILE", help=t("cli.help.export_out"))
    exp.add_argument("--from", dest="date_from", metavar="DATE")
    exp.add_argument("--to", dest="date_to", metavar="DATE")
    exp.add_argument("--status", help=t("cli.help.export_status"))
    exp.add_argument("--buyer", default="", help=t("cli.help.export_buyer"))
    exp.add_argument("--branch", help=t("cli.help.export_branch"))
    exp.add_argument("--direction", choices=[d.value for d in Direction],
                     help=t("cli.help.export_direction"))  # fmt: skip
    exp.add_argument("--booked", metavar="STATE", help=t("cli.help.export_booked"))
    exp.add_argument("--reimbursed", metavar="yes|no", help=t("cli.help.export_reimbursed"))
    exp.add_argument("--keyword", default="", help=t("cli.help.export_keyword"))
    exp.add_argument("--json", action="store_true")
    exp.add_argument("--lang", dest="sub_lang", choices=["zh", "en"], help=argparse.SUPPRESS)
    exp.set_defaults(handler=cmd_export)


def _store_error(exc: Exception) -> StoreUnreachable:
    return StoreUnreachable("error.store_unreachable", detail=type(exc).__name__)


def cmd_import(ctx: CliContext) -> int:
    if ctx.args.sub_lang:
        set_language(ctx.args.sub_lang)
    session = ctx.session()
    who = Who.of(session, ctx.args.direction or Direction.ISSUED.value)
    try:
        reports = import_files([Path(name) for name in ctx.args.files], who,
                               received_direction=ctx.args.direction)  # fmt: skip
    except (peewee.OperationalError, peewee.InterfaceError) as exc:
        raise _store_error(exc) from exc
    refused = [r for r in reports if r.refused is not None]
    code = Exit.USAGE if refused else Exit.FAILED if any(r.rejected for r in reports) else Exit.OK
    if not ctx.as_json:
        for report in reports:
            _print_report(report)
        return code
    document: dict[str, object] = {"ok": code == Exit.OK}
    if refused:  # as every failing command's document says it, beside the files' reports
        for report in refused:
            _print_report(report)  # each refusal on stderr, as without --json
        first = refused[0]
        assert first.refused is not None
        document.update(error=first.refused.key, exit_code=int(code),
                        message=t("import.refused", name=first.name,
                                  reason=first.refused.text()))  # fmt: skip
    elif code != Exit.OK:
        document["exit_code"] = int(code)
    ctx.emit("", {**document, "files": [r.to_json() for r in reports]})
    return code


def _print_reimbursed(report: FileReport) -> None:
    """Loud, on both streams: an invoice already reimbursed came in again."""
    if report.reimbursed_again:
        names = Listing(tuple(f"{r.identity_text} ({r.claim_ref or '-'})"
                              for r in report.reimbursed_again))  # fmt: skip
        line = t("tracking.reimbursed_again", names=names)
        print(line)
        sys.stderr.write(line + "\n")


def _print_report(report: FileReport) -> None:
    if report.refused is not None:
        sys.stderr.write(t("import.refused", name=report.name, reason=report.refused.text()) + "\n")
        return
    if report.already_imported:
        when = report.imported_at.strftime("%Y-%m-%d %H:%M") if report.imported_at else "?"
        print(t("import.already", name=report.name, when=when))
        _print_reimbursed(report)
        return
    print(t("import.summary", name=report.name, added=report.added, updated=report.updated,
            unchanged=report.unchanged, rejected=report.rejected_count))  # fmt: skip
    for row in report.rejected[:SHOWN_ROWS]:
        print("  " + _problem_line(row))
    if report.rejected_count > SHOWN_ROWS:
        print("  " + t("import.more_rows", n=report.rejected_count - SHOWN_ROWS))
    _print_reimbursed(report)
    for pair in report.possible_duplicates[:SHOWN_ROWS]:
        others = Listing(tuple(o.identity_text for o in pair.others))
        print("  " + pair.identity_text + ": " + t("tracking.possible_duplicate", names=others))
    for warning in report.warnings[:SHOWN_ROWS]:
        reason = warning.problem.text()
        print("  " + (t("import.member_warning_line", member=warning.member, reason=reason)
                      if warning.member else t("import.warning_line", reason=reason)))  # fmt: skip


def _problem_line(row: RowProblem) -> str:
    """A rejected row of a table, or a file inside a bundle (or the invoice it held)."""
    reason = row.problem.text()
    if row.member:
        return t("import.member_line", member=row.member, reason=reason)
    if row.row == 0:
        return reason
    return t("import.row_line", row=row.row, reason=reason)


def _filters(args: argparse.Namespace) -> ExportFilter:
    try:
        date_from = parse_date(args.date_from) if args.date_from else None
        date_to = parse_date(args.date_to, today=_far_future()) if args.date_to else None
    except RowError as exc:
        value = exc.problem.fields.get("value", args.date_from or args.date_to)
        raise CliError("export.bad_date", value=value) from exc
    status = None
    if args.status:
        try:
            status = parse_status(args.status)
        except RowError as exc:
            raise CliError("export.bad_status", value=args.status) from exc
    booking = None
    if args.booked:
        state = parse_state(args.booked)
        if state is None:
            raise CliError("tracking.bad_state", value=args.booked)
        booking = state.value
    reimbursed = None
    if args.reimbursed is not None:
        answer = args.reimbursed.strip().lower()
        if answer not in _YES_NO:
            raise CliError("export.bad_reimbursed", value=args.reimbursed)
        reimbursed = _YES_NO[answer]
    return ExportFilter(date_from=date_from, date_to=date_to, status=status,
                        buyer=args.buyer.strip(), branch=args.branch, direction=args.direction,
                        booking=booking, reimbursed=reimbursed,
                        keyword=args.keyword.strip())  # fmt: skip


_YES_NO = {"yes": True, "y": True, "是": True, "已报销": True, "no": False, "n": False,
           "否": False, "未报销": False}  # fmt: skip


def _far_future() -> dt.date:
    return dt.date.max - dt.timedelta(days=1)  # an end date may lie ahead


def cmd_export(ctx: CliContext) -> int:
    args = ctx.args
    if args.sub_lang:
        set_language(args.sub_lang)
    out = Path(args.out)
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise CliError("export.bad_extension", path=args.out)
    filters = _filters(args)
    session = ctx.session()
    try:
        result = export_invoices(out, session, filters)
    except OSError as exc:  # the output file, named as the user gave it
        raise file_error(exc, args.out, writing=True) from exc
    except (peewee.OperationalError, peewee.InterfaceError) as exc:
        raise _store_error(exc) from exc
    ctx.emit(
        t("export.done", invoices=result.invoices, rows=result.rows, path=args.out),
        {"path": str(out), "invoices": result.invoices, "rows": result.rows},
    )
    return Exit.OK
