"""What backup actions leave in the audit log."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import peewee
import pytest

from storage.audit import chain as audit
from storage.audit.chain import AuditEntry
from storage.backup import manifest, service
from storage.backup.errors import WrongPassphrase
from storage.backup.manifest import BackupEntry
from storage.store.models import Invoice
from tests.support.backup import BOSS, PASSPHRASE, fill, settings_for
from tests.support.paths import ROOT


def test_restore_targets_are_audited_without_credentials() -> None:
    from storage.backup.service import _without_secrets

    assert (
        _without_secrets("postgresql://fapiao:S3cret@db:5433/fapiao")
        == "postgresql://db:5433/fapiao"
    )
    assert _without_secrets(None) == "live"
    assert _without_secrets("/var/lib/fapiao/restored.db") == "/var/lib/fapiao/restored.db"


_KILLED_BACKUP = """
import sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from tests.support.backup import BOSS, PASSPHRASE, settings_for
from storage.backup import service
from storage.store.database import open_database
open_database({url!r})
def progress(p):  # tells the parent the backup file is being written, and lingers
    print("W", flush=True)
    time.sleep(5)
service.backup_now(BOSS, "full", settings=settings_for({url!r}, Path({folder!r})),
                   passphrase=PASSPHRASE, progress=progress)
"""


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.seq))


def test_a_killed_backup_leaves_its_start_in_the_audit_log(
    sqlite_store: peewee.Database, tmp_path: Path
) -> None:
    fill(300)
    url = f"sqlite:///{sqlite_store.database}"
    folder = tmp_path / "backups"
    settings = settings_for(url, folder)
    service.backup_now(BOSS, "full", settings=settings, passphrase=PASSPHRASE)  # the keys
    script = _KILLED_BACKUP.format(root=str(ROOT), url=url, folder=str(folder))
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # fmt: skip
    assert proc.stdout is not None and proc.stdout.readline().strip() == "W"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    started, finished = _entries("backup.create.start"), _entries("backup.create")
    assert len(started) == 2 and len(finished) == 1  # the killed one began and never ended
    killed = started[1]
    assert killed.username == "boss" and json.loads(killed.detail)["kind"] == "full"
    assert audit.verify()[1] is None  # the chain holds with the unfinished entry in it
    # a backup that ends names its start
    assert json.loads(finished[0].detail)["started"] == started[0].seq and finished[0].ok


def test_a_failed_backup_ends_its_start_with_a_failure(
    sqlite_store: peewee.Database, tmp_path: Path
) -> None:
    fill(50)
    settings = settings_for(f"sqlite:///{sqlite_store.database}", tmp_path / "backups")
    service.backup_now(BOSS, "full", settings=settings, passphrase=PASSPHRASE)
    with pytest.raises(WrongPassphrase):
        service.backup_now(BOSS, "full", settings=settings, passphrase="guess")
    started, finished = _entries("backup.create.start"), _entries("backup.create")
    assert [e.ok for e in finished] == [True, False]
    assert json.loads(finished[1].detail)["started"] == started[1].seq
    assert json.loads(finished[1].detail)["error"] == "WrongPassphrase"


def test_verify_with_no_id_checks_every_backup_and_names_each(
    sqlite_store: peewee.Database, tmp_path: Path
) -> None:
    fill(300)
    settings = settings_for(f"sqlite:///{sqlite_store.database}", tmp_path / "backups")
    taken: list[BackupEntry] = []
    for kind in ("full", "incremental", "incremental"):
        Invoice.update(remark=kind + str(len(taken))).where(Invoice.id <= 30).execute()
        taken.append(service.backup_now(BOSS, kind, settings=settings,
                                        passphrase=PASSPHRASE).entry)  # fmt: skip
    folder = Path(settings.backup_dir)
    newest = folder / taken[-1].file
    data = bytearray(newest.read_bytes())
    data[len(data) // 2] ^= 0x01
    newest.write_bytes(bytes(data))
    results = service.verify(BOSS, settings=settings, passphrase=PASSPHRASE, thorough=False)
    assert [r.backup_id for r in results] == [e.id for e in taken]  # all, oldest first
    assert [r.ok for r in results] == [True, True, False]
    listed = {e.id: e for e in manifest.load(folder)}
    assert [listed[e.id].verified_ok for e in taken] == [True, True, False]
    done = _entries("backup.verify")[-1]
    detail = json.loads(done.detail)
    assert done.target == "all" and detail["checked"] == 3 and detail["failed"] == [taken[-1].id]
    assert detail["ok_result"] is False
    # one named backup: that one only
    assert [r.backup_id for r in service.verify(BOSS, taken[0].id, settings=settings,
                                                 passphrase=PASSPHRASE)] == [taken[0].id]  # fmt: skip
