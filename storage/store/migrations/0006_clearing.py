"""clearing: the clearing journal (clear_run, clear_step), the one-clear-per-disk lock and the
periods a clear has closed (storage/clearing/journal.py)."""
from peewee import *


def up(migrator, db):
    class ClearRun(Model):
        device_id = CharField(max_length=32, index=True)
        period = CharField(max_length=7)
        kind = CharField(max_length=16)
        types = TextField(default="[]")
        reason = TextField(default="")
        state = CharField(max_length=16)
        started_by = CharField(max_length=50)
        confirmed_by = CharField(max_length=50, default="")
        terminal = CharField(max_length=100, default="")
        started_at = DateTimeField()
        finished_at = DateTimeField(null=True)
        backup_id = CharField(max_length=64, default="")
        scan = TextField(default="{}")
        results = TextField(default="[]")
        disk_log = TextField(default="[]")
        error = CharField(max_length=32, default="")
        message = TextField(default="")
        retry_of = IntegerField(null=True)

        class Meta:
            database = db
            table_name = 'clear_run'

    class ClearStep(Model):
        device_id = CharField(max_length=32, index=True)
        period = CharField(max_length=7)
        run_id = IntegerField(null=True, index=True)
        cmd = CharField(max_length=16)
        txn = CharField(max_length=64, default="")
        params = TextField(default="{}")
        state = CharField(max_length=16, index=True)
        username = CharField(max_length=50)
        sent_at = DateTimeField()
        finished_at = DateTimeField(null=True)
        results = TextField(default="[]")
        error = CharField(max_length=32, default="")
        message = TextField(default="")
        note = TextField(default="")

        class Meta:
            database = db
            table_name = 'clear_step'

    class ClearLock(Model):
        device_id = CharField(max_length=32, primary_key=True)
        holder = CharField(max_length=50)
        terminal = CharField(max_length=100, default="")
        host = CharField(max_length=100, default="")
        pid = IntegerField(default=0)
        since = DateTimeField()
        heartbeat = DateTimeField()
        cmd = CharField(max_length=16, default="")

        class Meta:
            database = db
            table_name = 'clear_lock'

    class ClosedPeriod(Model):
        device_id = CharField(max_length=32)
        period = CharField(max_length=7)
        type = CharField(max_length=3)
        run_id = IntegerField()
        closed_at = DateTimeField()

        class Meta:
            database = db
            table_name = 'closed_period'
            primary_key = CompositeKey('device_id', 'period', 'type')

    db.create_tables([ClearRun, ClearStep, ClearLock, ClosedPeriod])


def down(migrator, db):
    for table in ('closed_period', 'clear_lock', 'clear_step', 'clear_run'):
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"')
