"""``fapiao user add``: accounts. (passwd/role/list/unlock arrive with the users issue.)"""

from __future__ import annotations

import argparse
import getpass
import sys

from storage.accounts import AccountError, add_user, has_users
from storage.messages import both, t
from storage.models import Role
from storage.secret_files import SecretFileError, read_secret_file
from tui.cli.context import CliContext
from tui.cli.errors import CliError, Exit


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("user", help="账户 / accounts")
    usub = parser.add_subparsers(dest="user_command", required=True)
    add = usub.add_parser("add", help="新建账户 / add an account")
    add.add_argument("name")
    add.add_argument("--role", choices=[r.value for r in Role], default=Role.CLERK.value)
    add.add_argument("--branch", default=None, help="默认为本柜台的分支机构 / default: this counter's")
    add.add_argument("--all-branches", action="store_true", help="可查看所有分支 / sees every branch")
    add.add_argument("--password-file", help="密码文件（600 权限）/ password file (mode 0600)")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_add)


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
    ctx.store()
    role = Role(args.role)
    if has_users():
        acting = ctx.session()
        if not acting.is_supervisor:
            raise CliError(both("auth.needs_role", role=t("role.supervisor")), Exit.FAILED)
    elif role is not Role.SUPERVISOR:
        # The first account is created without a log-in, so it can only be the supervisor.
        raise CliError(both("cli.first_user_must_be_supervisor"), Exit.USAGE)
    branch = args.branch or ctx.settings.branch
    try:
        add_user(args.name, _new_password(args), role=role, branch=branch,
                 all_branches=args.all_branches)  # fmt: skip
    except AccountError as exc:
        raise CliError(str(exc), Exit.USAGE) from exc
    ctx.emit(
        t("cli.user_added", user=args.name, role=t(f"role.{role.value}"), branch=branch),
        {"user": args.name, "role": role.value, "branch": branch},
    )
    return Exit.OK
