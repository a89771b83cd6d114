"""The clearing journal: every disk-changing step is written here, committed, before it is sent.

``ClearStep`` is one command sent to the disk (UPLOAD, REPORT, CLEAR) with its txn id made up
front; ``ClearRun`` is one clear as the history shows it (who started, who confirmed, the scan
as it was, the backup, per-type results, the disk's own log). A step left ``sending`` by a
crash or a cut link is settled later from the disk's ``TXN`` answer (``devices.clearing``),
never by sending a new txn blindly.

``ClearLock`` makes one clear at a time per disk across every terminal sharing the store: the
row names who holds it, from which terminal and since when. A holder that died (same host and
its process gone, or silent past ``LOCK_STALE``) no longer blocks anyone.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import peewee

from storage.audit.chain import terminal_name
from storage.local_process import alive
from storage.store.database import write
from storage.store.models import BaseModel

#: A lock whose holder has not been heard of for this long is stale (a long command runs at
#: most 120 s, and the holder refreshes the lock on every progress event).
LOCK_STALE = dt.timedelta(seconds=180)
HEARTBEAT_EVERY = dt.timedelta(seconds=5)


class StepState:
    SENDING = "sending"  # journaled, maybe sent: the disk's TXN decides
    DONE = "done"  # the disk answered with results
    REFUSED = "refused"  # the disk refused it whole (ERR): nothing ran
    NEVER_RAN = "never_ran"  # TXN said unknown after a crash: it never ran
    INTERRUPTED = "interrupted"  # an UPLOAD cut short (no txn): see the note


class RunState:
    RUNNING = "running"
    DONE = "done"  # every targeted type cleared
    PARTIAL = "partial"  # some types cleared, some failed
    FAILED = "failed"  # no type cleared
    REFUSED = "refused"  # the disk refused the clear whole
    INTERRUPTED = "interrupted"  # crashed before the disk ran it (TXN: unknown)


FINISHED_RUN_STATES = (RunState.DONE, RunState.PARTIAL, RunState.FAILED, RunState.REFUSED,
                       RunState.INTERRUPTED)  # fmt: skip


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class ClearRun(BaseModel):
    device_id = peewee.CharField(max_length=32, index=True)
    period = peewee.CharField(max_length=7)
    kind = peewee.CharField(max_length=16)
    types = peewee.TextField(default="[]")  # the types asked for (JSON)
    reason = peewee.TextField(default="")
    state = peewee.CharField(max_length=16)
    started_by = peewee.CharField(max_length=50)
    confirmed_by = peewee.CharField(max_length=50, default="")
    terminal = peewee.CharField(max_length=100, default="")
    started_at = peewee.DateTimeField()
    finished_at = peewee.DateTimeField(null=True)
    backup_id = peewee.CharField(max_length=64, default="")
    scan = peewee.TextField(default="{}")  # the summary and cross-check as they were (JSON)
    results = peewee.TextField(default="[]")  # per type (JSON)
    disk_log = peewee.TextField(default="[]")  # the disk's LOG entries of this txn (JSON)
    error = peewee.CharField(max_length=32, default="")
    message = peewee.TextField(default="")
    retry_of = peewee.IntegerField(null=True)

    class Meta:
        table_name = "clear_run"


class ClearStep(BaseModel):
    device_id = peewee.CharField(max_length=32, index=True)
    period = peewee.CharField(max_length=7)
    run_id = peewee.IntegerField(null=True, index=True)
    cmd = peewee.CharField(max_length=16)
    txn = peewee.CharField(max_length=64, default="")
    params = peewee.TextField(default="{}")
    state = peewee.CharField(max_length=16, index=True)
    username = peewee.CharField(max_length=50)
    sent_at = peewee.DateTimeField()
    finished_at = peewee.DateTimeField(null=True)
    results = peewee.TextField(default="[]")
    error = peewee.CharField(max_length=32, default="")
    message = peewee.TextField(default="")
    note = peewee.TextField(default="")

    class Meta:
        table_name = "clear_step"


class ClearLock(BaseModel):
    device_id = peewee.CharField(max_length=32, primary_key=True)
    holder = peewee.CharField(max_length=50)
    terminal = peewee.CharField(max_length=100, default="")
    host = peewee.CharField(max_length=100, default="")
    pid = peewee.IntegerField(default=0)
    since = peewee.DateTimeField()
    heartbeat = peewee.DateTimeField()
    cmd = peewee.CharField(max_length=16, default="")

    class Meta:
        table_name = "clear_lock"


class ClosedPeriod(BaseModel):
    """A period a clear closed for one type: the invoices stay as they were, searchable."""

    device_id = peewee.CharField(max_length=32)
    period = peewee.CharField(max_length=7)
    type = peewee.CharField(max_length=3)
    run_id = peewee.IntegerField()
    closed_at = peewee.DateTimeField()

    class Meta:
        table_name = "closed_period"
        primary_key = peewee.CompositeKey("device_id", "period", "type")


MODELS: tuple[type[BaseModel], ...] = (ClearRun, ClearStep, ClearLock, ClosedPeriod)


def dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def load(text: str) -> Any:
    return json.loads(text) if text else None


# -- the lock ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LockHolder:
    username: str
    terminal: str
    since: dt.datetime
    cmd: str
    mine: bool


def _this_process() -> tuple[str, int]:
    return socket.gethostname()[:100], os.getpid()


def _stale(lock: ClearLock, now: dt.datetime) -> bool:
    host, pid = _this_process()
    if lock.host == host and lock.pid == pid:
        return False
    if lock.host == host and not alive(int(lock.pid)):
        return True
    return bool(now - lock.heartbeat > LOCK_STALE)


def _holder(lock: ClearLock) -> LockHolder:
    host, pid = _this_process()
    return LockHolder(lock.holder, lock.terminal, lock.since, lock.cmd,
                      mine=lock.host == host and lock.pid == pid)  # fmt: skip


def lock_holder(device_id: str) -> LockHolder | None:
    """Who is clearing this disk now (a live holder), or None."""
    lock = ClearLock.get_or_none(ClearLock.device_id == device_id)
    if lock is None or _stale(lock, _now()):
        return None
    return _holder(lock)


def take_lock(device_id: str, username: str, cmd: str) -> LockHolder | None:
    """Take the disk's clearing lock; returns the other live holder instead when there is
    one. Must run inside a write transaction (the caller's)."""
    now = _now()
    host, pid = _this_process()
    lock = ClearLock.get_or_none(ClearLock.device_id == device_id)
    if lock is not None and not _stale(lock, now) and not _holder(lock).mine:
        return _holder(lock)
    fields = {"holder": username, "terminal": terminal_name()[:100], "host": host, "pid": pid,
              "since": now, "heartbeat": now, "cmd": cmd}  # fmt: skip
    if lock is None:
        ClearLock.create(device_id=device_id, **fields)
    else:
        ClearLock.update(**fields).where(ClearLock.device_id == device_id).execute()
    return None


def release_lock(device_id: str) -> None:
    """Drop the lock if this process holds it (inside the caller's write transaction)."""
    host, pid = _this_process()
    ClearLock.delete().where((ClearLock.device_id == device_id) & (ClearLock.host == host)
                             & (ClearLock.pid == pid)).execute()  # fmt: skip


def heartbeat(device_id: str) -> None:
    host, pid = _this_process()

    def beat() -> None:
        ClearLock.update(heartbeat=_now()).where(
            (ClearLock.device_id == device_id) & (ClearLock.host == host) & (ClearLock.pid == pid)
        ).execute()

    write(beat)


# -- steps ---------------------------------------------------------------------------------


def open_step(device_id: str, period: str, cmd: str, txn: str, params: dict[str, Any],
              username: str, run_id: int | None = None) -> ClearStep:  # fmt: skip
    """Journal a step as ``sending``; the caller commits before the command goes out."""
    step: ClearStep = ClearStep.create(
        device_id=device_id, period=period, run_id=run_id, cmd=cmd, txn=txn, params=dump(params),
        state=StepState.SENDING, username=username, sent_at=_now())  # fmt: skip
    return step


def close_step(step_id: int, state: str, *, results: Sequence[dict[str, Any]] = (),
               error: str = "", message: str = "", note: str = "") -> None:  # fmt: skip
    ClearStep.update(state=state, results=dump(list(results)), error=error, message=message,
                     note=note, finished_at=_now()).where(ClearStep.id == step_id).execute()  # fmt: skip


def unsettled_steps(device_id: str | None = None) -> list[ClearStep]:
    """Steps a crash or a cut link left without an answer, oldest first."""
    query = ClearStep.select().where(ClearStep.state == StepState.SENDING)
    if device_id is not None:
        query = query.where(ClearStep.device_id == device_id)
    return list(query.order_by(ClearStep.id))


# -- runs ----------------------------------------------------------------------------------


def open_run(*, device_id: str, period: str, kind: str, types: Sequence[str], reason: str,
             started_by: str, confirmed_by: str, backup_id: str, scan: dict[str, Any],
             retry_of: int | None = None) -> ClearRun:  # fmt: skip
    run: ClearRun = ClearRun.create(
        device_id=device_id, period=period, kind=kind, types=dump(list(types)), reason=reason,
        state=RunState.RUNNING, started_by=started_by, confirmed_by=confirmed_by,
        terminal=terminal_name()[:100], started_at=_now(), backup_id=backup_id, scan=dump(scan),
        retry_of=retry_of)  # fmt: skip
    return run


def close_run(run_id: int, state: str, *, results: Sequence[dict[str, Any]] = (),
              error: str = "", message: str = "") -> None:  # fmt: skip
    ClearRun.update(state=state, results=dump(list(results)), error=error, message=message,
                    finished_at=_now()).where(ClearRun.id == run_id).execute()  # fmt: skip


def record_disk_log(run_id: int, entries: Sequence[dict[str, Any]]) -> None:
    ClearRun.update(disk_log=dump(list(entries))).where(ClearRun.id == run_id).execute()


def close_periods(device_id: str, period: str, types: Sequence[str], run_id: int) -> None:
    now = _now()
    for code in types:
        ClosedPeriod.insert(device_id=device_id, period=period, type=code, run_id=run_id,
                            closed_at=now).on_conflict_ignore().execute()  # fmt: skip


def closed_types(device_id: str, period: str) -> set[str]:
    rows = ClosedPeriod.select(ClosedPeriod.type).where(
        (ClosedPeriod.device_id == device_id) & (ClosedPeriod.period == period)
    )
    return {row.type for row in rows}


def runs(*, device_id: str | None = None, period: str | None = None, state: str | None = None,
         username: str | None = None, limit: int = 500) -> list[ClearRun]:  # fmt: skip
    """The clearing history, newest first, filtered."""
    query = ClearRun.select()
    if device_id:
        query = query.where(ClearRun.device_id == device_id)
    if period:
        query = query.where(ClearRun.period == period)
    if state:
        query = query.where(ClearRun.state == state)
    if username:
        query = query.where((ClearRun.started_by == username) | (ClearRun.confirmed_by == username))
    return list(query.order_by(ClearRun.id.desc()).limit(limit))


def steps_of(device_id: str, period: str) -> list[ClearStep]:
    return list(ClearStep.select().where((ClearStep.device_id == device_id)
                                         & (ClearStep.period == period)).order_by(ClearStep.id))  # fmt: skip
