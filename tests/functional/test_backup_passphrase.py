"""Who sets the master backup passphrase: a supervisor (logged in, or approving with their own
name and password where a clerk acts), or the configured 0600 file; checked by the service,
below any screen, and audited."""

from __future__ import annotations

from pathlib import Path

import peewee
import pytest

from storage.accounts.users import Approval, add_user
from storage.audit.chain import AuditEntry
from storage.backup import keys, service
from storage.backup.errors import BackupError
from storage.config.settings import Settings
from storage.store.models import Role
from tests.support.backup import BOSS, CLERK, PASSPHRASE, fill, settings_for


@pytest.fixture
def setup(store_url: str, store: peewee.Database, tmp_path: Path) -> Settings:
    add_user("boss", "boss-pw", role=Role.SUPERVISOR, branch="总部")
    add_user("wang", "wang-pw", role=Role.CLERK, branch="总部")
    fill(10)
    return settings_for(store_url, tmp_path / "backups")


def _key_files(setup: Settings) -> list[Path]:
    return list(keys.key_dir(Path(setup.backup_dir)).glob("*.key"))


def test_a_clerk_cannot_set_the_passphrase_alone(setup: Settings) -> None:
    with pytest.raises(BackupError) as refused:
        service.backup_now(CLERK, "full", settings=setup, passphrase="clerk's choice")
    assert refused.value.key == "backup.passphrase_needs_supervisor"
    for approval in (
        Approval("wang", "wang-pw"),
        Approval("boss", "wrong"),
        Approval("nobody", "x"),
    ):
        with pytest.raises(BackupError) as refused:
            service.backup_now(CLERK, "full", settings=setup, passphrase="clerk's choice",
                               approval=approval)  # fmt: skip
        assert refused.value.key == "backup.approval_refused"
    assert _key_files(setup) == [] and service.list_backups(setup) == []
    reasons = [(e.username, e.action, e.ok) for e in AuditEntry.select().order_by(AuditEntry.seq)
               if e.action in ("approve", "backup.passphrase_set")]  # fmt: skip
    assert reasons == [("wang", "backup.passphrase_set", False), ("wang", "approve", False),
                       ("boss", "approve", False), ("?", "approve", False)]  # fmt: skip


def test_a_supervisors_own_password_lets_a_clerk_back_up(setup: Settings) -> None:
    result = service.backup_now(CLERK, "full", settings=setup, passphrase=PASSPHRASE,
                                approval=Approval("boss", "boss-pw"))  # fmt: skip
    assert len(_key_files(setup)) == 1
    entry = AuditEntry.get(AuditEntry.action == "backup.passphrase_set")
    assert (entry.username, entry.ok, entry.detail) == ("wang", True, '{"approved_by": "boss"}')
    # the passphrase is the one typed: verify opens the backup with it
    (checked,) = service.verify(BOSS, result.entry.id, settings=setup, passphrase=PASSPHRASE)
    assert checked.ok


def test_a_configured_passphrase_file_needs_no_one(
    setup: Settings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    path.chmod(0o600)
    monkeypatch.setenv("FAPIAO_BACKUP_PASSPHRASE_FILE", str(path))
    service.backup_now(CLERK, "full", settings=setup)  # the nightly run's account is a clerk
    assert len(_key_files(setup)) == 1
