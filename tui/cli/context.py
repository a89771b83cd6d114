"""What every subcommand is handed: settings, the store, the acting user, and output."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import dataclass, field
from typing import Any

import peewee

from storage.accounts.users import AuthError, Session, authenticate
from storage.config.secret_files import SecretFileError, read_secret_file
from storage.config.settings import Settings
from storage.messages import both, t
from storage.store.database import StoreMissing, StoreUnreachable, open_database, sqlite_path
from storage.store.schema import upgrade
from tui.cli.errors import CliError, Exit


@dataclass
class CliContext:
    settings: Settings
    args: argparse.Namespace
    demo: bool = False
    _db: peewee.Database | None = field(default=None, repr=False)
    _session: Session | None = field(default=None, repr=False)

    @property
    def as_json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def store(self, *, create: bool = False) -> peewee.Database:
        """The store, opened once, with pending migrations applied. Only the first
        ``user add`` passes ``create``: every other command needs an existing store."""
        if self._db is None:
            if self.demo:
                from storage.demo.space import prepare_demo_store

                prepare_demo_store()
                from storage.store.database import database_proxy

                self._db = database_proxy.obj
            else:
                try:
                    self._db = open_database(self.settings.database_url, create=create)
                    upgrade(self._db)
                except StoreMissing as exc:
                    raise CliError(str(exc), Exit.UNREACHABLE) from exc
                except (StoreUnreachable, peewee.OperationalError) as exc:
                    raise CliError(
                        both("error.store_unreachable", detail=exc), Exit.UNREACHABLE
                    ) from exc
        assert self._db is not None
        return self._db

    def store_missing(self) -> bool:
        """True when the configured SQLite store's file does not exist (yet)."""
        path = None if self.demo else sqlite_path(self.settings.database_url)
        return path is not None and not path.exists()

    def username(self) -> str:
        name = self.args.user or os.environ.get("FAPIAO_USER") or _login_name()
        if not name:
            raise CliError(both("cli.no_user"), Exit.USAGE)
        return str(name)

    def password(self, username: str) -> str:
        path = os.environ.get("FAPIAO_PASSWORD_FILE")
        if path:
            try:
                return read_secret_file(path)
            except SecretFileError as exc:
                raise CliError(str(exc), Exit.USAGE) from exc
        if not sys.stdin.isatty():
            raise CliError(both("cli.no_terminal"), Exit.USAGE)
        return getpass.getpass(t("cli.password_prompt", user=username))

    def session(self) -> Session:
        """The authenticated acting user (asked once per run)."""
        if self._session is None:
            self.store()
            name = self.username()
            try:
                self._session = authenticate(name, self.password(name), demo_mode=self.demo)
            except AuthError as exc:
                raise CliError(str(exc), Exit.FAILED) from exc
        return self._session

    def emit(self, human: str, data: Any) -> None:
        """Print the human text, or with ``--json`` one JSON document."""
        if self.as_json:
            json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
            sys.stdout.write("\n")
        elif human:
            print(human)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""
