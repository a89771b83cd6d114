"""``fapiao clear`` (the clearing flow without the screen), ``clear preflight`` and ``clear log``.

Everything the disk or the store decides happens in ``devices.clearing``; this module asks the
questions, shows progress on stderr and prints the results (or one JSON document).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from devices.clearing.model import (
    BadPlan,
    Check,
    ClearingContext,
    ClearingError,
    ClearOutcome,
    ClearPlan,
    DiskGone,
    Preflight,
    Scan,
    StepProgress,
    TypeResult,
    Verdict,
    check_period,
    other_clear,
    parse_kind,
)
from devices.clearing.preflight import preflight
from devices.clearing.scan import scan
from devices.clearing.steps import (
    execute,
    may_clear,
    reconcile,
    report,
    retry_plan,
    take_backup,
    upload_offline,
    wait_until_idle,
)
from devices.client import DiskClient
from devices.errors import DiskError, DiskProblem
from devices.pin import PinNotSent, RejectedPins, check_pin_shape, login_with_pin
from storage.backup.service import Progress as BackupProgress
from storage.clearing.history import RunView, clear_history, export_history
from storage.config.stored import effective_settings
from storage.errors import FapiaoError
from storage.messages import Listing, Message, t
from tui.cli.context import CliContext
from tui.cli.errors import CliError, Exit

MAIL_WAIT = 15.0  # seconds the command waits for the notice's mail before it exits


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    clear = sub.add_parser("clear", help=t("cli.help.clear"), description=t("cli.help.clear"))
    clear.add_argument("--period", metavar="YYYY-MM", help=t("cli.help.clear_period"))
    clear.add_argument("--kind", metavar="K", help=t("cli.help.clear_kind"))
    clear.add_argument("--types", metavar="004,007", help=t("cli.help.clear_types"))
    clear.add_argument("--reason", default="", help=t("cli.help.clear_reason"))
    clear.add_argument("--retry", type=int, metavar="ID", help=t("cli.help.clear_retry"))
    clear.add_argument("--yes", action="store_true", help=t("cli.help.clear_yes"))
    clear.add_argument("--json", action="store_true")
    clear.set_defaults(handler=cmd_clear)
    steps = clear.add_subparsers(dest="clear_command", metavar="preflight|log")

    pre = steps.add_parser("preflight", help=t("cli.help.clear_preflight"))
    pre.add_argument("--period", metavar="YYYY-MM", help=t("cli.help.clear_period"))
    pre.add_argument("--kind", metavar="K", help=t("cli.help.clear_kind"))
    pre.add_argument("--filed", action="store_true", help=t("cli.help.clear_filed"))
    pre.add_argument("--json", action="store_true")
    pre.set_defaults(handler=cmd_preflight)

    log = steps.add_parser("log", help=t("cli.help.clear_log"))
    log.add_argument("--period", metavar="YYYY-MM")
    log.add_argument("--state", metavar="STATE")
    log.add_argument("--by", metavar="USER", help=t("cli.help.clear_log_by"))
    log.add_argument("--out", metavar="FILE", help=t("cli.help.clear_log_out"))
    log.add_argument("--json", action="store_true")
    log.set_defaults(handler=cmd_log)


# -- the disk and the context ----------------------------------------------------------------


@contextlib.contextmanager
def _clearing(ctx: CliContext, *, login: bool = True) -> Iterator[ClearingContext]:
    from tui.cli.commands.disk import _disk_client, _pin

    if not ctx.settings.device_url:
        raise CliError("disk.no_device")
    pin, source = _pin() if login else ("", "")
    if login:
        check_pin_shape(pin.strip(), source)  # before the disk is even opened
    client: DiskClient = _disk_client(ctx)
    clearing: ClearingContext | None = None
    try:
        wait_until_idle(
            client,
            on_wait=lambda cmd: _say(t("cli.clear.disk_busy", cmd=Message(f"clear.cmd.{cmd}"))),
        )
        if login:
            try:
                # Once: a wrong PIN is reported, never retried, and not sent again next time.
                login_with_pin(client, pin, source=source,
                               rejected=RejectedPins.in_memory() if ctx.demo else None)  # fmt: skip
            except DiskError as exc:  # refused, not gone: not the disk problem below
                raise other_clear(client, exc) or ClearingError(
                    "disk.refused", message=exc.message, code=exc.code
                ) from exc
        clearing = ClearingContext(client=client, settings=effective_settings(ctx.settings))
        yield clearing
    except PinNotSent:
        raise  # nothing reached the disk: said as it is
    except DiskProblem as exc:
        raise DiskGone("clear.error.disk_problem", detail=exc) from exc
    finally:
        client.close()
        for mailer in clearing.mailers if clearing is not None else ():
            mailer.join(MAIL_WAIT)  # a server that is down is retried later, by any terminal


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _ask(ctx: CliContext, key: str, **fields: object) -> bool:
    """Yes to a step: ``--yes``, else the terminal; no terminal and no ``--yes`` is bad usage."""
    if getattr(ctx.args, "yes", False):
        return True
    if not sys.stdin.isatty():
        raise CliError("cli.clear.needs_yes")
    answer = input(t(key, **fields) + t("cli.clear.yes_no"))
    return answer.strip().lower() in ("y", "yes", "是", "好")


def _progress(step: StepProgress) -> None:
    if step.total:
        sys.stderr.write(f"\r{step.stage} {step.done * 100 // step.total:3d}%")
        sys.stderr.flush()


def _backup_progress(step: BackupProgress) -> None:
    if step.total:
        sys.stderr.write(f"\r{t('cli.clear.backing_up')} {step.done * 100 // step.total:3d}%")
        sys.stderr.flush()


def _settle(ctx: CliContext, clearing: ClearingContext) -> list[dict[str, Any]]:
    settled = reconcile(ctx.session(), clearing)
    for item in settled:
        _say(item.message.text())
    return [{"cmd": s.cmd, "txn": s.txn, "outcome": s.outcome, "message": s.message.text()}
            for s in settled]  # fmt: skip


# -- presenting ----------------------------------------------------------------------------


_MARK = {Verdict.PASS: "✓", Verdict.WARN: "!", Verdict.FAIL: "✗"}


def _check_line(check: Check) -> str:
    line = f"{_MARK[check.verdict]} {t('clear.verdict.' + check.verdict.value)}  {check.title.text()}：{check.found.text()}"
    return line + (
        f"\n    → {check.fix.text()}" if check.fix and check.verdict is not Verdict.PASS else ""
    )


def _preflight_text(pre: Preflight) -> str:
    lines = [t("cli.clear.preflight_title", period=pre.period or "—")]
    lines += [_check_line(c) for c in pre.checks]
    if pre.recommendation is not None:
        rec = pre.recommendation
        kind = t(f"clear.kind.{rec.kind.value}") if rec.kind else "—"
        lines.append(t("cli.clear.recommended", kind=kind, why=rec.why.text()))
    return "\n".join(lines)


def _preflight_json(pre: Preflight) -> dict[str, Any]:
    rec = pre.recommendation
    return {
        "period": pre.period, "device_id": pre.device_id, "ok": pre.ok,
        "checks": [{"name": c.name, "verdict": c.verdict.value, "found": c.found.text(),
                    "fix": c.fix.text() if c.fix else None, "action": c.action.value or None}
                   for c in pre.checks],
        "recommended": None if rec is None else {
            "kind": rec.kind.value if rec.kind else None, "types": list(rec.types),
            "report_first": list(rec.report_first), "why": rec.why.text()},
    }  # fmt: skip


def _scan_text(found: Scan) -> str:
    lines = [t("cli.clear.scan_title", period=found.period)]
    lines.append(t("cli.clear.scan_header"))
    for line in found.types:
        disk = line.disk
        store = line.store
        lines.append(f"{line.type}  {t('clear.state.' + line.state):<8}{disk.count:>6}{disk.void:>5}{disk.red:>5}"
                     f"{disk.amount:>16,.2f}{disk.tax:>14,.2f}{store.count if store else 0:>8}")  # fmt: skip
    if found.offline:
        lines.append(t("cli.clear.offline", numbers=Listing(found.offline)))
    lines += [f"! {d.text()}" for d in found.differences] or [t("clear.scan.agrees")]
    return "\n".join(lines)


def _result_lines(results: tuple[TypeResult, ...] | list[TypeResult]) -> list[str]:
    lines = []
    for r in results:
        lines.append(f"{'✓' if r.ok else '✗'} {r.type}  {r.summary.text()}")
        if r.fix is not None:
            lines.append(f"    → {r.fix.text()}")
    return lines


def _outcome_json(outcome: ClearOutcome) -> dict[str, Any]:
    return {"run": outcome.run_id, "txn": outcome.txn, "state": outcome.state,
            "results": [r.to_json() | {"fix": r.fix.text() if r.fix else None} for r in outcome.results]}  # fmt: skip


# -- the commands --------------------------------------------------------------------------


def _kind(text: str | None) -> Any:
    return parse_kind(text) if text else None


def cmd_preflight(ctx: CliContext) -> int:
    args = ctx.args
    session = ctx.session()
    period = check_period(args.period) if args.period else None
    kind = _kind(args.kind)
    with _clearing(ctx) as clearing:
        settled = _settle(ctx, clearing)
        pre = preflight(session, clearing, period, kind=kind, filed_confirmed=args.filed)
        found = scan(session, clearing, pre.period) if pre.device_id else None
    data = _preflight_json(pre) | {
        "reconciled": settled,
        "scan": found.to_json() if found else None,
    }
    ctx.emit(_preflight_text(pre) + ("\n\n" + _scan_text(found) if found else ""), data)
    return Exit.OK if pre.ok else Exit.FAILED


def _fix_preflight(ctx: CliContext, clearing: ClearingContext, pre: Preflight, kind: Any,
                   filed: bool) -> Preflight:  # fmt: skip
    """Offer the fixes the flow can do (upload, backup), then check again."""
    session = ctx.session()
    names = {c.name for c in pre.failed}
    if "offline" in names and _ask(ctx, "cli.clear.ask_upload", n=pre.offline_pending):
        result = upload_offline(session, clearing, progress=_progress)
        _say("\n" + t("cli.clear.uploaded", ok=len(result.uploaded), failed=len(result.failed)))
    if "backup" in names and _ask(ctx, "cli.clear.ask_backup"):
        backup_id = take_backup(session, clearing, progress=_backup_progress)
        _say("\n" + t("cli.clear.backed_up", id=backup_id))
    if names & {"offline", "backup"}:
        pre = preflight(session, clearing, pre.period, kind=kind, filed_confirmed=filed)
    rec = pre.recommendation
    if pre.ok and rec is not None and rec.report_first and _ask(ctx, "cli.clear.ask_report",
                                                                 types=Listing(rec.report_first)):  # fmt: skip
        results = report(session, clearing, pre.period, progress=_progress)
        _say("\n" + "\n".join(_result_lines(results)))
        pre = preflight(session, clearing, pre.period, kind=kind, filed_confirmed=filed)
    return pre


def cmd_clear(ctx: CliContext) -> int:
    args = ctx.args
    session = ctx.session()
    if args.retry is None and (not args.period or not args.kind):
        raise BadPlan("cli.clear.needs_period_kind")
    if args.period:
        check_period(args.period)
    kind = _kind(args.kind)
    may_clear(session)
    types = tuple(x.strip() for x in (args.types or "").split(",") if x.strip())
    with _clearing(ctx) as clearing:
        settled = _settle(ctx, clearing)
        filed = args.yes or _ask(ctx, "cli.clear.ask_filed", period=args.period or "")
        if args.retry is not None:
            plan = retry_plan(session, args.retry, reason=args.reason, filed_confirmed=filed)
            kind = plan.kind
        pre = preflight(session, clearing, plan.period if args.retry is not None else check_period(args.period),
                        kind=kind, filed_confirmed=filed)  # fmt: skip
        if not pre.ok:
            pre = _fix_preflight(ctx, clearing, pre, kind, filed)
        _say(_preflight_text(pre))
        if not pre.ok:
            failed = Listing([c.title.text() for c in pre.failed])
            ctx.emit("", {"ok": False, "preflight": _preflight_json(pre), "reconciled": settled,
                          "error": "clear.error.preflight", "exit_code": int(Exit.FAILED),
                          "message": t("clear.error.preflight", checks=failed)})  # fmt: skip
            if not ctx.as_json:
                _say(t("clear.error.preflight", checks=failed))
            return Exit.FAILED
        found = scan(session, clearing, pre.period)
        _say(_scan_text(found))
        if args.retry is None:
            plan = ClearPlan(pre.period, kind, types, args.reason, filed, found,
                             targets=types or (found.recommendation.types))  # fmt: skip
        else:
            plan = ClearPlan(plan.period, plan.kind, plan.types, plan.reason, filed, found,
                             retry_of=plan.retry_of, targets=plan.targets)  # fmt: skip
        if not _ask(ctx, "cli.clear.ask_clear", kind=Message(f"clear.kind.{plan.kind.value}"),
                    period=plan.period):  # fmt: skip
            raise ClearingError("cli.clear.cancelled")  # said (and with --json, one document)
        outcome = execute(session, session, clearing, plan, progress=_progress)
    _say("")
    text = "\n".join([t("cli.clear.result_title", period=plan.period,
                        state=Message(f"clear.state_run.{outcome.state}")), *_result_lines(outcome.results)])  # fmt: skip
    ctx.emit(text, {"ok": outcome.all_ok, "preflight": _preflight_json(pre), "scan": found.to_json(),
                    "reconciled": settled, **_outcome_json(outcome)})  # fmt: skip
    return Exit.OK if outcome.all_ok else Exit.FAILED


def _log_text(views: list[RunView]) -> str:
    if not views:
        return t("cli.clear.log_empty")
    lines = []
    for v in views:
        lines.append(t("cli.clear.log_line", id=v.id, period=v.period, kind=v.kind_name, state=v.state_name,
                       started_by=v.started_by, confirmed_by=v.confirmed_by or "—",
                       at=f"{v.started_at:%Y-%m-%d %H:%M}"))  # fmt: skip
        lines += [
            "  " + line for line in _result_lines([TypeResult.from_json(r) for r in v.results])
        ]
        if v.message:
            lines.append(f"  {v.message}")
    return "\n".join(lines)


def cmd_log(ctx: CliContext) -> int:
    args = ctx.args
    session = ctx.session()
    settled: list[dict[str, Any]] = []
    if ctx.settings.device_url:
        # Before answering: settle anything unfinished with the disk (TXN needs no PIN).
        try:
            with _clearing(ctx, login=False) as clearing:
                settled = _settle(ctx, clearing)
        except FapiaoError as exc:
            _say(t("cli.clear.not_reconciled", detail=exc))
    views = clear_history(session, period=args.period, state=args.state, username=args.by)
    if args.out:
        count = export_history(Path(args.out), session, views)
        _say(t("cli.clear.exported", n=count, path=args.out))
    ctx.emit(_log_text(views), {"reconciled": settled, "runs": [v.to_json() for v in views]})
    return Exit.OK
