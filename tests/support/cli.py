"""The command line as a script uses it: a store with accounts, and the environment that signs
a command in (``FAPIAO_DATABASE_URL``, ``FAPIAO_USER``, a 0600 ``FAPIAO_PASSWORD_FILE``)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest

from storage.accounts.users import add_user
from storage.store.database import close_database, open_database
from storage.store.models import Role
from storage.store.schema import upgrade

PASSWORD = "secret"


def signed_in(store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
              users: Iterable[tuple[str, Role, str]], *, as_user: str = "clerk") -> str:  # fmt: skip
    """Migrate the store at ``store_url``, add ``users`` (name, role, branch; all with
    ``PASSWORD``) and sign every command of the test in as ``as_user``. (Migrating a store
    the ``store`` fixture made, as the tests here ask for, finds nothing to do.)"""
    close_database()  # the fixture's connection: the commands open their own
    upgrade(open_database(store_url))
    for name, role, branch in users:
        add_user(name, PASSWORD, role=role, branch=branch)
    close_database()
    secret = tmp_path / "password"
    secret.write_text(PASSWORD + "\n")
    secret.chmod(0o600)
    monkeypatch.setenv("FAPIAO_DATABASE_URL", store_url)
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", str(secret))
    monkeypatch.setenv("FAPIAO_USER", as_user)
    return store_url
