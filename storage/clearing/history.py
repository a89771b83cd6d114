"""The clearing history as people read it: the log screen, ``fapiao clear log``, the export."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.accounts.permissions import Permission, require
from storage.accounts.users import Session
from storage.audit import chain as audit
from storage.clearing import journal
from storage.clearing.journal import ClearRun
from storage.exporting.table import write_table
from storage.messages import Message, t


@dataclass(frozen=True)
class RunView:
    id: int
    device_id: str
    period: str
    kind: str
    types: tuple[str, ...]
    reason: str
    state: str
    started_by: str
    confirmed_by: str
    terminal: str
    started_at: dt.datetime
    finished_at: dt.datetime | None
    backup_id: str
    results: tuple[dict[str, Any], ...]
    scan: dict[str, Any]
    disk_log: tuple[dict[str, Any], ...]
    error: str
    message: str
    retry_of: int | None
    txn: str

    def result_words(self, separator: str = "   ") -> str:
        """Each type's result in full: the new deadline, or the disk's words and its code."""
        parts = []
        for r in self.results:
            if r.get("ok"):
                parts.append(f"{r.get('type')} ✓ {r.get('deadline') or ''}".rstrip())
            else:
                parts.append(
                    f"{r.get('type')} ✗ {r.get('message') or ''} ({r.get('error') or '?'})"
                )
        return separator.join(parts)

    @property
    def kind_name(self) -> Message:
        return Message(f"clear.kind.{self.kind}")

    @property
    def state_name(self) -> Message:
        return Message(f"clear.state_run.{self.state}")

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "device_id": self.device_id, "period": self.period, "kind": self.kind,
            "types": list(self.types), "reason": self.reason, "state": self.state,
            "started_by": self.started_by, "confirmed_by": self.confirmed_by,
            "terminal": self.terminal, "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "backup_id": self.backup_id, "results": list(self.results), "scan": self.scan,
            "disk_log": list(self.disk_log), "error": self.error or None,
            "message": self.message or None, "retry_of": self.retry_of, "txn": self.txn,
        }  # fmt: skip


def _view(run: ClearRun, txns: dict[int, str]) -> RunView:
    return RunView(
        id=run.id, device_id=run.device_id, period=run.period, kind=run.kind,
        types=tuple(journal.load(run.types) or ()), reason=run.reason, state=run.state,
        started_by=run.started_by, confirmed_by=run.confirmed_by, terminal=run.terminal,
        started_at=run.started_at, finished_at=run.finished_at, backup_id=run.backup_id,
        results=tuple(journal.load(run.results) or ()), scan=journal.load(run.scan) or {},
        disk_log=tuple(journal.load(run.disk_log) or ()), error=run.error, message=run.message,
        retry_of=run.retry_of, txn=txns.get(run.id, ""),
    )  # fmt: skip


def clear_history(session: Session, *, period: str | None = None, state: str | None = None,
                  username: str | None = None, device_id: str | None = None,
                  limit: int = 500) -> list[RunView]:  # fmt: skip
    """Newest first, filtered by period, state and who started or confirmed it."""
    require(session, Permission.LOOKUP)
    found = journal.runs(
        device_id=device_id, period=period, state=state, username=username, limit=limit
    )
    ids = [r.id for r in found]
    txns: dict[int, str] = {}
    if ids:
        rows = journal.ClearStep.select(journal.ClearStep.run_id, journal.ClearStep.txn).where(
            journal.ClearStep.run_id.in_(ids) & (journal.ClearStep.cmd == "CLEAR")
        )
        txns = {int(r.run_id): r.txn for r in rows}
    return [_view(r, txns) for r in found]


def export_history(path: Path, session: Session, views: list[RunView]) -> int:
    """The filtered history to XLSX or CSV (by extension), audited."""
    require(session, Permission.EXPORT)
    headers = [t(f"clear.log.col.{name}") for name in
               ("id", "period", "kind", "state", "started_by", "confirmed_by", "started_at",
                "finished_at", "results", "backup", "reason", "txn")]  # fmt: skip
    rows = ([v.id, v.period, v.kind_name.text(), v.state_name.text(), v.started_by, v.confirmed_by,
             v.started_at, v.finished_at, v.result_words("；"), v.backup_id, v.reason, v.txn]
            for v in views)  # fmt: skip
    count = write_table(path, headers, rows, sheet_name=t("clear.log.sheet"))
    audit.record(session.username, "export", target=path.name, what="clear_history", rows=count)
    return count
