"""``fapiao backup [--full|--incremental]`` and ``backup list|verify|restore|prune|rotate-key``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from storage.backup import service
from storage.backup.manifest import BackupEntry
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
    passphrase.add_argument("--new-passphrase-file")


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def _progress(ctx: CliContext) -> service.ProgressFn | None:
    if ctx.as_json or not sys.stderr.isatty():
        return None

    def show(p: service.Progress) -> None:
        eta = f"{p.eta_seconds:.0f}s" if p.eta_seconds is not None else "-"
        percent = 100.0 * p.done / p.total if p.total else 0.0
        sys.stderr.write("\r" + t("backup.progress", phase=p.phase, percent=percent,
                                  done=_size(p.done), total=_size(p.total),
                                  rate=_size(p.rate), eta=eta))  # fmt: skip
        if p.done >= p.total:
            sys.stderr.write("\n")

    return show


def _entry_json(entry: BackupEntry) -> dict[str, Any]:
    return asdict(entry)


def cmd_backup(ctx: CliContext) -> int:
    session = ctx.session()
    result = service.backup_now(session, ctx.args.kind, progress=_progress(ctx),
                                settings=ctx.settings)  # fmt: skip
    entry = result.entry
    lines = [t("backup.fell_back")] if result.fell_back_to_full else []
    lines.append(t("backup.done", kind=t(f"backup.kind.{entry.kind}"), id=entry.id,
                   size=_size(entry.file_size), seconds=result.seconds))  # fmt: skip
    ctx.emit("\n".join(lines), {"ok": True, "fell_back_to_full": result.fell_back_to_full,
                                "seconds": result.seconds, "backup": _entry_json(entry)})  # fmt: skip
    return Exit.OK


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
        rows.append(f"{e.id:<23} {t(f'backup.kind.{e.kind}'):<5} {when}  {_size(e.file_size):>8}  "
                    f"{t(state)} {e.verified_at[:16].replace('T', ' ')}")  # fmt: skip
    ctx.emit("\n".join(rows), {"backups": [_entry_json(e) for e in entries]})
    return Exit.OK


def cmd_verify(ctx: CliContext) -> int:
    session = ctx.session()
    results = service.verify(session, ctx.args.id, thorough=not ctx.args.quick,
                             progress=_progress(ctx), settings=ctx.settings)  # fmt: skip
    lines = [t("backup.verify_ok", id=r.backup_id, check=r.check, seconds=r.seconds) if r.ok
             else t("backup.verify_failed", id=r.backup_id, problem=r.problem) for r in results]  # fmt: skip
    ctx.emit("\n".join(lines), {"ok": all(r.ok for r in results),
                                "results": [asdict(r) for r in results]})  # fmt: skip
    return Exit.OK if all(r.ok for r in results) else Exit.FAILED


def cmd_restore(ctx: CliContext) -> int:
    session = ctx.session()
    result = service.restore(session, ctx.args.id, to=ctx.args.to, progress=_progress(ctx),
                             settings=ctx.settings)  # fmt: skip
    lines = [t("backup.safety_taken", id=result.safety_backup)] if result.safety_backup else []
    lines.append(t("backup.restored", id=result.backup_id, target=result.target))
    ctx.emit("\n".join(lines), {"ok": True, **asdict(result)})
    return Exit.OK


def cmd_prune(ctx: CliContext) -> int:
    session = ctx.session()
    result = service.prune(session, settings=ctx.settings, dry_run=ctx.args.dry_run)
    human = (t("backup.would_prune", kept=len(result.kept), ids=", ".join(result.deleted) or "-")
             if ctx.args.dry_run else
             t("backup.pruned", kept=len(result.kept), deleted=len(result.deleted)))  # fmt: skip
    ctx.emit(human, {"ok": True, "dry_run": ctx.args.dry_run, **asdict(result)})
    return Exit.OK


def cmd_rotate(ctx: CliContext) -> int:
    session = ctx.session()
    new_id = service.rotate_key(session, settings=ctx.settings)
    ctx.emit(t("backup.rotated", id=new_id), {"ok": True, "key_id": new_id})
    return Exit.OK


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
