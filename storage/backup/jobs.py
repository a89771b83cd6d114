"""One backup job as both front-ends run it: ``fapiao backup …`` and the F5 screen.

``run`` calls the backup service (which checks the role and audits, ``storage.backup.service``)
and says what happened as catalogue messages, not rendered text, with the facts a ``--json``
document carries; the command prints the messages one a line, the screen on its message line.
``offered`` and ``needs_approval`` tell a screen what to offer a user, from the same rules the
service enforces.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from storage.accounts.permissions import Permission, allowed
from storage.accounts.session import Session
from storage.accounts.users import Approval
from storage.backup import service
from storage.config.settings import Settings
from storage.messages import Message

#: What each job needs (the service checks it again, and audits a refusal).
NEEDS = {
    "auto": Permission.BACKUP_NOW, "full": Permission.BACKUP_NOW,
    "incremental": Permission.BACKUP_NOW, "verify": Permission.BACKUP_NOW,
    "restore": Permission.RESTORE, "prune": Permission.PRUNE, "rotate": Permission.ROTATE_KEY,
}  # fmt: skip


@dataclass(frozen=True)
class Job:
    """One thing to do; ``passphrase`` and ``approval`` only travel to the service."""

    action: str  # a key of NEEDS
    backup_id: str = ""  # verify: "" for every backup; restore: the one to restore
    target: str | None = None  # restore: a path or URL, or None for over the live store
    passphrase: str | None = field(default=None, repr=False)
    approval: Approval | None = None  # a supervisor's name and password (a clerk's first backup)
    thorough: bool = True  # verify: read every row, not only the file's checksums
    dry_run: bool = False  # prune: say what would go, delete nothing

    @property
    def phase(self) -> str:
        """What the progress bar says it is doing: backup, verify, restore, prune, rotate."""
        return "backup" if self.action in ("auto", "full", "incremental") else self.action


@dataclass(frozen=True)
class JobReport:
    ok: bool  # False when a verify found a bad backup (a refusal raises instead)
    said: tuple[Message, ...]  # what to tell the user, in order
    facts: dict[str, Any]  # the ``--json`` document


def byte_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def offered(session: Session) -> frozenset[str]:
    """The jobs ``session``'s role may start: a screen offers these and shows the rest disabled.
    No store query (a screen asks on its event loop): the service checks the account's role as
    it is now, and refuses and audits whatever is started anyway."""
    return frozenset(action for action, needed in NEEDS.items() if allowed(session, needed))


def needs_approval(session: Session) -> bool:
    """Whether a passphrase ``session`` types for a folder's first backup needs a supervisor's
    own name and password too (``service.backup_now``'s ``approval``)."""
    return service.passphrase_needs_approval(session)


def run(session: Session, job: Job, *, settings: Settings,
        progress: service.ProgressFn | None = None) -> JobReport:  # fmt: skip
    """Do ``job`` through the backup service, as ``session``."""
    if job.action in ("auto", "full", "incremental"):
        return _backed_up(service.backup_now(session, job.action, progress=progress,
                                             settings=settings, passphrase=job.passphrase,
                                             approval=job.approval))  # fmt: skip
    if job.action == "verify":
        results = service.verify(session, job.backup_id or None, thorough=job.thorough,
                                 progress=progress, settings=settings,
                                 passphrase=job.passphrase)  # fmt: skip
        said = tuple(
            Message("backup.verify_ok", {"id": r.backup_id, "check": r.check_name,
                                         "seconds": r.seconds})
            if r.ok else Message("backup.verify_failed", {"id": r.backup_id, "problem": r.problem})
            for r in results
        )  # fmt: skip
        ok = all(r.ok for r in results)
        facts = [asdict(r) | {"problem": r.problem.text() if r.problem else ""} for r in results]
        return JobReport(ok, said, {"ok": ok, "results": facts})
    if job.action == "restore":
        restored = service.restore(session, job.backup_id, to=job.target, progress=progress,
                                   settings=settings, passphrase=job.passphrase)  # fmt: skip
        said = (Message("backup.restored", {"id": restored.backup_id, "target": restored.target}),)
        if restored.safety_backup:
            said = (Message("backup.safety_taken", {"id": restored.safety_backup}), *said)
        return JobReport(True, said, {"ok": True, **asdict(restored)})
    if job.action == "prune":
        pruned = service.prune(session, settings=settings, dry_run=job.dry_run)
        if job.dry_run:
            told = Message("backup.would_prune",
                           {"kept": len(pruned.kept), "ids": ", ".join(pruned.deleted) or "-"})  # fmt: skip
        else:
            told = Message(
                "backup.pruned", {"kept": len(pruned.kept), "deleted": len(pruned.deleted)}
            )
        return JobReport(True, (told,), {"ok": True, "dry_run": job.dry_run, **asdict(pruned)})
    if job.action == "rotate":
        new_id = service.rotate_key(session, settings=settings, passphrase=job.passphrase)
        return JobReport(True, (Message("backup.rotated", {"id": new_id}),),
                         {"ok": True, "key_id": new_id})  # fmt: skip
    raise ValueError(job.action)


def _backed_up(result: service.BackupResult) -> JobReport:
    entry = result.entry
    done = Message("backup.done", {"kind": Message(f"backup.kind.{entry.kind}"), "id": entry.id,
                                   "size": byte_size(entry.file_size), "seconds": result.seconds})  # fmt: skip
    said = (Message("backup.fell_back"), done) if result.fell_back_to_full else (done,)
    return JobReport(True, said, {"ok": True, "fell_back_to_full": result.fell_back_to_full,
                                  "seconds": result.seconds, "backup": asdict(entry)})  # fmt: skip
