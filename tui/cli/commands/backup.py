"""``fapiao backup [--full|--incremental]`` and ``backup list|verify|restore|prune|rotate-key``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import asdict

from storage.backup import jobs, service
from storage.backup.jobs import byte_size
from storage.backup.secrets import ask_on_terminal, read_passphrase
from storage.config.secret_files import read_secret_file
from storage.messages import t
from tui.cli.context import CliContext
from tui.cli.errors import Exit


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("backup", help=t("backup.help"))
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument(
        "--full", action="store_const", dest="kind", const="full", help=t("backup.full_help")
    )
    kind.add_argument("--incremental", action="store_const", dest="kind", const="incremental",
                      help=t("backup.incremental_help"))  # fmt: skip
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=cmd_backup, kind="auto")
    bsub = parser.add_subparsers(dest="backup_command", metavar="ACTION")

    def action(
        name: str, help_key: str, handler: Callable[[CliContext], int]
    ) -> argparse.ArgumentParser:
        p = bsub.add_parser(name, help=t(help_key))
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=handler)
        return p

    action("list", "backup.list_help", cmd_list)
    verify = action("verify", "backup.verify_help", cmd_verify)
    verify.add_argument("id", nargs="?")
    verify.add_argument("--quick", action="store_true", help=t("backup.quick_help"))
    restore = action("restore", "backup.restore_help", cmd_restore)
    restore.add_argument("id")
    restore.add_argument("--to", help=t("backup.to_help"))
    prune = action("prune", "backup.prune_help", cmd_prune)
    prune.add_argument("--dry-run", action="store_true", help=t("backup.dry_run_help"))
    action("rotate-key", "backup.rotate_help", cmd_rotate)
    destroy = action("destroy-key", "backup.destroy_key_help", cmd_destroy_key)
    destroy.add_argument("key_id")
    passphrase = action("change-passphrase", "backup.passphrase_help", cmd_change_passphrase)
    passphrase.add_argument("--new-passphrase-file", metavar="FILE")


def _progress(ctx: CliContext) -> service.ProgressFn | None:
    if ctx.as_json or not sys.stderr.isatty():
        return None

    def show(p: service.Progress) -> None:
        eta = f"{p.eta_seconds:.0f}s" if p.eta_seconds is not None else "-"
        percent = 100.0 * p.done / p.total if p.total else 0.0
        sys.stderr.write("\r" + t("backup.progress", phase=p.phase, percent=percent,
                                  done=byte_size(p.done), total=byte_size(p.total),
                                  rate=byte_size(p.rate), eta=eta))  # fmt: skip
        if p.done >= p.total:
            sys.stderr.write("\n")

    return show


def _run(ctx: CliContext, job: jobs.Job) -> int:
    """One job through ``storage.backup.jobs``: its messages one a line, or its JSON."""
    session = ctx.session()
    report = jobs.run(session, job, settings=ctx.settings, progress=_progress(ctx))
    ctx.emit("\n".join(m.text() for m in report.said), report.facts)
    return Exit.OK if report.ok else Exit.FAILED


def cmd_backup(ctx: CliContext) -> int:
    return _run(ctx, jobs.Job(ctx.args.kind))


def cmd_list(ctx: CliContext) -> int:
    ctx.session()
    entries = service.list_backups(ctx.settings)
    if not entries:
        ctx.emit(
            t("backup.list_empty", folder=service.backup_folder(ctx.settings)), {"backups": []}
        )
        return Exit.OK
    rows = [t("backup.list_header")]
    for e in entries:
        state = ("backup.verified_never" if e.verified_ok is None
                 else "backup.verified_ok" if e.verified_ok else "backup.verified_bad")  # fmt: skip
        when = e.created_at.strftime("%Y-%m-%d %H:%M")
        rows.append(f"{e.id:<23} {t(f'backup.kind.{e.kind}'):<5} {when}  {byte_size(e.file_size):>8}  "
                    f"{t(state)} {e.verified_at[:16].replace('T', ' ')}")  # fmt: skip
    ctx.emit("\n".join(rows), {"backups": [asdict(e) for e in entries]})
    return Exit.OK


def cmd_verify(ctx: CliContext) -> int:
    return _run(ctx, jobs.Job("verify", backup_id=ctx.args.id or "", thorough=not ctx.args.quick))


def cmd_restore(ctx: CliContext) -> int:
    return _run(ctx, jobs.Job("restore", backup_id=ctx.args.id, target=ctx.args.to))


def cmd_prune(ctx: CliContext) -> int:
    return _run(ctx, jobs.Job("prune", dry_run=ctx.args.dry_run))


def cmd_rotate(ctx: CliContext) -> int:
    return _run(ctx, jobs.Job("rotate"))


def cmd_destroy_key(ctx: CliContext) -> int:
    session = ctx.session()
    service.destroy_key(session, ctx.args.key_id, settings=ctx.settings)
    ctx.emit(t("backup.key_destroyed", id=ctx.args.key_id), {"ok": True, "key_id": ctx.args.key_id})
    return Exit.OK


def cmd_change_passphrase(ctx: CliContext) -> int:
    session = ctx.session()
    old = read_passphrase(ctx.settings)
    if ctx.args.new_passphrase_file:
        new = read_secret_file(ctx.args.new_passphrase_file)
    else:
        new = ask_on_terminal(confirm=True, prompt_key="backup.new_passphrase_prompt")
    count = service.change_passphrase(session, old, new, settings=ctx.settings)
    ctx.emit(t("backup.passphrase_changed", n=count), {"ok": True, "keys": count})
    return Exit.OK
