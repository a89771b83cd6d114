"""The audit log: append-only, hash-chained (storage/audit/chain.py).

The database itself refuses UPDATE and DELETE on it (triggers), so neither the app nor a
careless admin's SQL can rewrite history; ``fapiao audit verify`` catches the rest.
"""
from peewee import *


def up(migrator, db):
    class AuditEntry(Model):
        seq = BigIntegerField(unique=True)
        at = CharField(max_length=40)
        username = CharField(max_length=50)
        action = CharField(max_length=40, index=True)
        target = CharField(max_length=200, default='')
        detail = TextField(default='')
        terminal = CharField(max_length=100, default='')
        ok = BooleanField(default=True)
        prev_hash = CharField(max_length=64)
        hash = CharField(max_length=64)

        class Meta:
            database = db
            table_name = 'audit_entry'

    db.create_tables([AuditEntry])
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(
            "CREATE FUNCTION audit_entry_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION 'audit log is append-only'; END; $$ LANGUAGE plpgsql"
        )
        db.execute_sql(
            "CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry "
            "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only()"
        )
    else:
        for event in ('UPDATE', 'DELETE'):
            db.execute_sql(
                f"CREATE TRIGGER audit_entry_no_{event.lower()} BEFORE {event} ON audit_entry "
                "BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END"
            )


def down(migrator, db):
    db.execute_sql('DROP TABLE audit_entry')
