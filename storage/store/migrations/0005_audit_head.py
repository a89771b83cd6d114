"""The audit log's head: the newest entry's seq and hash, kept beside the chain so that
deleting the newest entries is caught too (a chain alone cannot tell a short log from a cut
one). It only moves forward; the database refuses anything else."""
from peewee import *


def up(migrator, db):
    class AuditHead(Model):
        seq = BigIntegerField()
        hash = CharField(max_length=64)

        class Meta:
            database = db
            table_name = 'audit_head'

    db.create_tables([AuditHead])
    if isinstance(db, PostgresqlDatabase):
        db.execute_sql(
            "CREATE FUNCTION audit_head_forward_only() RETURNS trigger AS $$ BEGIN "
            "IF TG_OP = 'DELETE' OR NEW.seq < OLD.seq THEN "
            "RAISE EXCEPTION 'audit head only moves forward'; END IF; RETURN NEW; END; "
            "$$ LANGUAGE plpgsql"
        )
        db.execute_sql(
            "CREATE TRIGGER audit_head_forward BEFORE UPDATE OR DELETE ON audit_head "
            "FOR EACH ROW EXECUTE FUNCTION audit_head_forward_only()"
        )
    else:
        db.execute_sql(
            "CREATE TRIGGER audit_head_no_back BEFORE UPDATE ON audit_head "
            "WHEN NEW.seq < OLD.seq BEGIN SELECT RAISE(ABORT, 'audit head only moves forward'); END"
        )
        db.execute_sql(
            "CREATE TRIGGER audit_head_no_delete BEFORE DELETE ON audit_head "
            "BEGIN SELECT RAISE(ABORT, 'audit head only moves forward'); END"
        )


def down(migrator, db):
    db.execute_sql('DROP TABLE audit_head')
