"""Backup key files written at the old argon2id setting (m=64 MiB, t=3, p=2) still unlock with
the parameters they carry; a passphrase change rewraps them at today's (``keys.KDF_PARAMS``;
the new files' setting: ``test_backup_engine``)."""

from __future__ import annotations

import json
from pathlib import Path

import peewee
import pytest

from storage.backup import keys, service, unlocked
from storage.backup.errors import WrongPassphrase
from storage.config.settings import Settings
from storage.store.models import Invoice
from tests.support.backup import BOSS, PASSPHRASE, fill, settings_for

OLD_PARAMS = {"time_cost": 3, "memory_kib": 65536, "parallelism": 2}


@pytest.fixture
def setup(sqlite_store: peewee.Database, tmp_path: Path) -> Settings:
    fill(300)
    return settings_for(f"sqlite:///{sqlite_store.database}", tmp_path / "backups")


def _kdf(folder: Path) -> list[dict[str, object]]:
    return [json.loads(p.read_text())["kdf"] for p in sorted(folder.glob("*.key"))]


@pytest.mark.real_hashing
def test_a_key_file_written_at_the_old_setting_still_opens_its_backups(
    setup: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keys, "KDF_PARAMS", OLD_PARAMS)
    old = service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE).entry
    monkeypatch.undo()
    unlocked.forget()  # a later run: the key is derived afresh from the file
    folder = keys.key_dir(Path(setup.backup_dir))
    assert [int(str(k["memory_kib"])) for k in _kdf(folder)] == [65536]

    with pytest.raises(WrongPassphrase):
        keys.unlock(folder, "guess")
    target = tmp_path / "restored.db"
    service.restore(BOSS, old.id, to=str(target), settings=setup, passphrase=PASSPHRASE)
    assert target.stat().st_size == old.store_size
    Invoice.update(status="void").where(Invoice.id <= 20).execute()
    inc = service.backup_now(BOSS, "incremental", settings=setup, passphrase=PASSPHRASE).entry
    assert inc.parent == old.id and service.verify(BOSS, inc.id, settings=setup,
                                                   passphrase=PASSPHRASE)[0].ok  # fmt: skip

    # Changing the passphrase rewraps the key at today's setting; the backups stay readable.
    service.change_passphrase(BOSS, PASSPHRASE, "a new passphrase", settings=setup)
    assert [int(str(k["memory_kib"])) for k in _kdf(folder)] == [keys.KDF_PARAMS["memory_kib"]]
    assert keys.KDF_PARAMS["memory_kib"] == 19 * 1024
    unlocked.forget()
    assert service.verify(BOSS, old.id, settings=setup, passphrase="a new passphrase")[0].ok
