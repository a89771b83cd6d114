"""How far the store has read each disk's invoice records (``fapiao sync`` resumes there).

Keyed by the disk's device id: two disks (a replaced one, another branch's) never mix their
record numbers.
"""

from __future__ import annotations

import datetime as dt

import peewee

from storage.store.database import is_sqlite
from storage.store.models import BaseModel


class DiskSync(BaseModel):
    device_id = peewee.CharField(max_length=32, primary_key=True)
    last_seq = peewee.IntegerField(default=0)
    synced_at = peewee.DateTimeField(null=True)


def last_synced_seq(device_id: str) -> int:
    row = DiskSync.get_or_none(DiskSync.device_id == device_id)
    return int(row.last_seq) if row is not None else 0


def record_synced_seq(device_id: str, last_seq: int, *, restart: bool = False) -> None:
    """Must run inside the write transaction that saved the records up to ``last_seq``.

    The position only moves forward (two terminals syncing at once can't wind it back),
    except on ``restart``: the disk was reset and is being read again from the start.
    """
    now = dt.datetime.now().replace(microsecond=0)
    new_seq = last_seq if restart else peewee.fn.MAX(DiskSync.last_seq, last_seq)
    if not restart and not is_sqlite():
        new_seq = peewee.fn.GREATEST(DiskSync.last_seq, last_seq)  # PostgreSQL's two-value max
    updated = (
        DiskSync.update(last_seq=new_seq, synced_at=now)
        .where(DiskSync.device_id == device_id)
        .execute()
    )
    if not updated:
        DiskSync.insert(device_id=device_id, last_seq=last_seq, synced_at=now).execute()
