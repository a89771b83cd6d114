"""A clerk's day in the audit log, with fixed times and terminal, for the screenshots and their
snapshot tests (``tui/screenshots_admin.py``): chained like any entry, so the log verifies.

``storage.audit.chain.record`` stamps the time and terminal it runs at; a picture that must not
move with the clock needs them fixed, so the entries are appended here, below the screens.
"""

from __future__ import annotations

from storage.audit.chain import GENESIS, AuditEntry, AuditHead, entry_hash
from storage.store.database import write

#: (time on 2026-03-15, action, target, ok, detail JSON)
DAY = (
    ("09:01:12", "login", "", False, '{"reason": "bad_password"}'),
    ("09:01:30", "login", "", True, ""),
    ("09:15:02", "import", "发票批量下载_0315.zip", True, '{"added": 42}'),
    ("11:40:51", "export", "三月进项.xlsx", True, '{"invoices": 311, "rows": 311}'),
    ("12:05:00", "backup.create", "20260315-120500-9f8e7d", True, '{"kind": "auto"}'),
    ("12:06:44", "denied", "restore", False, '{"role": "clerk"}'),
    ("16:20:19", "sync", "661620039941", True, '{"added": 7}'),
)


def append_sample_day(username: str, terminal: str) -> None:
    """``DAY`` as ``username`` at ``terminal``, after whatever the log holds."""

    def append() -> None:
        for time, action, target, ok, detail in DAY:
            last = AuditEntry.select(AuditEntry.seq, AuditEntry.hash).order_by(
                AuditEntry.seq.desc()).first()  # fmt: skip
            fields = {
                "seq": (last.seq + 1) if last else 1, "at": f"2026-03-15T{time}.000000+08:00",
                "username": username, "action": action, "target": target, "detail": detail,
                "terminal": terminal, "ok": ok,
            }  # fmt: skip
            prev = last.hash if last else GENESIS
            entry = AuditEntry.create(**fields, prev_hash=prev, hash=entry_hash(prev, fields))
            # the head moves with the chain, as ``audit.record`` moves it (else: tampered)
            if not AuditHead.update(seq=entry.seq, hash=entry.hash).execute():
                AuditHead.create(seq=entry.seq, hash=entry.hash)

    write(append)
