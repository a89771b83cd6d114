"""``fapiao lookup QUERY``: the lookup screen's engine on the command line.

Matches are listed newest first with their status in words; with none, the diagnosis is
printed as numbered causes, most likely first (with "not synced yet" when a running device
service says the disk has records the store has not: ``devices.disk_context``). Exit 0 found, 1 not found (or a search the
store refused), 2 unusable query (empty, too short, too long), 3 store unreachable.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

import peewee
from rich.cells import cell_len

from devices.disk_context import from_service, with_disk
from devices.service import configured_socket
from storage.accounts.users import Session
from storage.lookup.engine import (
    Cause,
    InvoiceSummary,
    LookupFailed,
    LookupOptions,
    LookupResult,
    lookup,
)
from storage.messages import both, t
from storage.rules.money import format_money
from storage.rules.query_kind import QueryKind, classify
from tui.cli.context import CliContext
from tui.cli.errors import CliError, Exit

NAME_WIDTH = 24  # cells of the counterparty column before it is cut


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("lookup", help=t("cli.help.lookup"))
    parser.add_argument("query", nargs="+", help=t("cli.help.lookup_query"))
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--all", action="store_true", help=t("cli.help.lookup_all"))
    shown.add_argument("--hide-void-red", action="store_true", help=t("cli.help.lookup_hide"))
    parser.add_argument("--limit", type=int, default=50, help=t("cli.help.lookup_limit"))
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=cmd_lookup)


def _pad(text: str, width: int, *, right: bool = False) -> str:
    gap = " " * max(0, width - cell_len(text))
    return gap + text if right else text + gap


def _cut(text: str, width: int) -> str:
    if cell_len(text) <= width:
        return text
    out = ""
    for ch in text:
        if cell_len(out + ch + "…") > width:
            break
        out += ch
    return out + "…"


def table(rows: tuple[InvoiceSummary, ...], *, show_branch: bool, indent: str = "") -> list[str]:
    """An aligned table (display width: a Chinese character takes two cells)."""
    headers = [t("lookup.label.number"), t("lookup.label.code"), t("lookup.label.date"),
               t("lookup.label.counterparty"), t("lookup.label.total"), t("lookup.label.status")]  # fmt: skip
    if show_branch:
        headers.append(t("lookup.label.branch"))
    body = []
    for r in rows:
        status = r.status_text
        if r.reimbursed:  # loud wherever it turns up again
            status += " ⚠" + t("tracking.reimbursed")
        cells = [r.number, r.code or "-", r.date.isoformat(), _cut(r.counterparty_name, NAME_WIDTH),
                 format_money(r.total), status]  # fmt: skip
        if show_branch:
            cells.append(r.branch)
        body.append(cells)
    widths = [max(cell_len(row[i]) for row in [headers, *body]) for i in range(len(headers))]
    right = {4}  # money reads right-aligned
    lines = []
    for row in [headers, *body]:
        line = "  ".join(_pad(c, widths[i], right=i in right) for i, c in enumerate(row))
        lines.append(indent + line.rstrip())
    return lines


def _cause_lines(number: int, cause: Cause, show_branch: bool) -> list[str]:
    lines = [f"{number}. {cause.title.text()}"]
    lines += [f"   {line}" for line in detail_text(cause).splitlines()]
    lines.append("   " + t("lookup.cli.action", action=cause.action))
    if cause.candidates:
        lines += table(cause.candidates, show_branch=show_branch, indent="   ")
    return lines


def detail_text(cause: Cause) -> str:
    return (cause.lead.text() if cause.lead else "") + cause.detail.text()


def human(result: LookupResult, session: Session) -> str:
    if result.matches:
        lines = [t("lookup.cli.found", n=len(result.matches))]
        lines += table(result.matches, show_branch=session.all_branches)
        if result.more:
            lines.append(t("lookup.cli.more", n=len(result.matches)))
        return "\n".join(lines)
    lines = [t("lookup.cli.not_found", query=result.query), t("lookup.cli.causes")]
    for i, cause in enumerate(result.causes, start=1):
        lines += _cause_lines(i, cause, session.all_branches)
    return "\n".join(lines)


def _summary_json(s: InvoiceSummary) -> dict[str, Any]:
    data = asdict(s)
    data.update(date=s.date.isoformat(), amount=format_money(s.amount), total=format_money(s.total),
                status_text=s.status_text)  # fmt: skip
    return data


def as_json(result: LookupResult) -> dict[str, Any]:
    return {
        "query": result.query,
        "kind": result.kind.value,
        "found": bool(result.matches),
        "matches": [_summary_json(m) for m in result.matches],
        "more": result.more,
        "causes": [
            {
                "kind": c.kind.value,
                "title": c.title.text(),
                "detail": detail_text(c),
                "action": c.action.text(),
                "candidates": [_summary_json(s) for s in c.candidates],
            }
            for c in result.causes
        ],
    }


def cmd_lookup(ctx: CliContext) -> int:
    text = " ".join(ctx.args.query).strip()
    if not text:
        raise CliError(both("lookup.cli.empty"), Exit.USAGE)
    if ctx.args.limit < 1:
        raise CliError(both("cli.usage_error", detail="--limit ≥ 1"), Exit.USAGE)
    session = ctx.session()
    options = LookupOptions(show_void_red=not ctx.args.hide_void_red, limit=ctx.args.limit)
    if ctx.settings.device_url:  # a running device service tells whether the disk is ahead
        socket, _ = configured_socket(ctx.settings)
        options = with_disk(options, from_service(socket, ctx.settings.device_url))
    try:
        result = lookup(text, session, options)
    except LookupFailed as exc:
        raise CliError(str(exc), Exit.FAILED) from exc
    except (peewee.OperationalError, peewee.InterfaceError) as exc:
        raise CliError(both("error.store_unreachable", detail=exc), Exit.UNREACHABLE) from exc
    if result.kind is QueryKind.EMPTY:
        raise CliError(both("lookup.cli.empty"), Exit.USAGE)
    if result.problem:
        raise CliError(classify(text).problem_message().both(), Exit.USAGE)
    ctx.emit(human(result, session), as_json(result))
    return Exit.OK if result.matches else Exit.FAILED
