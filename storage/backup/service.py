"""The backup use cases: ``storage.backup.jobs`` (what ``fapiao backup`` and F5 run), the CLI's
key commands and the clearing flow call these. Every call checks the role
(``storage.accounts.permissions``) and leaves an audit record, whether it worked or not."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets as random_ids
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import peewee

from storage.accounts.permissions import Permission, require
from storage.accounts.users import Approval, AuthError, Session, confirm_supervisor
from storage.audit import anchor as audit_anchor
from storage.audit import chain as audit
from storage.backup import (
    basis,
    keys,
    leftovers,
    manifest,
    pg_backup,
    retention,
    sqlite_backup,
    unlocked,
)
from storage.backup.atomic_files import remove_stale_temps
from storage.backup.container import ContainerWriter
from storage.backup.errors import BackupError, BackupUsageError
from storage.backup.manifest import BackupEntry
from storage.backup.restore import (
    as_rollback_journal,
    check_sqlite,
    rebuild_sqlite,
    restore_into_live,
)
from storage.backup.secrets import configured as secrets_configured
from storage.backup.secrets import read_passphrase
from storage.backup.verify import VerifyResult, verify_entry
from storage.config.settings import Settings, load_settings
from storage.private_folder import private_folder
from storage.store.database import StoreUnreachable, database_proxy, is_sqlite, make_database

KINDS = ("auto", "full", "incremental")
MAX_CHAIN = 6  # "auto": a full backup after six incrementals or a week


@dataclass(frozen=True)
class Progress:
    """For progress bars: bytes done of total, and what the rate says is left."""

    phase: str  # "backup", "verify", "restore"
    done: int
    total: int
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:  # bytes per second
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        return (self.total - self.done) / self.rate if self.rate and self.total else None


ProgressFn = Callable[[Progress], None]


@dataclass(frozen=True)
class BackupResult:
    entry: BackupEntry
    fell_back_to_full: bool  # an incremental was asked for but there was no base to diff
    seconds: float


@dataclass(frozen=True)
class PruneResult:
    kept: list[str]
    deleted: list[str]


def backup_folder(settings: Settings) -> Path:
    return Path(settings.backup_dir).expanduser()


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else load_settings()


def _db() -> peewee.Database:
    db = database_proxy.obj
    if db is None:
        raise StoreUnreachable("store.not_open")
    return db


def _unlocking(folder: Path, settings: Settings, passphrase: str | None, *, create: bool,
               session: Session | None = None, approval: Approval | None = None
               ) -> unlocked.Unlocking:  # fmt: skip
    """The key ring, unlocking in the background unless this process already holds it."""
    kdir = keys.key_dir(folder)
    if keys.has_keys(kdir):
        return unlocked.unlocking(kdir, passphrase or read_passphrase(settings))
    if not create or session is None:
        raise BackupError("backup.no_keys", folder=str(kdir))
    approved_by = _passphrase_setter(session, settings, passphrase, approval)
    passphrase = passphrase or read_passphrase(settings, confirm=True)
    ring = keys.create(kdir, passphrase)
    unlocked.remember(kdir, passphrase, ring)
    audit.record(session.username, "backup.passphrase_set", target=ring.current_id,
                 approved_by=approved_by)  # fmt: skip
    return unlocked.already(ring)


def passphrase_needs_approval(session: Session) -> bool:
    """A typed master passphrase is set by a supervisor: anyone else needs one's approval."""
    return not session.is_supervisor


def _passphrase_setter(session: Session, settings: Settings, passphrase: str | None,
                       approval: Approval | None) -> str:  # fmt: skip
    """Who may set the master passphrase that protects every backup: a supervisor, by their
    own log-in or by their name and password typed where a clerk acts; or nobody at all when
    it comes from the configured 0600 file or the keyring (whoever configured the box chose it)."""
    if passphrase is None and secrets_configured(settings):
        return ""
    if not passphrase_needs_approval(session):
        return session.username  # their own password was checked when they logged in
    if approval is None:
        audit.record(session.username, "backup.passphrase_set", ok=False, reason="no_supervisor")
        raise BackupError("backup.passphrase_needs_supervisor")
    try:
        return confirm_supervisor(approval, demo_mode=session.demo).username
    except AuthError as refused:
        raise BackupError("backup.approval_refused", detail=str(refused)) from None


def _ring(
    folder: Path, settings: Settings, passphrase: str | None, *, create: bool
) -> keys.KeyRing:
    return _unlocking(folder, settings, passphrase, create=create)()


@contextlib.contextmanager
def _audited(session: Session, action: str, target: str = "", *, announce: bool = False,
             **detail: Any) -> Iterator[dict[str, Any]]:  # fmt: skip
    """Audit the action when it ends; the caller may add details (the id, sizes) on the way.

    ``announce``: for the long ones (backup, verify, restore), an ``<action>.start`` entry
    first, so a run killed before its end still leaves its trace; the end entry names it.
    """
    extra: dict[str, Any] = {"target": target}
    if announce:
        started = audit.record(session.username, f"{action}.start", target=target, **detail)
        detail = {**detail, "started": started.seq}
    try:
        yield extra
    except BaseException as exc:
        audit.record(session.username, action, target=str(extra.pop("target")), ok=False,
                     error=type(exc).__name__, **detail, **extra)  # fmt: skip
        raise
    audit.record(session.username, action, target=str(extra.pop("target")), **detail, **extra)


def _store_held(db: peewee.Database) -> contextlib.AbstractContextManager[None]:
    """The SQLite store's backup lock (``leftovers``); nothing to hold on PostgreSQL."""
    if is_sqlite(db):
        return leftovers.holding(Path(db.database).resolve())
    return contextlib.nullcontext()


def _progress(progress: ProgressFn | None, phase: str) -> Callable[[int, int], None] | None:
    if progress is None:
        return None
    started = time.monotonic()
    return lambda done, total: progress(Progress(phase, done, total, started))


def _bytes_seen(progress: ProgressFn | None, phase: str, total: int) -> Callable[[int], None]:
    """A callback for each piece read: reports the running byte count out of ``total``."""
    on_bytes = _progress(progress, phase)
    done = 0

    def seen(n: int) -> None:
        nonlocal done
        done += n
        if on_bytes:
            on_bytes(done, total)

    return seen


def _new_id() -> str:
    return f"{dt.datetime.now():%Y%m%d-%H%M%S}-{random_ids.token_hex(3)}"


def _parent_for(entries: list[BackupEntry], db_path: Path, kind: str) -> str:
    """The backup an incremental would build on, or "" when it must be a full one."""
    base = basis.matching_backup(db_path)
    by_id = {e.id: e for e in entries}
    if kind == "full" or base not in by_id or by_id[base].store != str(db_path):
        return ""
    if kind == "auto":
        line = manifest.chain(entries, by_id[base])
        too_old = dt.datetime.now().astimezone() - line[0].created_at > dt.timedelta(days=7)
        if len(line) > MAX_CHAIN or too_old:
            return ""
    return base


def backup_now(session: Session, kind: str = "auto", *, progress: ProgressFn | None = None,
               reason: str = "manual", settings: Settings | None = None,
               passphrase: str | None = None, approval: Approval | None = None
               ) -> BackupResult:  # fmt: skip
    """Back the store up now: ``full``, ``incremental``, or ``auto`` (incremental when a base
    exists and the chain is short, else full). The first backup of a folder sets the master
    passphrase: a typed one needs a supervisor (``_passphrase_setter``), ``approval`` when a
    clerk acts."""
    require(session, Permission.BACKUP_NOW)
    if kind not in KINDS:
        raise BackupUsageError("backup.bad_kind", kind=kind)
    db = _db()
    if not is_sqlite(db) and kind == "incremental":
        raise BackupUsageError("backup.pg_incremental")
    settings = _settings(settings)
    folder = backup_folder(settings)
    started = time.perf_counter()
    with _audited(session, "backup.create", announce=True, kind=kind, reason=reason) as extra:
        private_folder(folder)
        # The key unlocks while the store is read (an incremental's diff, a full backup's
        # compressing); nothing is written before it has (a wrong passphrase stops there).
        unlocking = _unlocking(folder, settings, passphrase, create=True, session=session,
                               approval=approval)  # fmt: skip

        def ring_before_writing() -> keys.KeyRing:
            ring = unlocking()
            remove_stale_temps(folder)
            return ring

        # Locks in this order everywhere: the store's backup lock, the folder's, then SQLite's.
        with _store_held(db), manifest.locked(folder):
            entry = _take(db, folder, kind, reason, ring_before_writing,
                          _progress(progress, "backup"), ring_ready=unlocking.ready)  # fmt: skip
        extra.update(target=entry.id, backup_kind=entry.kind, bytes=entry.file_size)
    return BackupResult(entry, kind == "incremental" and entry.kind == "full",
                        time.perf_counter() - started)  # fmt: skip


def _take(db: peewee.Database, folder: Path, kind: str, reason: str,
          ring: Callable[[], keys.KeyRing], on_bytes: Callable[[int, int], None] | None, *,
          writer_held: bool = False, ring_ready: Callable[[], bool] | None = None
          ) -> BackupEntry:  # fmt: skip
    """Take a backup and list it; the caller holds the store's and the folder's locks.
    ``writer_held``: the caller holds the store's write lock too (a restore's safety backup),
    which also leaves the basis alone (the restore drops it)."""
    entries = manifest.load(folder)
    backup_id = _new_id()
    after = None
    if is_sqlite(db):
        db_path = Path(db.database).resolve()
        parent = "" if writer_held else _parent_for(entries, db_path, kind)
        taken = sqlite_backup.take(db_path, folder, ring, backup_id, parent=parent, reason=reason,
                                   on_bytes=on_bytes, writer_held=writer_held,
                                   ring_ready=ring_ready)  # fmt: skip
        entry = taken.entry
        after = None if writer_held else taken.after_commit
    else:
        entry = _take_pg(db, folder, ring(), backup_id, reason, on_bytes)
    manifest.save(folder, [*entries, entry])
    if after is not None:
        after()
    return entry


def _take_pg(db: peewee.Database, folder: Path, ring: keys.KeyRing, backup_id: str, reason: str,
             on_bytes: Callable[[int, int], None] | None) -> BackupEntry:  # fmt: skip
    target = pg_backup.PgTarget.of(db)
    created = dt.datetime.now().astimezone().isoformat(timespec="microseconds")
    header = {"backup_id": backup_id, "kind": "full", "engine": "postgresql", "parent": "",
              "created": created}  # fmt: skip
    size = int(db.execute_sql("SELECT pg_database_size(current_database())").fetchone()[0])
    writer = ContainerWriter(folder / f"{backup_id}.fbk", ring, header)
    done = 0

    def sink(piece: bytes) -> None:
        nonlocal done
        writer.write(piece)
        done += len(piece)
        if on_bytes:
            on_bytes(done, max(size, done))

    try:
        counts = pg_backup.dump(target, sink)
        written = writer.commit()
    except BaseException:
        writer.abort()
        raise
    return BackupEntry(
        id=backup_id, kind="full", engine="postgresql", parent="", created=created,
        file=written.path.name, file_size=written.size, file_sha256=written.sha256,
        payload_size=written.payload_size, payload_sha256=written.payload_sha256,
        store_size=size, key_id=ring.current_id, row_counts=counts, store=target.label(),
        reason=reason,
    )  # fmt: skip


def backup_before_clearing(session: Session, *, settings: Settings | None = None,
                           passphrase: str | None = None, progress: ProgressFn | None = None,
                           approval: Approval | None = None) -> VerifyResult:  # fmt: skip
    """The clearing flow's "backup first": a backup of the store, verified at once."""
    settings = _settings(settings)
    result = backup_now(session, "auto", progress=progress, reason="before_clearing",
                        settings=settings, passphrase=passphrase, approval=approval)  # fmt: skip
    return verify(session, result.entry.id, thorough=False, settings=settings,
                  passphrase=passphrase)[0]  # fmt: skip


def list_backups(settings: Settings | None = None) -> list[BackupEntry]:
    """Every complete backup, newest first (from the index beside the backups)."""
    return sorted(manifest.load(backup_folder(_settings(settings))),
                  key=lambda e: e.created_at, reverse=True)  # fmt: skip


def newest_verified(settings: Settings | None = None) -> BackupEntry | None:
    """For the reminder and the clearing checklist: the newest backup that passed verify."""
    return next((e for e in list_backups(settings) if e.verified_ok), None)


def _pg_server() -> pg_backup.PgTarget | None:
    db = database_proxy.obj
    return pg_backup.PgTarget.of(db) if db is not None and not is_sqlite(db) else None


def verify(session: Session, backup_id: str | None = None, *, thorough: bool = True,
           progress: ProgressFn | None = None, settings: Settings | None = None,
           passphrase: str | None = None) -> list[VerifyResult]:  # fmt: skip
    """Verify one backup, or every listed one (oldest first) when no id is given; each result
    goes in the index, and one failing does not stop the others."""
    require(session, Permission.BACKUP_NOW)
    settings = _settings(settings)
    folder = backup_folder(settings)
    with _audited(session, "backup.verify", target=backup_id or "all", announce=True) as extra:
        entries = manifest.load(folder)
        if not entries:
            raise BackupUsageError("backup.none_yet")
        chosen = ([manifest.find(entries, backup_id)] if backup_id
                  else sorted(entries, key=lambda e: e.created_at))  # fmt: skip
        if backup_id:
            extra["target"] = chosen[0].id
        ring = _ring(folder, settings, passphrase, create=False)
        seen = _bytes_seen(progress, "verify",
                           sum(manifest.chain_size(entries, e) for e in chosen))  # fmt: skip
        results = []
        for entry in chosen:
            result = verify_entry(folder, entries, entry, ring, thorough=thorough,
                                  pg_target=_pg_server(), on_bytes=seen)  # fmt: skip
            _note_verified(folder, entry.id, result)
            results.append(result)
        extra.update(ok_result=all(r.ok for r in results), checked=len(results),
                     failed=[r.backup_id for r in results if not r.ok],
                     check=results[0].check)  # fmt: skip
    return results


def _note_verified(folder: Path, backup_id: str, result: VerifyResult) -> None:
    with manifest.locked(folder):
        current = manifest.load(folder)
        for e in current:
            if e.id == backup_id:
                e.verified_at = dt.datetime.now().astimezone().isoformat(timespec="seconds")
                e.verified_ok = result.ok
                # kept as shown by whoever verified (the check's name when it passed)
                e.verify_detail = result.problem.text() if result.problem else result.check
        manifest.save(folder, current)


@dataclass(frozen=True)
class RestoreResult:
    backup_id: str
    target: str  # the path or database written
    safety_backup: str  # the backup taken of the live store first, "" when not over it


def restore(session: Session, backup_id: str, *, to: str | None = None,
            progress: ProgressFn | None = None, settings: Settings | None = None,
            passphrase: str | None = None) -> RestoreResult:  # fmt: skip
    """Restore to ``to`` (a new file path, or a PostgreSQL URL), or over the live store after
    a safety backup of it. Supervisors only."""
    require(session, Permission.RESTORE)
    settings = _settings(settings)
    folder = backup_folder(settings)
    with _audited(session, "backup.restore", target=backup_id, announce=True,
                  to=_without_secrets(to)) as extra:  # fmt: skip
        entries = manifest.load(folder)
        entry = manifest.find(entries, backup_id)
        extra["target"] = entry.id
        ring = _ring(folder, settings, passphrase, create=False)  # before anything is written
        seen = _bytes_seen(progress, "restore", manifest.chain_size(entries, entry))

        if entry.engine == "sqlite":
            result = _restore_sqlite(session, entries, entry, folder, ring, to, seen, extra)
        else:
            result = _restore_pg(session, entry, folder, ring, to, seen, settings, passphrase)
        extra["safety_backup"] = result.safety_backup
    return result


def _restore_sqlite(session: Session, entries: list[BackupEntry], entry: BackupEntry,
                    folder: Path, ring: keys.KeyRing, to: str | None,
                    seen: Callable[[int], None], extra: dict[str, Any]) -> RestoreResult:  # fmt: skip
    line = manifest.chain(entries, entry)
    if to is not None:
        if to.startswith(("postgres://", "postgresql://")):
            raise BackupUsageError("backup.engine_mismatch")
        target = Path(to).expanduser()
        if target.exists():
            raise BackupUsageError("backup.target_exists", path=str(target))
        private_folder(target.parent)
        partial = target.with_name(target.name + ".partial")
        try:
            _create_private_file(partial)  # the restored invoices: 0600 whatever the umask
            rebuild_sqlite(folder, line, ring, partial, seen)
            problem = check_sqlite(partial, entry.row_counts, thorough=False)
            if problem:
                raise BackupError("backup.restore_check_failed", detail=problem)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        return RestoreResult(entry.id, str(target), "")
    db = _db()
    if not is_sqlite(db):
        raise BackupUsageError("backup.engine_mismatch")
    live = Path(db.database).resolve()
    safety: list[BackupEntry] = []

    def safety_backup() -> None:
        """Runs holding the store's write lock: every write acknowledged before it is in
        this backup, every later one waits for the restored store."""
        safety.append(_take(db, folder, "full", "before_restore", lambda: ring, None,
                            writer_held=True))  # fmt: skip
        extra["safety_backup"] = safety[0].id

    try:
        with _store_held(db), manifest.locked(folder), leftovers.scratch_folder(live) as scratch:
            rebuilt = scratch / "restored.db"
            rebuild_sqlite(folder, line, ring, rebuilt, seen)
            as_rollback_journal(rebuilt)  # checked read-only: no -wal or -shm beside it
            problem = check_sqlite(rebuilt, entry.row_counts, thorough=False)
            if problem:  # before the live store is touched
                raise BackupError("backup.restore_check_failed", detail=problem)
            restore_into_live(rebuilt, live, safety_backup)
            basis.forget(live)  # the store changed wholesale: the next backup is a full one
            audit_anchor.forget()  # the log is the backup's now: its end is anchored afresh
    finally:
        if safety:  # audited once the lock is released (the entry lands in the restored store)
            audit.record(session.username, "backup.create", target=safety[0].id, kind="full",
                         reason="before_restore", backup_kind="full",
                         bytes=safety[0].file_size)  # fmt: skip
    return RestoreResult(entry.id, str(live), safety[0].id)


def _restore_pg(session: Session, entry: BackupEntry, folder: Path, ring: keys.KeyRing,
                to: str | None, seen: Callable[[int], None], settings: Settings,
                passphrase: str | None) -> RestoreResult:  # fmt: skip
    from storage.backup.restore import checked_payload

    if to is not None:
        if not to.startswith(("postgres://", "postgresql://")):
            raise BackupUsageError("backup.engine_mismatch")
        target = pg_backup.PgTarget.of(make_database(to))
        live = _pg_server()
        if live is not None and target.label() == live.label():
            # --to names the live store: that is a restore over it, which takes a safety
            # backup first (the path below), never a clean restore with nothing to go back to
            raise BackupUsageError("backup.target_is_live", target=target.label())
        pg_backup.restore(checked_payload(folder, entry, ring, seen), target, clean=True)
        return RestoreResult(entry.id, target.label(), "")
    server = _pg_server()
    if server is None:
        raise BackupUsageError("backup.engine_mismatch")
    safety = backup_now(session, "full", reason="before_restore", settings=settings,
                        passphrase=passphrase)  # fmt: skip
    pg_backup.restore(checked_payload(folder, entry, ring, seen), server, clean=True)
    audit_anchor.forget()  # the log is the backup's now: its end is anchored afresh
    return RestoreResult(entry.id, server.label(), safety.entry.id)


def prune(session: Session, *, settings: Settings | None = None, dry_run: bool = False
          ) -> PruneResult:  # fmt: skip
    """Delete the backups the retention policy does not keep; index first, then files."""
    require(session, Permission.PRUNE)
    settings = _settings(settings)
    folder = backup_folder(settings)
    policy = retention.Policy.from_settings(settings.extra)
    with _audited(session, "backup.prune", dry_run=dry_run) as extra, manifest.locked(folder):
        entries = manifest.load(folder)
        keep, delete = retention.plan(entries, policy)
        if not dry_run:
            manifest.save(folder, [e for e in entries if e.id in keep])
            listed = {e.file for e in entries if e.id in keep}
            for path in folder.glob("*.fbk"):  # also files a crash left unlisted
                if path.name not in listed:
                    path.unlink(missing_ok=True)
        extra.update(kept=len(keep), deleted=sorted(delete))
    return PruneResult(sorted(keep), sorted(delete))


def rotate_key(session: Session, *, settings: Settings | None = None,
               passphrase: str | None = None) -> str:  # fmt: skip
    """Start a new master key for new backups; old backups stay restorable."""
    require(session, Permission.ROTATE_KEY)
    settings = _settings(settings)
    folder = backup_folder(settings)
    with _audited(session, "backup.key_rotate") as extra:
        passphrase = passphrase or read_passphrase(settings)
        ring = _ring(folder, settings, passphrase, create=False)
        with manifest.locked(folder):
            new_id = keys.rotate(ring, passphrase)
        extra.update(target=new_id, retired=ring.current_id)
    return new_id


def destroy_key(session: Session, key_id: str, *, settings: Settings | None = None) -> None:
    """Destroy a retired key once no kept backup needs it."""
    require(session, Permission.ROTATE_KEY)
    folder = backup_folder(_settings(settings))
    with _audited(session, "backup.key_destroy", target=key_id), manifest.locked(folder):
        needed = {e.key_id for e in manifest.load(folder)}
        keys.destroy(keys.key_dir(folder), key_id, needed)


def change_passphrase(session: Session, old: str, new: str, *,
                      settings: Settings | None = None) -> int:  # fmt: skip
    """Rewrap every key under a new passphrase; no backup is re-encrypted."""
    require(session, Permission.ROTATE_KEY)
    folder = backup_folder(_settings(settings))
    with _audited(session, "backup.passphrase_change") as extra, manifest.locked(folder):
        count = keys.change_passphrase(keys.key_dir(folder), old, new)
        extra["keys"] = count
    return count


def key_list(settings: Settings | None = None) -> list[keys.KeyInfo]:
    return keys.list_keys(keys.key_dir(backup_folder(_settings(settings))))


def _create_private_file(path: Path) -> None:
    """An empty file only its owner may read (a stale one from a killed run is emptied too)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def _without_secrets(to: str | None) -> str:
    """A restore target as the audit log may keep it: no user name or password in a URL."""
    if not to:
        return "live"
    parts = urlsplit(to)
    if parts.scheme and parts.hostname:
        port = f":{parts.port}" if parts.port else ""
        return urlunsplit((parts.scheme, f"{parts.hostname}{port}", parts.path, "", ""))
    return to
