"""``fapiao user add|passwd|role|list|unlock``: accounts (supervisors manage them)."""

from __future__ import annotations

import argparse
import getpass
import sys

from rich.cells import cell_len

from storage.accounts.users import (
    AccountError,
    check_first_account,
    create_user,
    has_users,
    list_users,
    set_password,
    set_role,
    unlock,
)
from storage.config.secret_files import SecretFileError, read_secret_file
from storage.messages import both, t
from storage.store.models import Role
from tui.cli.context import CliContext
from tui.cli.errors import CliError, Exit


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("user", help=t("cli.help.user_cmd"))
    usub = parser.add_subparsers(dest="user_command", required=True)
    add = usub.add_parser("add", help=t("cli.help.user_add"))
    add.add_argument("name")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.CLERK.value)
    add.add_argument("--branch", default=None, help=t("cli.help.user_branch"))
    add.add_argument("--all-branches", action="store_true", help=t("cli.help.user_all_branches"))
    add.add_argument("--password-file", help=t("cli.help.user_password_file"))
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_add)

    passwd = usub.add_parser("passwd", help=t("cli.help.user_passwd"))
    passwd.add_argument("name", nargs="?", help=t("cli.help.user_passwd_name"))
    passwd.add_argument("--password-file", help=t("cli.help.user_new_password_file"))
    passwd.add_argument("--json", action="store_true")
    passwd.set_defaults(handler=cmd_passwd)

    role = usub.add_parser("role", help=t("cli.help.user_role"))
    role.add_argument("name")
    role.add_argument("role", choices=[r.value for r in Role])
    role.add_argument("--json", action="store_true")
    role.set_defaults(handler=cmd_role)

    listing = usub.add_parser("list", help=t("cli.help.user_list"))
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)

    unlock_parser = usub.add_parser("unlock", help=t("cli.help.user_unlock"))
    unlock_parser.add_argument("name")
    unlock_parser.add_argument("--json", action="store_true")
    unlock_parser.set_defaults(handler=cmd_unlock)


def _new_password(args: argparse.Namespace) -> str:
    if args.password_file:
        try:
            return read_secret_file(args.password_file)
        except SecretFileError as exc:
            raise CliError(str(exc), Exit.USAGE) from exc
    if not sys.stdin.isatty():
        raise CliError(both("cli.no_terminal"), Exit.USAGE)
    first = getpass.getpass(t("cli.password_prompt", user=args.name))
    if getpass.getpass(t("cli.password_repeat")) != first:
        raise CliError(both("cli.password_mismatch"), Exit.USAGE)
    return first


def cmd_add(ctx: CliContext) -> int:
    args = ctx.args
    role = Role(args.role)
    try:
        if ctx.store_missing():
            check_first_account(role)  # before the store is created for it
        ctx.store(create=True)  # the first supervisor may be the store's first write
        # The first account is created without a log-in (``create_user`` checks it is one).
        acting = ctx.session() if has_users() else None
        branch = args.branch or ctx.settings.branch
        create_user(acting, args.name, lambda: _new_password(args), role=role, branch=branch,
                    all_branches=args.all_branches)  # fmt: skip
    except AccountError as exc:
        raise CliError(str(exc), Exit.USAGE) from exc
    ctx.emit(
        t("cli.user_added", user=args.name, role=t(f"role.{role.value}"), branch=branch),
        {"user": args.name, "role": role.value, "branch": branch},
    )
    return Exit.OK


def cmd_passwd(ctx: CliContext) -> int:
    acting = ctx.session()
    target = ctx.args.name or acting.username
    ctx.args.name = target
    try:
        set_password(acting, target, lambda: _new_password(ctx.args))
    except AccountError as exc:
        raise CliError(str(exc), Exit.USAGE) from exc
    ctx.emit(t("cli.user_passwd", user=target), {"user": target, "changed": "password"})
    return Exit.OK


def cmd_role(ctx: CliContext) -> int:
    acting = ctx.session()
    role = Role(ctx.args.role)
    try:
        set_role(acting, ctx.args.name, role)
    except AccountError as exc:
        raise CliError(str(exc), Exit.USAGE) from exc
    ctx.emit(t("cli.user_role", user=ctx.args.name, role=t(f"role.{role.value}")),
             {"user": ctx.args.name, "role": role.value})  # fmt: skip
    return Exit.OK


def cmd_unlock(ctx: CliContext) -> int:
    acting = ctx.session()
    try:
        unlock(acting, ctx.args.name)
    except AccountError as exc:
        raise CliError(str(exc), Exit.USAGE) from exc
    ctx.emit(t("cli.user_unlocked", user=ctx.args.name), {"user": ctx.args.name, "unlocked": True})
    return Exit.OK


def cmd_list(ctx: CliContext) -> int:
    users = list_users(ctx.session())
    lines = [
        f"{u.username:<16}{_pad(t(f'role.{u.role.value}'), 8)}{_pad(u.branch, 14)}"
        + (t("cli.user_all_branches") if u.all_branches else "")
        + (" " + t("cli.user_locked", until=f"{u.locked_until:%H:%M}") if u.locked_until else "")
        for u in users
    ]
    ctx.emit("\n".join(lines), [
        {"user": u.username, "role": u.role.value, "branch": u.branch,
         "all_branches": u.all_branches, "locked_until": u.locked_until, "active": u.active}
        for u in users
    ])  # fmt: skip
    return Exit.OK


def _pad(text: str, width: int) -> str:
    return text + " " * max(1, width - cell_len(text))
