"""``fapiao check [--qr S] [field=value …]``: the field checks without the screen."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any, cast

from rich.cells import cell_len

from storage.messages import both, t
from storage.rules.field_checks import (
    CONTEXT_FIELDS,
    FIELDS,
    InvoiceDraft,
    Verdict,
    check_invoice,
    verdict_label,
    worst,
)
from tui.cli.context import CliContext
from tui.cli.errors import CliError, Exit


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("check", help=t("check_cli.help"))
    parser.add_argument("--qr", help=t("cli.help.check_qr"))
    parser.add_argument("--red", action="store_true", help=t("cli.help.check_red"))
    parser.add_argument("fields", nargs="*", metavar="field=value", help=" ".join(FIELDS))
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=cmd_check)


def draft_from_args(qr: str | None, pairs: list[str], red: bool) -> InvoiceDraft:
    values: dict[str, str] = {}
    if qr:
        from storage.rules.qr import QrError, parse_qr

        try:
            scanned = parse_qr(qr)
        except QrError as exc:
            raise CliError(str(exc), Exit.USAGE) from exc
        values.update(
            type=scanned.type, code=scanned.code, number=scanned.number,
            date=scanned.date.isoformat(), check_code=scanned.check_code,
        )  # fmt: skip
        values["total" if scanned.amount_is_total else "amount"] = f"{scanned.amount:f}"
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise CliError(both("check_cli.bad_pair", arg=pair), Exit.USAGE)
        if name not in FIELDS and name not in CONTEXT_FIELDS:
            names = " ".join((*FIELDS, *CONTEXT_FIELDS))
            raise CliError(both("check_cli.unknown_field", name=name, names=names),
                           Exit.USAGE)  # fmt: skip
        values[name] = value
    if not values:
        raise CliError(both("check_cli.nothing"), Exit.USAGE)
    return InvoiceDraft(red=red, **cast("dict[str, Any]", values))


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def cmd_check(ctx: CliContext) -> int:
    draft = draft_from_args(ctx.args.qr, ctx.args.fields, ctx.args.red)
    verdicts = check_invoice(draft)
    overall = worst(verdicts)
    counts = {k: sum(v.verdict is k for v in verdicts) for k in Verdict}
    lines = []
    for v in verdicts:
        label = _pad(t(f"checks.field.{v.field}"), 16)
        mark = _pad(verdict_label(v, getattr(draft, v.field)).text(), 8)
        extra = [t("check_cli.fix", fix=v.fix)] if v.fix else []
        if v.required:
            extra.append(t("check_cli.required"))
        notes = (
            t("check_cli.notes", notes=t("check_cli.note_separator").join(extra)) if extra else ""
        )
        lines.append(f"{label}{mark}{v.reason.text()}{notes}")
    if overall is Verdict.ERROR:
        lines.append(t("check_cli.summary_error", n=counts[Verdict.ERROR]))
    elif overall is Verdict.WARNING:
        lines.append(t("check_cli.summary_warning", n=counts[Verdict.WARNING]))
    else:
        lines.append(t("check_cli.summary_ok"))
    ctx.emit("\n".join(lines), {
        "verdict": overall.value,
        "fields": [asdict(v) | {"verdict": v.verdict.value, "reason": v.reason.text()}
                   for v in verdicts],
    })  # fmt: skip
    return Exit.FAILED if overall is Verdict.ERROR else Exit.OK
