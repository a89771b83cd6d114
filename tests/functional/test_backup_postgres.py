"""PostgreSQL stores: pg_dump into the same encrypted container, verify and restore on the
real server; incrementals are PostgreSQL's own WAL archiving."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest

from storage.backup import pg_backup, service
from storage.backup.errors import BackupUsageError
from storage.store.database import close_database, open_database
from storage.store.models import Invoice
from storage.store.schema import upgrade
from tests.support.backup import BOSS, PASSPHRASE, fill, settings_for

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[peewee.Database]:
    db = open_database(pg_url)
    db.execute_sql("DROP SCHEMA public CASCADE")
    db.execute_sql("CREATE SCHEMA public")
    upgrade(db)
    yield db
    close_database()


def test_full_backup_verify_and_restore_into_a_scratch_database(
    pg_store: peewee.Database, pg_url: str, tmp_path: Path
) -> None:
    fill(800)
    settings = settings_for(pg_url, tmp_path / "backups")
    count = Invoice.select().count()
    entry = service.backup_now(BOSS, "auto", settings=settings, passphrase=PASSPHRASE).entry
    assert entry.engine == "postgresql" and entry.kind == "full"
    assert entry.row_counts["invoice"] == count
    assert b"PGDMP" not in (Path(settings.backup_dir) / entry.file).read_bytes()  # encrypted
    result = service.verify(BOSS, entry.id, settings=settings, passphrase=PASSPHRASE)[0]
    assert result.ok, result.problem
    assert service.list_backups(settings)[0].verified_ok is True

    server = pg_backup.PgTarget.of(pg_store)
    with pg_backup.scratch_database(server) as scratch:
        url = f"postgresql://{scratch.user}@{scratch.host}:{scratch.port}/{scratch.dbname}"
        service.restore(BOSS, entry.id, to=url, settings=settings, passphrase=PASSPHRASE)
        assert pg_backup.counts_of(scratch)["invoice"] == count
        with scratch.connect() as conn:
            number = conn.execute("SELECT number FROM invoice ORDER BY id LIMIT 1").fetchone()
        assert number == (Invoice.select().order_by(Invoice.id).first().number,)


def test_incremental_on_postgresql_points_to_wal_archiving(
    pg_store: peewee.Database, pg_url: str, tmp_path: Path
) -> None:
    settings = settings_for(pg_url, tmp_path / "backups")
    with pytest.raises(BackupUsageError, match="WAL"):
        service.backup_now(BOSS, "incremental", settings=settings, passphrase=PASSPHRASE)
    assert not Path(settings.backup_dir).exists()


def test_restore_to_the_live_database_by_url_is_refused(
    pg_store: peewee.Database, pg_url: str, tmp_path: Path
) -> None:
    fill(50)
    settings = settings_for(pg_url, tmp_path / "backups")
    entry = service.backup_now(BOSS, "auto", settings=settings, passphrase=PASSPHRASE).entry
    first = Invoice.select().order_by(Invoice.id).first()
    Invoice.update(status="void").where(Invoice.id == first.id).execute()  # after the backup
    with pytest.raises(BackupUsageError, match="就是当前数据库"):
        service.restore(BOSS, entry.id, to=pg_url, settings=settings, passphrase=PASSPHRASE)
    assert Invoice.get_by_id(first.id).status == "void"  # nothing was rolled back
