"""The audit log: who did what, when, from which terminal — append-only and hash-chained.

Each entry's hash covers its fields and the previous entry's hash, so an edited, inserted or
deleted row breaks the chain at that point (``verify``). Entries are appended inside the
caller's write transaction, after taking the store's write lock (SQLite ``BEGIN IMMEDIATE``;
a transaction-scoped advisory lock on PostgreSQL), so concurrent terminals can't fork the chain.
Details carry ids and counts, never buyer names, tax ids or secrets.

The chain's end is kept twice: in the store (``AuditHead``, forward-only by trigger) and outside
it (``storage.audit.anchor``), so cutting the newest entries is named too. A store whose end
does not match its head refuses to append (``AuditTampered``): tampering is said as such, and
``verify`` runs before anything is appended. What this proves is in ``docs/audit.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from typing import Any

import peewee

from storage.audit import anchor as audit_anchor
from storage.messages import MessageError
from storage.store.database import after_commit, database_proxy, is_sqlite, write
from storage.store.models import BaseModel

log = logging.getLogger(__name__)

GENESIS = "0" * 64
_PG_LOCK_KEY = 0x66617069616F  # "fapiao": one advisory lock for the audit chain


class AuditEntry(BaseModel):
    seq = peewee.BigIntegerField(unique=True)
    at = peewee.CharField(max_length=40)
    username = peewee.CharField(max_length=50)
    action = peewee.CharField(max_length=40, index=True)
    target = peewee.CharField(max_length=200, default="")
    detail = peewee.TextField(default="")
    terminal = peewee.CharField(max_length=100, default="")
    ok = peewee.BooleanField(default=True)
    prev_hash = peewee.CharField(max_length=64)
    hash = peewee.CharField(max_length=64)


class AuditHead(BaseModel):
    """The newest entry (one row): what ``verify`` compares the end of the chain with."""

    seq = peewee.BigIntegerField()
    hash = peewee.CharField(max_length=64)


class AuditTampered(MessageError):
    """The log's end no longer matches its recorded head: entries were cut or added around the
    app. Nothing more is appended (every write audits, so nothing is written) until a
    supervisor has looked (``fapiao audit verify``)."""


def terminal_name() -> str:
    """The SSH client's address where there is one, else the tty, else the process."""
    ssh = os.environ.get("SSH_CONNECTION") or os.environ.get("SSH_CLIENT")
    if ssh:
        return f"ssh:{ssh.split()[0]}"
    try:
        return os.ttyname(0)
    except OSError:
        return f"pid:{os.getpid()}"


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def hashed_fields(row: dict[str, Any]) -> dict[str, Any]:
    """What of a stored row its hash covers (with the hash before it)."""
    get = row.__getitem__
    return {
        "seq": int(get("seq")), "at": get("at"), "username": get("username"),
        "action": get("action"), "target": get("target"), "detail": get("detail"),
        "terminal": get("terminal"), "ok": bool(get("ok")),
    }  # fmt: skip


def _append(username: str, action: str, target: str, detail: str, ok: bool) -> AuditEntry:
    if not is_sqlite():
        database_proxy.obj.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_LOCK_KEY,))
    last = (
        AuditEntry.select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).first()
    )
    head = AuditHead.select().first()
    if head is not None and (last is None or (last.seq, last.hash) != (head.seq, head.hash)):
        # said here, not as the head trigger's IntegrityError on the way out
        raise AuditTampered("audit.tampered", seq=min(head.seq, last.seq if last else 0) + 1)
    fields = {
        "seq": (last.seq + 1) if last else 1,
        "at": dt.datetime.now().astimezone().isoformat(timespec="microseconds"),
        "username": username, "action": action, "target": target[:200], "detail": detail,
        "terminal": terminal_name()[:100], "ok": ok,
    }  # fmt: skip
    prev = last.hash if last else GENESIS
    entry: AuditEntry = AuditEntry.create(**fields, prev_hash=prev, hash=entry_hash(prev, fields))
    if not AuditHead.update(seq=entry.seq, hash=entry.hash).execute():
        AuditHead.create(seq=entry.seq, hash=entry.hash)
    after_commit(_anchor_head)
    return entry


def _anchor_head() -> None:
    """After the commit: the head as committed goes to the anchor outside the store, unless
    the entry anchored before is gone or changed (then the old anchor stays, for ``verify``
    to name: a rewritten log must not wash the evidence away by growing past it)."""
    head = AuditHead.select().first()
    if head is None:
        return
    label = audit_anchor.store_label()
    known = audit_anchor.read(label)
    if known is not None and known.seq <= head.seq:
        anchored = AuditEntry.select(AuditEntry.hash).where(AuditEntry.seq == known.seq).first()
        if anchored is None or anchored.hash != known.hash:
            log.warning("audit log differs from its anchor at entry %d: anchor kept", known.seq)
            return
    audit_anchor.advance(label, audit_anchor.Anchor(head.seq, head.hash))


def record(
    username: str, action: str, *, target: str = "", ok: bool = True, **detail: Any
) -> AuditEntry:
    """Append one entry; joins the caller's write transaction if there is one."""
    text = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str) if detail else ""
    return write(lambda: _append(username, action, target, text, ok))


@dataclass(frozen=True)
class ChainProblem:
    seq: int  # the first entry that does not verify
    # "changed", "chain_broken" (the one before was altered, or this one inserted), "deleted",
    # "rewritten" (the chain verifies but differs from the end this machine anchored)
    reason: str


def verify(batch: int = 5000) -> tuple[int, ChainProblem | None]:
    """Walk the chain; returns (entries checked, the first problem or None)."""
    prev_hash, expected_seq, checked, after = GENESIS, 1, 0, 0
    while True:
        rows = list(
            AuditEntry.select().where(AuditEntry.seq > after).order_by(AuditEntry.seq)
            .limit(batch).dicts()
        )  # fmt: skip
        if not rows:
            last_seq = expected_seq - 1
            return checked, _check_head(last_seq, prev_hash) or _check_anchor(last_seq)
        for row in rows:
            if row["seq"] != expected_seq:
                return checked, ChainProblem(expected_seq, "deleted")
            if row["prev_hash"] != prev_hash:
                return checked, ChainProblem(row["seq"], "chain_broken")
            if entry_hash(prev_hash, hashed_fields(row)) != row["hash"]:
                return checked, ChainProblem(row["seq"], "changed")
            prev_hash, expected_seq, checked = row["hash"], expected_seq + 1, checked + 1
        after = rows[-1]["seq"]


def _check_head(last_seq: int, last_hash: str) -> ChainProblem | None:
    """The chain's end against the head: newest entries deleted, or added around the app."""
    head = AuditHead.select().first()
    if head is None or (head.seq == last_seq and head.hash == last_hash):
        return None
    if head.seq > last_seq:
        return ChainProblem(last_seq + 1, "deleted")
    return ChainProblem(min(last_seq, head.seq + 1), "chain_broken")


def _check_anchor(last_seq: int) -> ChainProblem | None:
    """The chain against the end anchored outside the store (``storage.audit.anchor``)."""
    anchor = audit_anchor.read()
    if anchor is None:
        return None
    if anchor.seq > last_seq:
        return ChainProblem(last_seq + 1, "deleted")
    entry = AuditEntry.select(AuditEntry.hash).where(AuditEntry.seq == anchor.seq).first()
    if entry is None or entry.hash != anchor.hash:
        return ChainProblem(anchor.seq, "rewritten")
    return None
