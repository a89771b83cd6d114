"""Shared fixtures: a fresh store on SQLite and on a real PostgreSQL server, and settings.

The PostgreSQL cluster is a throwaway one started on 127.0.0.1 for the session
(``tests/support/pgcluster.py``), one per xdist worker, or the server named by ``FAPIAO_TEST_PG_URL``.
"""

from __future__ import annotations

import gc
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import peewee
import pytest
from argon2 import PasswordHasher
from hypothesis import HealthCheck, settings

from storage.accounts import users
from storage.backup import keys
from storage.messages import set_language
from storage.store.database import close_database, open_database
from storage.store.schema import upgrade
from tests.support.paths import FIXTURES, SHARED_DIR_ENV
from tests.support.pgcluster import ENV_URL, pg_url_from_env_or_start, start_cluster

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
    for name in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(name, raising=False)  # all of them under the test's own home
    set_language("zh")
    yield
    set_language("zh")
    # A test's ``monkeypatch.undo()`` undoes the above too: what it wrote after went to the
    # real data directory (two did, into the developer's own audit anchor).
    assert os.environ.get("FAPIAO_DATA_DIR") == str(tmp_path / "data"), (
        "the test undid its isolation; patch in a pytest.MonkeyPatch.context() instead"
    )


@pytest.fixture(autouse=True)
def _quick_hashing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at the app's own settings costs ~50 ms a password and ~300 ms a backup key, and
    this suite hashes thousands of times without checking the cost: here, in-process, both use
    argon2's smallest. Each hash and each key file carries its own parameters, so everything
    else works as it does for a user. The settings themselves are checked by the tests marked
    ``real_hashing`` and are what every installed ``fapiao`` the tests start uses."""
    if request.node.get_closest_marker("real_hashing") is not None:
        return
    monkeypatch.setattr(users, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
    monkeypatch.setattr(keys, "KDF_PARAMS", {**keys.KDF_PARAMS, "time_cost": 1, "memory_kib": 16})


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
    leaks = [w for w in [*tax_ids, *PLACES, "有限公司"] if w in text]
    # The amount as an amount: a message id's "…30196.3821…" (a pid, then a random number, in
    # the test mail server's log) is not one.
    leaks += re.findall(r"(?<![\d.])196\.380*(?!\d)", text)
    assert "canary" in text, "the test log was not written"
    assert leaks == [], f"personal data in the debug log {path}: {leaks}"


@pytest.fixture(scope="session")
def pg_url() -> Iterator[str]:
    """One PostgreSQL database per test process (xdist worker), on the run's one cluster."""
    url, stop = pg_url_from_env_or_start(os.environ.get("PYTEST_XDIST_WORKER", ""), _SHARED_PG)
    yield url
    if stop is not None:
        stop()


def pytest_configure(config: pytest.Config) -> None:
    """Parallel runs share what costs to make: one PostgreSQL cluster, started here in the
    controlling process (each worker makes a database of its own on it), and a folder for
    the demo store, seeded once by the first worker to need it (``tests/support/tui.py``)."""
    parallel = getattr(config.option, "numprocesses", None)
    if hasattr(config, "workerinput") or not parallel:
        return
    shared = tempfile.mkdtemp(prefix="fapiao-test-run-")
    os.environ[SHARED_DIR_ENV] = shared  # the workers, started after this, inherit it
    _SHARED_CLEANUP.append(lambda: shutil.rmtree(shared, ignore_errors=True))
    if os.environ.get(ENV_URL):
        return
    if config.option.markexpr.strip() == "not postgres":
        return
    cluster = start_cluster()
    os.environ[ENV_URL] = cluster.url
    _SHARED_CLEANUP.append(cluster.stop)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The few long tests go first, so that the parallel run does not end waiting on one of
    them started last (the order within each group is kept)."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


def pytest_collection_finish(session: pytest.Session) -> None:
    """What is alive once the tests are collected (the modules, Textual, the fixtures'
    definitions) stays alive to the end: the garbage collector stops walking it, and runs
    less often (each app a test starts leaves thousands of objects; a collection of the
    oldest generation walked all of them, a tenth of a Pilot test's CPU)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 50)


def pytest_unconfigure(config: pytest.Config) -> None:
    while _SHARED_CLEANUP:
        _SHARED_CLEANUP.pop()()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL to an empty store (no tables), or, when the test also asks for ``store``, the
    store that fixture makes there: the test runs once per database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    url: str = request.getfixturevalue("pg_url")
    if "store" in request.fixturenames:
        return url  # ``store`` empties it, keeping the schema when it can
    _drop_everything(url)
    return url


@pytest.fixture(scope="session")
def migrated_sqlite_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite store per test process, which each test's store is a copy of."""
    path = tmp_path_factory.mktemp("migrated") / "store.db"
    db = open_database(f"sqlite:///{path}")
    upgrade(db)
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # the whole store in the one file
    close_database()
    return path


@pytest.fixture
def store(store_url: str, migrated_sqlite_file: Path) -> Iterator[peewee.Database]:
    """The store at ``store_url``, open, migrated and bound to the models."""
    if store_url.startswith("sqlite:"):
        shutil.copy(migrated_sqlite_file, store_url.removeprefix("sqlite:///"))
        db = open_database(store_url)
    else:
        db = _emptied_postgres(store_url)
    assert upgrade(db) == []
    yield db
    close_database()


@pytest.fixture
def sqlite_store(tmp_path: Path, migrated_sqlite_file: Path) -> Iterator[peewee.Database]:
    """A SQLite-only store, for tests of SQLite behaviour (WAL, locking)."""
    shutil.copy(migrated_sqlite_file, tmp_path / "store.db")
    db = open_database(f"sqlite:///{tmp_path / 'store.db'}")
    assert upgrade(db) == []
    yield db
    close_database()


# Every store test starts from a freshly migrated store. Running the migrations each time cost
# 40 ms on SQLite and 250 ms on PostgreSQL, for hundreds of tests: SQLite stores are copies of
# one migrated file; a PostgreSQL store keeps the schema the migrations made and loses its rows,
# unless the test before changed the schema (then it is dropped and migrated again).
_SHARED_PG: str | None = os.environ.get(ENV_URL) or None  # read before tests clear FAPIAO_*
_SHARED_CLEANUP: list[Callable[[], None]] = []  # the controlling process's, at its end


@dataclass(frozen=True)
class _Migrated:
    fingerprint: str  # the schema's, right after migrating
    tables: tuple[str, ...]  # its tables but the migration history


_PG_MIGRATED: dict[str, _Migrated] = {}  # by url


def _drop_everything(url: str) -> None:
    db = open_database(url)
    db.execute_sql("DROP SCHEMA public CASCADE")
    db.execute_sql("CREATE SCHEMA public")
    close_database()


# Read from the catalogues themselves: information_schema's views cost a fresh connection
# (one a test) twice as much, 20-40 ms.
_FINGERPRINT_SQL = """
SELECT md5(string_agg(line, E'\\n' ORDER BY line)) FROM (
  SELECT concat_ws(' ', c.relname, c.relkind, a.attname, format_type(a.atttypid, a.atttypmod),
                   a.attnotnull, pg_get_expr(d.adbin, d.adrelid)) AS line
    FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'public'::regnamespace AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL SELECT pg_get_indexdef(indexrelid) FROM pg_index
    WHERE indrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'public'::regnamespace)
  UNION ALL SELECT concat_ws(' ', tgrelid::regclass::text, tgname, tgenabled, tgfoid::regproc::text)
    FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL SELECT concat_ws(' ', proname, md5(prosrc)) FROM pg_proc
    WHERE pronamespace = 'public'::regnamespace
  UNION ALL SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
    WHERE connamespace = 'public'::regnamespace
  UNION ALL SELECT name FROM schema_migration
) AS schema_lines
"""


def _fingerprint(db: peewee.Database) -> str | None:
    try:
        with db.atomic():
            row = db.execute_sql(_FINGERPRINT_SQL).fetchone()
    except peewee.DatabaseError:
        return None  # no history table: not a migrated store
    return row[0] if row else None


def _emptied_postgres(url: str) -> peewee.Database:
    """The migrated schema with no rows in it (sequences restarted)."""
    db = open_database(url)
    migrated = _PG_MIGRATED.get(url)
    if migrated is not None and _fingerprint(db) == migrated.fingerprint:
        with db.atomic():
            # Past the append-only triggers, as a restore would be (the cluster's superuser).
            db.execute_sql("SET LOCAL session_replication_role = replica")
            db.execute_sql("; ".join(f'DELETE FROM "{table}"' for table in migrated.tables))
            # setval, not ALTER SEQUENCE … RESTART: that rewrites each sequence and its catalogue row
            db.execute_sql("SELECT setval(quote_ident(sequencename)::regclass, start_value, false) "
                           "FROM pg_sequences WHERE schemaname = 'public'")  # fmt: skip
        return db
    close_database()
    _drop_everything(url)
    db = open_database(url)
    upgrade(db)
    fingerprint = _fingerprint(db)
    if fingerprint is not None:
        tables = [row[0] for row in db.execute_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> 'schema_migration'").fetchall()]  # fmt: skip
        _PG_MIGRATED[url] = _Migrated(fingerprint, tuple(tables))
    return db
