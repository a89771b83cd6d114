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

from storage.accounts.users import Session, authenticate
from storage.config.secret_files import read_secret_file
from storage.config.settings import Settings
from storage.messages import t
from storage.store.database import StoreUnreachable, open_database, sqlite_path
from storage.store.schema import upgrade
from tui.cli.errors import CliError


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
                except peewee.OperationalError as exc:
                    raise StoreUnreachable("error.store_unreachable", detail=exc) from exc
        assert self._db is not None
        return self._db

    def store_missing(self) -> bool:
        """True when the configured SQLite store's file does not exist (yet)."""
        path = None if self.demo else sqlite_path(self.settings.database_url)
        return path is not None and not path.exists()

    def username(self) -> str:
        name = self.args.user or os.environ.get("FAPIAO_USER") or _login_name()
        if not name:
            raise CliError("cli.no_user")
        return str(name)

    def password(self, username: str) -> str:
        path = os.environ.get("FAPIAO_PASSWORD_FILE")
        if path:
            return read_secret_file(path)
        if not sys.stdin.isatty():
            raise CliError("cli.no_terminal")
        return getpass.getpass(t("cli.password_prompt", user=username))

    def session(self) -> Session:
        """The authenticated acting user (asked once per run)."""
        if self._session is None:
            self.store()
            name = self.username()
            self._session = authenticate(name, self.password(name), demo_mode=self.demo)
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
