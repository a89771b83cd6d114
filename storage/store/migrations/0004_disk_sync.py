"""disk_sync: the last invoice record read from each disk (storage/store/sync_state.py)."""
from peewee import *


def up(migrator, db):
    class DiskSync(Model):
        device_id = CharField(max_length=32, primary_key=True)
        last_seq = IntegerField(default=0)
        synced_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'disk_sync'
    db.create_tables([DiskSync])


def down(migrator, db):
    db.execute_sql('DROP TABLE IF EXISTS "disk_sync"')
