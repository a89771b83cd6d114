"""``fapiao mark INVOICE… (--booked STATE [--period YYYY-MM] | --reimbursed [--claim REF] |
--undo-reimbursed) [--from FILE]`` and ``fapiao summary``.

Invoices are named by identity: ``CODE,NUMBER`` (or the code and the number as two
arguments), or the 20-digit number. All or nothing: exit 0 all marked, 1 refused (not found,
not received, already reimbursed, role), 2 bad input (identity, state, period), 3 store
unreachable.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import peewee

from storage.importing.fields import parse_date
from storage.importing.report import RowError
from storage.messages import both, t
from storage.rules.money import format_money
from storage.tracking.identities import BadIdentity, Identity, parse_identities, parse_identity
from storage.tracking.marks import (
    Booking,
    Mark,
    MarkRefused,
    Reimbursed,
    UndoReimbursed,
    check_period,
    mark_identities,
)
from storage.tracking.states import parse_state, state_text
from storage.tracking.summary import Group, TrackingSummary, tracking_summary
from tui.cli.context import CliContext
from tui.cli.errors import CliError, Exit
from tui.tracking_text import done_text

_BAD_INPUT = frozenset({"tracking.bad_period", "tracking.bad_state", "tracking.claim_too_long",
                        "tracking.nothing_selected"})  # fmt: skip


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    mark = sub.add_parser("mark", help=t("cli.help.mark"))
    mark.add_argument("invoices", nargs="*", metavar="INVOICE", help=t("cli.help.mark_invoices"))
    what = mark.add_mutually_exclusive_group(required=True)
    what.add_argument("--booked", metavar="STATE", help=t("cli.help.mark_booked"))
    what.add_argument("--reimbursed", action="store_true", help=t("cli.help.mark_reimbursed"))
    what.add_argument("--undo-reimbursed", action="store_true", help=t("cli.help.mark_undo"))
    mark.add_argument("--period", default="", metavar="YYYY-MM", help=t("cli.help.mark_period"))
    mark.add_argument("--claim", default="", metavar="REF", help=t("cli.help.mark_claim"))
    mark.add_argument("--from", dest="from_file", metavar="FILE", help=t("cli.help.mark_from"))
    mark.add_argument("--json", action="store_true")
    mark.set_defaults(handler=cmd_mark)

    summary = sub.add_parser("summary", help=t("cli.help.summary"))
    summary.add_argument("--from", dest="date_from", metavar="DATE",
                         help=t("cli.help.summary_from"))  # fmt: skip
    summary.add_argument("--to", dest="date_to", metavar="DATE", help=t("cli.help.summary_to"))
    summary.add_argument("--json", action="store_true")
    summary.set_defaults(handler=cmd_summary)


def _arguments(words: list[str]) -> Iterator[Identity]:
    """Identities from the command line: ``CODE,NUMBER``, ``CODE NUMBER`` as two words, or
    a 20-digit number."""
    i = 0
    while i < len(words):
        word = words[i].strip()
        after = words[i + 1].strip() if i + 1 < len(words) else ""
        if word.isdigit() and len(word) in (10, 12) and after.isdigit() and len(after) == 8:
            yield Identity(after, word)
            i += 2
            continue
        yield parse_identity(word)
        i += 1


def _identities(ctx: CliContext) -> list[Identity]:
    args = ctx.args
    try:
        found = list(_arguments(args.invoices))
        if args.from_file:
            try:
                text = Path(args.from_file).read_text(encoding="utf-8-sig")
            except (OSError, UnicodeDecodeError) as exc:
                detail = getattr(exc, "strerror", None) or type(exc).__name__
                raise CliError(both("tracking.no_file", path=args.from_file, detail=detail),
                               Exit.USAGE) from exc  # fmt: skip
            found += parse_identities(text.splitlines())
    except BadIdentity as exc:
        exc.exit_code = Exit.USAGE  # type: ignore[attr-defined]
        raise
    if not found:
        raise CliError(both("tracking.no_invoices_given"), Exit.USAGE)
    return list(dict.fromkeys(found))


def _mark(args: argparse.Namespace) -> Mark:
    if args.period and args.booked is None:
        raise CliError(both("tracking.option_needs", option="--period", needs="--booked"),
                       Exit.USAGE)  # fmt: skip
    if args.claim and not args.reimbursed:
        raise CliError(both("tracking.option_needs", option="--claim", needs="--reimbursed"),
                       Exit.USAGE)  # fmt: skip
    if args.booked is not None:
        state = parse_state(args.booked)
        if state is None:
            raise CliError(both("tracking.bad_state", value=args.booked), Exit.USAGE)
        return Booking(state, args.period.strip())
    if args.reimbursed:
        return Reimbursed(args.claim.strip())
    return UndoReimbursed()


def cmd_mark(ctx: CliContext) -> int:
    mark = _mark(ctx.args)
    try:
        if isinstance(mark, Booking):
            check_period(mark.period)
        identities = _identities(ctx)
        session = ctx.session()
        result = mark_identities(session, identities, mark)
    except MarkRefused as exc:
        exc.exit_code = Exit.USAGE if exc.message.key in _BAD_INPUT else Exit.FAILED  # type: ignore[attr-defined]
        raise
    except (peewee.OperationalError, peewee.InterfaceError) as exc:
        raise CliError(both("error.store_unreachable", detail=type(exc).__name__),
                       Exit.UNREACHABLE) from exc  # fmt: skip
    ctx.emit(done_text(result), {
        "ok": True, "batch": result.batch, "invoices": result.invoices,
        "changed": result.changed, "kind": result.kind, "state": result.state,
        "state_text": state_text(result.state) if result.kind == "booking" else
        t(f"tracking.{result.state}"),
        "period": result.period, "claim_ref": result.claim_ref, "by": session.username,
        "at": result.at.isoformat(),
    })  # fmt: skip
    return Exit.OK


def _group_lines(title: str, groups: tuple[Group, ...], name: object) -> list[str]:
    if not groups:
        return []
    lines = [title]
    for g in groups:
        lines.append(f"  {name(g.key)}  {t('summary.all', n=g.count, total=format_money(g.total))}"  # type: ignore[operator]
                     f"  {t('summary.col.booked')} {g.booked}  {t('summary.col.reimbursed')} "
                     f"{g.reimbursed}")  # fmt: skip
    return lines


def summary_text(summary: TrackingSummary) -> str:
    if not summary.count:
        return t("summary.empty")
    lines = [t("summary.title"), t("summary.all", n=summary.count,
                                   total=format_money(summary.total))]  # fmt: skip
    lines += _group_lines(t("summary.by_state"), summary.by_state, state_text)
    lines += _group_lines(t("summary.by_reimbursement"), summary.by_reimbursement,
                          lambda k: t(f"tracking.{k}"))  # fmt: skip
    lines += _group_lines(t("summary.by_month"), summary.by_month, str)
    lines += _group_lines(t("summary.by_seller", n=len(summary.by_seller)), summary.by_seller,
                          str)  # fmt: skip
    if summary.other_sellers:
        lines.append("  " + t("summary.other_sellers", n=summary.other_sellers))
    return "\n".join(lines)


def cmd_summary(ctx: CliContext) -> int:
    args = ctx.args
    try:
        date_from = parse_date(args.date_from) if args.date_from else None
        far = dt.date.max - dt.timedelta(days=1)  # an end date may lie ahead
        date_to = parse_date(args.date_to, today=far) if args.date_to else None
    except RowError as exc:
        raise CliError(both("export.bad_date", value=args.date_from or args.date_to),
                       Exit.USAGE) from exc  # fmt: skip
    session = ctx.session()
    try:
        summary = tracking_summary(session, date_from=date_from, date_to=date_to)
    except (peewee.OperationalError, peewee.InterfaceError) as exc:
        raise CliError(both("error.store_unreachable", detail=type(exc).__name__),
                       Exit.UNREACHABLE) from exc  # fmt: skip
    data = summary.to_json()
    for group in data["by_state"]:
        group["text"] = state_text(group["key"])
    ctx.emit(summary_text(summary), data)
    return Exit.OK
