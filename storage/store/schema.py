"""Schema migrations with peewee's own runner (``playhouse.migrations``): ``fapiao db upgrade``."""

from __future__ import annotations

from pathlib import Path

import peewee
from playhouse.migrations import Runner

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
HISTORY_TABLE = "schema_migration"


def runner(db: peewee.Database) -> Runner:
    return Runner(db, directory=str(MIGRATIONS_DIR), table_name=HISTORY_TABLE)


def pending(db: peewee.Database) -> list[str]:
    r = runner(db)
    applied = r.applied()
    return [m.name for m in r.migrations() if m.name not in applied]


def upgrade(db: peewee.Database) -> list[str]:
    """Apply every pending migration in order; returns the names applied."""
    todo = pending(db)
    if todo:
        runner(db).up()
    return todo
