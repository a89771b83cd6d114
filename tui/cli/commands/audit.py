"""``fapiao audit verify``: check the audit log's hash chain; names the first bad entry."""

from __future__ import annotations

import argparse

from storage.audit.reading import verify_then_log_in
from storage.messages import t
from tui.cli.context import CliContext
from tui.cli.errors import Exit


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("audit", help=t("audit.help"))
    asub = parser.add_subparsers(dest="audit_command", required=True)
    verify = asub.add_parser("verify", help=t("audit.verify_help"))
    verify.add_argument("--json", action="store_true")
    verify.set_defaults(handler=cmd_verify)


def cmd_verify(ctx: CliContext) -> int:
    ctx.store()
    checked, problem = verify_then_log_in(ctx.session)
    if problem is None:
        ctx.emit(t("audit.verify_ok", n=checked), {"ok": True, "entries": checked})
        return Exit.OK
    ctx.emit(t(f"audit.problem.{problem.reason}", seq=problem.seq),
             {"ok": False, "entries": checked, "first_bad": problem.seq, "reason": problem.reason})  # fmt: skip
    return Exit.FAILED
