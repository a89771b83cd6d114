"""``storage.backup.jobs``: the one way ``fapiao backup`` and F5 run a backup job — what each
says (catalogue messages, in either language), its ``--json`` facts, and a clerk refused by the
service behind, audited, with nothing changed; on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import peewee
import pytest

from storage.accounts.permissions import PermissionDenied
from storage.accounts.users import Approval, Session, add_user
from storage.audit.chain import AuditEntry
from storage.backup import jobs, keys, service
from storage.backup.errors import BackupError
from storage.config.settings import Settings
from storage.store.models import Role
from tests.support.backup import BOSS, CLERK, PASSPHRASE, fill, settings_for

AUDITOR = Session("shen", Role.AUDITOR, "总部")


@pytest.fixture
def setup(store_url: str, store: peewee.Database, tmp_path: Path) -> Settings:
    fill(10)
    return settings_for(store_url, tmp_path / "backups")


def _denied() -> list[tuple[str, str]]:
    return [
        (e.username, e.target) for e in AuditEntry.select().where(AuditEntry.action == "denied")
    ]


def _boss_approval() -> Approval:
    add_user("boss", "boss-pw", role=Role.SUPERVISOR, branch="总部")
    return Approval("boss", "boss-pw")


def test_a_backup_job_says_what_it_did_in_either_language(setup: Settings) -> None:
    report = jobs.run(CLERK, jobs.Job("full", passphrase=PASSPHRASE,
                                      approval=_boss_approval()), settings=setup)  # fmt: skip
    (done,) = report.said
    entry = report.facts["backup"]
    assert report.ok and report.facts["ok"] is True and entry["kind"] == "full"
    assert done.render("zh").startswith(f"已完成完整备份 {entry['id']}：")
    assert done.render("en").startswith(f"full backup {entry['id']} done: ")
    checked = jobs.run(CLERK, jobs.Job("verify", backup_id=entry["id"], passphrase=PASSPHRASE),
                       settings=setup)  # fmt: skip
    assert checked.ok and [m.key for m in checked.said] == ["backup.verify_ok"]
    pruned = jobs.run(BOSS, jobs.Job("prune", dry_run=True), settings=setup)
    assert pruned.facts["dry_run"] is True and pruned.said[0].key == "backup.would_prune"


def test_a_clerk_cannot_set_the_passphrase_through_a_job(setup: Settings) -> None:
    with pytest.raises(BackupError) as refused:
        jobs.run(CLERK, jobs.Job("full", passphrase="clerk's choice"), settings=setup)
    assert refused.value.key == "backup.passphrase_needs_supervisor"
    assert list(keys.key_dir(Path(setup.backup_dir)).glob("*.key")) == []
    assert service.list_backups(setup) == []
    entry = AuditEntry.get(AuditEntry.action == "backup.passphrase_set")
    assert (entry.username, entry.ok) == ("wang", False)


def test_the_supervisors_jobs_refuse_a_clerk_and_the_refusal_is_audited(setup: Settings) -> None:
    made = jobs.run(BOSS, jobs.Job("full", passphrase=PASSPHRASE), settings=setup)
    backup_id = made.facts["backup"]["id"]
    key_files = sorted(keys.key_dir(Path(setup.backup_dir)).glob("*.key"))
    for job in (jobs.Job("restore", backup_id=backup_id, target=str(Path(setup.backup_dir) / "r.db"),
                         passphrase=PASSPHRASE),
                jobs.Job("prune"), jobs.Job("rotate", passphrase=PASSPHRASE)):  # fmt: skip
        with pytest.raises(PermissionDenied):
            jobs.run(CLERK, job, settings=setup)
    assert _denied() == [("wang", "restore"), ("wang", "prune"), ("wang", "rotate_key")]
    assert [e.id for e in service.list_backups(setup)] == [backup_id]
    assert sorted(keys.key_dir(Path(setup.backup_dir)).glob("*.key")) == key_files
    assert not (Path(setup.backup_dir) / "r.db").exists()


def test_an_auditor_may_not_even_back_up(setup: Settings) -> None:
    with pytest.raises(PermissionDenied):
        jobs.run(AUDITOR, jobs.Job("full", passphrase=PASSPHRASE), settings=setup)
    assert _denied() == [("shen", "backup_now")] and service.list_backups(setup) == []


def test_what_a_screen_offers_each_role() -> None:
    everything = {"auto", "full", "incremental", "verify", "restore", "prune", "rotate"}
    assert jobs.offered(BOSS) == everything
    assert jobs.offered(CLERK) == {"auto", "full", "incremental", "verify"}
    assert jobs.offered(AUDITOR) == set()
    assert jobs.needs_approval(CLERK) and not jobs.needs_approval(BOSS)
