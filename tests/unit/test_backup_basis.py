"""The basis beside the store (kept compressed; a plain one from before still diffs), a damaged
one, and a full backup's compressing while its key unlocks: nothing reaches the disk first."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path

import peewee
import pytest
import zstandard

from storage.backup import basis, keys, service
from storage.backup.container import ContainerWriter, open_container
from storage.backup.errors import BackupError, WrongPassphrase
from storage.config.settings import Settings
from storage.store.models import Invoice
from tests.support.backup import BOSS, PASSPHRASE, fill, settings_for

EVERY_ROW = "SELECT id, status, buyer_name FROM invoice ORDER BY id"


@pytest.fixture
def setup(sqlite_store: peewee.Database, tmp_path: Path) -> Settings:
    fill(1500)
    return settings_for(f"sqlite:///{sqlite_store.database}", tmp_path / "backups")


def _live(setup: Settings) -> Path:
    return Path(setup.database_url.removeprefix("sqlite:///")).resolve()


def _rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(EVERY_ROW).fetchall()
    finally:
        conn.close()


def _restored_rows(setup: Settings, backup_id: str, target: Path) -> list[tuple[object, ...]]:
    service.restore(BOSS, backup_id, to=str(target), settings=setup, passphrase=PASSPHRASE)
    return _rows(target)


def test_the_basis_is_the_compressed_image_and_a_plain_one_from_before_still_diffs(
    setup: Settings, tmp_path: Path
) -> None:
    full = service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE).entry
    live = _live(setup)
    image_file = basis.pages_path(live)
    compressed = image_file.read_bytes()
    image = zstandard.ZstdDecompressor().decompressobj().decompress(compressed)
    assert len(image) == full.store_size and len(compressed) < full.store_size / 2
    assert image_file.stat().st_mode & 0o777 == 0o600

    Invoice.update(status="void").where(Invoice.id <= 40).execute()
    inc = service.backup_now(BOSS, "incremental", settings=setup, passphrase=PASSPHRASE).entry
    assert inc.parent == full.id and 0 < inc.changed_pages < full.page_count // 4
    assert _restored_rows(setup, inc.id, tmp_path / "a.db") == _rows(live)

    # A basis as the version before wrote it: the plain image, with no "compressed" mark.
    state_file = live.with_name(live.name + ".backup-basis.json")
    state = json.loads(state_file.read_text())
    assert state.pop("compressed") == 1
    image_file.write_bytes(image)
    state_file.write_text(json.dumps(state))
    # ... whose overlay is the incremental's pages: the next diff is only the new change.
    Invoice.update(status="red").where(Invoice.id.between(700, 730)).execute()
    inc2 = service.backup_now(BOSS, "incremental", settings=setup, passphrase=PASSPHRASE).entry
    assert inc2.parent == inc.id and inc2.changed_pages < full.page_count // 4
    assert _restored_rows(setup, inc2.id, tmp_path / "b.db") == _rows(live)


def test_a_damaged_basis_fails_its_incremental_and_the_next_backup_is_full(
    setup: Settings, tmp_path: Path
) -> None:
    service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE)
    image_file = basis.pages_path(_live(setup))
    damaged = bytearray(image_file.read_bytes())
    damaged[len(damaged) // 2 : len(damaged) // 2 + 64] = b"\xff" * 64
    image_file.write_bytes(bytes(damaged))
    Invoice.update(status="void").where(Invoice.id % 9 == 0).execute()

    with pytest.raises(BackupError) as failed:
        service.backup_now(BOSS, "incremental", settings=setup, passphrase=PASSPHRASE)
    assert failed.value.key == "backup.snapshot_failed"
    after = service.backup_now(BOSS, "auto", settings=setup, passphrase=PASSPHRASE).entry
    assert after.kind == "full"
    assert _restored_rows(setup, after.id, tmp_path / "r.db") == _rows(_live(setup))


def test_a_wrong_passphrase_on_a_full_backup_writes_nothing_anywhere(setup: Settings) -> None:
    """A full backup compresses while the key unlocks: a wrong passphrase must still stop it
    before any file changes, in the backup folder or beside the store."""
    service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE)
    live = _live(setup)
    watched = [*Path(setup.backup_dir).rglob("*"), *live.parent.glob(live.name + ".backup-*")]

    def files() -> dict[str, bytes]:
        found = [*Path(setup.backup_dir).rglob("*"), *live.parent.glob(live.name + ".backup-*")]
        return {str(p): p.read_bytes() for p in found if p.is_file()}

    before = files()
    assert any(str(p).endswith(".backup-basis") for p in watched)
    Invoice.update(status="void").where(Invoice.id % 5 == 0).execute()
    with pytest.raises(WrongPassphrase):
        service.backup_now(BOSS, "full", settings=setup, passphrase="guess")
    assert files() == before


def test_a_writer_takes_the_payload_before_its_key_comes_and_writes_only_after(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "keys"
    ring = keys.create(folder, PASSPHRASE)
    key_came = threading.Event()

    def waited_ring() -> keys.KeyRing:
        key_came.wait(5)
        return ring

    payload = os.urandom(1 << 20) + bytes(3 << 20)  # some noise, then much that compresses
    basis_copy: list[bytes] = []
    path = tmp_path / "one.fbk"
    writer = ContainerWriter(path, waited_ring, {"backup_id": "one"}, tee=basis_copy.append,
                             ring_ready=key_came.is_set)  # fmt: skip
    for start in range(0, len(payload), 1 << 18):
        writer.write(payload[start : start + (1 << 18)])
    assert list(tmp_path.glob("one.fbk*")) == [] and basis_copy == []  # nothing yet
    key_came.set()
    written = writer.commit()

    opened = open_container(path, ring)
    assert b"".join(opened.payload) == payload
    assert opened.file_sha256() == written.sha256 and written.payload_size == len(payload)
    assert zstandard.ZstdDecompressor().decompressobj().decompress(b"".join(basis_copy)) == payload
