"""Reading the audit log for the auditor's screen: filtered, newest first, a page at a time.

Only roles with ``READ_AUDIT`` (auditor, supervisor) may read it; a refusal is audited by
``storage.accounts.permissions`` like any other.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from storage.accounts.permissions import Permission, require
from storage.accounts.users import Session
from storage.audit import chain as audit
from storage.audit.chain import AuditEntry, AuditTampered, ChainProblem

PAGE = 200

#: Every action the app records (the screen names them; the filter matches these).
KNOWN_ACTIONS = (
    "login", "denied", "user.add", "user.passwd", "user.role", "user.unlock", "import",
    "export", "sync", "backup.create", "backup.verify", "backup.restore", "backup.prune",
    "backup.create.start", "backup.verify.start", "backup.restore.start",
    "backup.key_rotate", "backup.key_destroy", "backup.passphrase_change", "backup.passphrase_set",
    "approve", "clear", "settings", "mark",
)  # fmt: skip


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""  # exact; "" for anyone
    actions: tuple[str, ...] | None = None  # None for any action
    since: dt.date | None = None  # from this day on (the entry's own local date)
    until: dt.date | None = None  # up to and including this day
    refused_only: bool = False


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: str  # ISO time with the terminal's offset
    username: str
    action: str
    target: str
    detail: str  # JSON of ids and counts
    terminal: str
    ok: bool


def read_page(
    session: Session, where: AuditFilter, *, before_seq: int | None = None, limit: int = PAGE
) -> list[AuditRow]:
    """Up to ``limit`` entries matching ``where``, newest first, older than ``before_seq``."""
    require(session, Permission.READ_AUDIT)
    query = AuditEntry.select()
    if before_seq is not None:
        query = query.where(AuditEntry.seq < before_seq)
    if where.username:
        query = query.where(AuditEntry.username == where.username)
    if where.actions is not None:
        query = query.where(AuditEntry.action.in_(list(where.actions)))
    # ``at`` is ISO text starting with the local date, so dates compare as text
    if where.since is not None:
        query = query.where(AuditEntry.at >= where.since.isoformat())
    if where.until is not None:
        query = query.where(AuditEntry.at < (where.until + dt.timedelta(days=1)).isoformat())
    if where.refused_only:
        query = query.where(AuditEntry.ok == False)  # noqa: E712 (peewee expression)
    rows = query.order_by(AuditEntry.seq.desc()).limit(limit)
    return [
        AuditRow(r.seq, r.at, r.username, r.action, r.target, r.detail, r.terminal, bool(r.ok))
        for r in rows
    ]


def verify_chain(session: Session) -> tuple[int, ChainProblem | None]:
    """Walk the hash chain (``audit.verify``) for a reader of the log."""
    require(session, Permission.READ_AUDIT)
    return audit.verify()


def verify_then_log_in(log_in: Callable[[], Session]) -> tuple[int, ChainProblem | None]:
    """``fapiao audit verify``: walk the chain *before* logging in (a log-in appends an entry,
    and a cut log must be seen as it is), then log in and check ``READ_AUDIT`` (refused and
    audited like any other). A log whose end no longer matches its head refuses the log-in's
    own entry (``AuditTampered``); then where it is broken is said to whoever asks."""
    checked, problem = audit.verify()
    try:
        session = log_in()
    except AuditTampered:
        if problem is None:
            raise
        return checked, problem
    require(session, Permission.READ_AUDIT)
    return checked, problem
