"""Shared fixtures: a fresh store on SQLite and on a real PostgreSQL server, and settings.

The PostgreSQL cluster is a throwaway one started on 127.0.0.1 for the session
(``tests/pgcluster.py``), or the server named by ``FAPIAO_TEST_PG_URL``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pgcluster import pg_url_from_env_or_start

from storage.database import close_database, open_database
from storage.messages import set_language
from storage.schema import upgrade


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data dir, no config file, Chinese, and no stray FAPIAO_ env."""
    for name in list(os.environ):
        if name.startswith("FAPIAO_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("FAPIAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("FAPIAO_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    url, stop = pg_url_from_env_or_start()
    yield url
    if stop is not None:
        stop()


def _reset_postgres(url: str) -> None:
    db = open_database(url)
    db.execute_sql("DROP SCHEMA public CASCADE")
    db.execute_sql("CREATE SCHEMA public")
    close_database()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to an empty, migrated store: the test runs once per database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("pg_url")
    _reset_postgres(url)
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[peewee.Database]:
    """The store at ``store_url``, open, migrated and bound to the models."""
    db = open_database(store_url)
    upgrade(db)
    yield db
    close_database()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[peewee.Database]:
    """A SQLite-only store, for tests of SQLite behaviour (WAL, locking)."""
    db = open_database(f"sqlite:///{tmp_path / 'store.db'}")
    upgrade(db)
    yield db
    close_database()
