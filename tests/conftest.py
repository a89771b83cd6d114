"""Shared fixtures: a fresh store on SQLite and on a real PostgreSQL server, and settings.

The PostgreSQL cluster is a throwaway one started on 127.0.0.1 for the session
(``tests/support/pgcluster.py``), one per xdist worker, or the server named by ``FAPIAO_TEST_PG_URL``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest
from hypothesis import HealthCheck, settings

from storage.messages import set_language
from storage.store.database import close_database, open_database
from storage.store.schema import upgrade
from tests.support.paths import FIXTURES
from tests.support.pgcluster import pg_url_from_env_or_start

# Parallel workers on a shared 2-core machine: how fast Hypothesis draws its examples is not
# what any test here checks, and a slow draw is no failure.
settings.register_profile(
    "shared-machine", suppress_health_check=[HealthCheck.too_slow], deadline=None
)
settings.load_profile("shared-machine")


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


@pytest.fixture(scope="session", autouse=True)
def _debug_log_has_no_personal_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test logs at DEBUG through the app's handler; at the end of the run the log must
    hold no fixture name or tax id (SPEC: debug logs carry ids, never personal data)."""
    import logging

    from storage.demo.data import PLACES
    from tui.logs import configure_handler

    path = tmp_path_factory.mktemp("log") / "fapiao-test.log"
    handler = configure_handler(logging.FileHandler(path, encoding="utf-8"))
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    logging.getLogger("peewee").setLevel(logging.INFO)  # as the app does (tui/logs.py)
    logging.getLogger("fapiao.test").debug(
        "canary: buyer 北京华信商贸有限公司 91110105MA005AEF36 total 196.38"
    )
    yield
    root.removeHandler(handler)
    root.setLevel(old_level)
    handler.close()
    text = path.read_text(encoding="utf-8")
    samples = FIXTURES / "samples" / "uscc.txt"
    tax_ids = samples.read_text(encoding="utf-8").split()
    leaks = [w for w in [*tax_ids, *PLACES, "有限公司", "196.38"] if w in text]
    assert "canary" in text, "the test log was not written"
    assert leaks == [], f"personal data in the debug log {path}: {leaks}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """One PostgreSQL database per test process (xdist worker), stopped at its end."""
    url, stop = pg_url_from_env_or_start(os.environ.get("PYTEST_XDIST_WORKER", ""))
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
