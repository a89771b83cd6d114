"""``fapiao db upgrade``: apply schema migrations (no log-in needed)."""

from __future__ import annotations

import argparse

import peewee

from storage.messages import t
from storage.store.database import StoreUnreachable, open_database
from storage.store.schema import upgrade
from tui.cli.context import CliContext
from tui.cli.errors import Exit


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("db", help=t("cli.help.db"))
    dsub = parser.add_subparsers(dest="db_command", required=True)
    up = dsub.add_parser("upgrade", help=t("cli.help.db_upgrade"))
    up.add_argument("--json", action="store_true")
    up.set_defaults(handler=cmd_upgrade)


def cmd_upgrade(ctx: CliContext) -> int:
    try:
        db = open_database(ctx.settings.database_url, create=True)
        applied = upgrade(db)
    except peewee.OperationalError as exc:
        raise StoreUnreachable("error.store_unreachable", detail=exc) from exc
    human = t("cli.db_upgraded", names=", ".join(applied)) if applied else t("cli.db_current")
    ctx.emit(human, {"applied": applied})
    return Exit.OK
