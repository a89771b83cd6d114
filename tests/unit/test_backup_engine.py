"""Backups of a SQLite store: full and incremental, verify, restore, keys, roles, audit."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import peewee
import pytest

from storage.accounts.permissions import PermissionDenied
from storage.audit.chain import AuditEntry
from storage.backup import keys, manifest, service
from storage.backup.errors import WrongPassphrase
from storage.backup.verify import verify_entry
from storage.config.settings import Settings
from storage.store.models import Invoice
from tests.support.backup import BOSS, CLERK, PASSPHRASE, fill, settings_for


@pytest.fixture
def setup(sqlite_store: peewee.Database, tmp_path: Path) -> Settings:
    fill(1500)
    return settings_for(f"sqlite:///{sqlite_store.database}", tmp_path / "backups")


def _rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_full_then_incremental_restore_each_point(setup: Settings, tmp_path: Path) -> None:
    voids_before = Invoice.select().where(Invoice.status == "void", Invoice.id <= 40).count()
    assert voids_before < 40
    full = service.backup_now(BOSS, "auto", settings=setup, passphrase=PASSPHRASE).entry
    assert full.kind == "full" and full.row_counts["invoice"] == Invoice.select().count()
    Invoice.update(status="void").where(Invoice.id <= 40).execute()
    inc = service.backup_now(BOSS, "incremental", settings=setup, passphrase=PASSPHRASE).entry
    assert inc.kind == "incremental" and inc.parent == full.id
    assert 0 < inc.changed_pages < full.page_count // 4
    assert inc.file_size < full.file_size / 20  # only the changed pages, as XOR deltas
    Invoice.delete().where(Invoice.id > 1400).execute()
    inc2 = service.backup_now(BOSS, "incremental", settings=setup, passphrase=PASSPHRASE).entry
    assert inc2.parent == inc.id

    for entry, voids, count in ((full, voids_before, 1500), (inc, 40, 1500), (inc2, 40, 1400)):
        target = tmp_path / f"restored-{entry.id}.db"
        service.restore(BOSS, entry.id, to=str(target), settings=setup, passphrase=PASSPHRASE)
        assert _rows(target, "PRAGMA integrity_check") == [("ok",)]
        got_voids = _rows(target, "SELECT count(*) FROM invoice WHERE status='void' AND id<=40")
        assert got_voids == [(voids,)]
        assert _rows(target, "SELECT count(*) FROM invoice WHERE id<=1500") == [(count,)]

    results = service.verify(BOSS, inc2.id, settings=setup, passphrase=PASSPHRASE)
    assert results[0].ok and results[0].check == "integrity_check"
    listed = {e.id: e for e in service.list_backups(setup)}
    assert listed[inc2.id].verified_ok is True and listed[inc2.id].verified_at


def test_backup_files_and_index_hold_no_plaintext(setup: Settings) -> None:
    entry = service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE).entry
    folder = Path(setup.backup_dir)
    name = Invoice.select().first().buyer_name
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert name.encode() not in data and b"SQLite format" not in data
            assert PASSPHRASE.encode() not in data
            assert path.stat().st_mode & 0o077 == 0 or path.name == ".lock"
    assert json.loads((folder / "manifest.json").read_text())["backups"][0]["id"] == entry.id


def test_wrong_passphrase_writes_nothing(setup: Settings) -> None:
    service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE)
    folder = Path(setup.backup_dir)
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    for action in (
        lambda: service.backup_now(BOSS, "auto", settings=setup, passphrase="guess"),
        lambda: service.restore(
            BOSS,
            service.list_backups(setup)[0].id,
            to=str(folder.parent / "x.db"),
            settings=setup,
            passphrase="guess",
        ),
        lambda: service.rotate_key(BOSS, settings=setup, passphrase="guess"),
    ):
        with pytest.raises(WrongPassphrase, match="备份口令错误"):
            action()
    assert {p: p.read_bytes() for p in folder.rglob("*") if p.is_file()} == before
    assert not (folder.parent / "x.db").exists()


def test_old_backups_restore_after_rotation_and_passphrase_change(
    setup: Settings, tmp_path: Path
) -> None:
    old = service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE).entry
    new_key = service.rotate_key(BOSS, settings=setup, passphrase=PASSPHRASE)
    assert new_key != old.key_id
    new = service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE).entry
    assert new.key_id == new_key
    assert service.change_passphrase(BOSS, PASSPHRASE, "new phrase", settings=setup) == 2
    with pytest.raises(WrongPassphrase):
        service.verify(BOSS, old.id, settings=setup, passphrase=PASSPHRASE)
    assert service.verify(BOSS, old.id, settings=setup, passphrase="new phrase")[0].ok
    # A retired key cannot go while a kept backup needs it; once that backup is gone it can.
    with pytest.raises(Exception, match="仍有保留的备份"):
        service.destroy_key(BOSS, old.key_id, settings=setup)
    folder = Path(setup.backup_dir)
    manifest.save(folder, [e for e in manifest.load(folder) if e.id != old.id])
    service.destroy_key(BOSS, old.key_id, settings=setup)
    assert [k.id for k in service.key_list(setup)] == [new_key]
    service.restore(
        BOSS, new.id, to=str(tmp_path / "r.db"), settings=setup, passphrase="new phrase"
    )


def test_clerk_backs_up_but_may_not_restore_prune_or_rotate(setup: Settings) -> None:
    service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE)  # sets the passphrase
    entry = service.backup_now(CLERK, "full", settings=setup, passphrase=PASSPHRASE).entry
    for action in (
        lambda: service.restore(CLERK, entry.id, settings=setup, passphrase=PASSPHRASE),
        lambda: service.prune(CLERK, settings=setup),
        lambda: service.rotate_key(CLERK, settings=setup, passphrase=PASSPHRASE),
    ):
        with pytest.raises(PermissionDenied):
            action()
    denied = [e.target for e in AuditEntry.select().where(AuditEntry.action == "denied")]
    assert denied == ["restore", "prune", "rotate_key"]
    created = AuditEntry.get(AuditEntry.action == "backup.create", AuditEntry.username == "wang")
    assert created.target == entry.id and created.ok


def test_restore_over_live_store_takes_a_safety_backup_first(setup: Settings) -> None:
    count = Invoice.select().count()
    before = service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE).entry
    Invoice.delete().where(Invoice.id > 100).execute()
    result = service.restore(BOSS, before.id, settings=setup, passphrase=PASSPHRASE)
    assert Invoice.select().count() == count
    safety = manifest.find(manifest.load(Path(setup.backup_dir)), result.safety_backup)
    assert safety.reason == "before_restore" and safety.row_counts["invoice"] == 100
    # The restored store's audit log goes on with the restore itself, naming the safety backup
    # (which holds the entries written since the restored backup was taken).
    last = AuditEntry.select().order_by(AuditEntry.seq.desc()).first()
    assert last.action == "backup.restore" and result.safety_backup in last.detail


def test_any_flipped_byte_or_truncation_is_caught(setup: Settings) -> None:
    full = service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE).entry
    Invoice.update(status="red").where(Invoice.id <= 10).execute()
    inc = service.backup_now(BOSS, "incremental", settings=setup, passphrase=PASSPHRASE).entry
    folder = Path(setup.backup_dir)
    ring = keys.unlock(keys.key_dir(folder), PASSPHRASE)  # once: the KDF is slow on purpose
    entries = manifest.load(folder)
    for entry in (full, inc):
        path = folder / entry.file
        good = path.read_bytes()
        size = len(good)
        damaged = [
            *[good[:i] + bytes([good[i] ^ 0x01]) + good[i + 1:]
              for i in (0, 9, 20, 60, size // 3, size // 2, size - 40, size - 1)],
            good[: size - 1], good[: size - 17], good[: size // 2], good[:100], good + b"\0",
        ]  # fmt: skip
        for data in damaged:
            path.write_bytes(data)
            result = verify_entry(folder, entries, inc, ring, thorough=False)
            assert not result.ok and result.problem
        path.write_bytes(good)
    assert service.verify(BOSS, inc.id, settings=setup, passphrase=PASSPHRASE)[0].ok


def test_three_deep_chain_restores_every_row_and_stays_small(
    setup: Settings, tmp_path: Path
) -> None:
    full = service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE).entry
    live = Path(setup.database_url.removeprefix("sqlite:///"))
    for step in range(3):  # void a few invoices, or undo it: rows change length and move
        Invoice.update(status="void" if step % 2 == 0 else "normal").where(
            Invoice.id % 97 == step).execute()  # fmt: skip
        last = service.backup_now(BOSS, "incremental", settings=setup, passphrase=PASSPHRASE).entry
        assert last.kind == "incremental" and last.changed_pages > 0
        assert last.file_size < full.file_size / 10
    target = tmp_path / "restored.db"
    service.restore(BOSS, last.id, to=str(target), settings=setup, passphrase=PASSPHRASE)
    assert _rows(target, "PRAGMA integrity_check") == [("ok",)]
    for table in ("invoice", "party", "party_gram"):  # the audit log has gone on since
        every_row = f"SELECT * FROM {table} ORDER BY 1, 2"
        assert _rows(target, every_row) == _rows(live, every_row)
    assert _rows(target, "SELECT count(*) FROM invoice WHERE status='void' AND id % 97 = 0") > [
        (0,)
    ]


def test_a_format_1_incremental_still_restores(setup: Settings, tmp_path: Path) -> None:
    from storage.backup import container, incremental
    from tests.support.backup import format_1_diff

    # Its own patch, undone alone: the test's own would also undo its data directory.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(container, "FORMAT", 1)
        patch.setattr(incremental, "diff", format_1_diff)
        service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE)
        Invoice.update(status="red").where(Invoice.id <= 30).execute()
        old = service.backup_now(BOSS, "incremental", settings=setup, passphrase=PASSPHRASE).entry
    assert (Path(setup.backup_dir) / old.file).read_bytes()[8:10] == b"\0\x01"
    Invoice.update(status="void").where(Invoice.id <= 10).execute()
    new = service.backup_now(BOSS, "incremental", settings=setup, passphrase=PASSPHRASE).entry
    assert new.parent == old.id
    assert (Path(setup.backup_dir) / new.file).read_bytes()[8:10] == b"\0\x02"
    target = tmp_path / "restored.db"
    service.restore(BOSS, new.id, to=str(target), settings=setup, passphrase=PASSPHRASE)
    assert _rows(target, "SELECT status, count(*) FROM invoice WHERE id <= 30 GROUP BY 1") == [
        ("red", 20),
        ("void", 10),
    ]


def test_the_key_is_derived_once_per_process_but_a_wrong_passphrase_still_fails(
    setup: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.backup import unlocked

    unlocked.forget()
    service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE)
    unlocks: list[int] = []
    real = keys.unlock

    def counted(*a: Any) -> Any:
        unlocks.append(1)
        return real(*a)

    monkeypatch.setattr(keys, "unlock", counted)
    for _ in range(2):
        Invoice.update(status="red").where(Invoice.id <= 5).execute()
        service.backup_now(BOSS, "incremental", settings=setup, passphrase=PASSPHRASE)
    assert unlocks == []
    with pytest.raises(WrongPassphrase):
        service.backup_now(BOSS, "incremental", settings=setup, passphrase="guess")
    assert unlocks == [1]


def test_an_incremental_appends_its_pages_and_never_rewrites_the_basis(
    setup: Settings, tmp_path: Path
) -> None:
    """Scattered in-place writes dirty whole 64 KiB folios: an incremental of a few pages once
    rewrote nearly the whole basis. Now the image stays as the full backup wrote it and the
    changed pages are appended, so what reaches the disk is the order of the change."""
    from storage.backup import basis

    full = service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE).entry
    live = Path(setup.database_url.removeprefix("sqlite:///"))
    image = basis.pages_path(live)
    before = (image.stat().st_ino, image.stat().st_mtime_ns, image.read_bytes())
    overlay_size = 0
    for step in range(2):
        Invoice.update(status="void" if step == 0 else "normal").where(
            Invoice.id % 50 == 0
        ).execute()
        last = service.backup_now(BOSS, "incremental", settings=setup, passphrase=PASSPHRASE).entry
        assert last.kind == "incremental" and last.parent
        overlay_size += last.changed_pages * (4 + full.page_size)
        assert basis.overlay_path(live).stat().st_size == overlay_size
        assert basis.overlay_path(live).stat().st_mode & 0o777 == 0o600
        assert (image.stat().st_ino, image.stat().st_mtime_ns, image.read_bytes()) == before

    # A run killed mid-append leaves bytes past what the state names: they are not trusted,
    # and the next incremental still restores to the live rows.
    with open(basis.overlay_path(live), "ab") as torn:
        torn.write(b"\x00\x00\x00\x07" + b"garbage" * 100)
    Invoice.update(status="void").where(Invoice.id % 7 == 0).execute()
    last = service.backup_now(BOSS, "incremental", settings=setup, passphrase=PASSPHRASE).entry
    assert last.kind == "incremental"
    target = tmp_path / "restored.db"
    service.restore(BOSS, last.id, to=str(target), settings=setup, passphrase=PASSPHRASE)
    assert _rows(target, "PRAGMA integrity_check") == [("ok",)]
    every_row = "SELECT id, status FROM invoice ORDER BY id"
    assert _rows(target, every_row) == _rows(live, every_row)

    # The next full backup writes a new image and drops the overlay.
    service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE)
    assert not basis.overlay_path(live).exists()
    assert image.stat().st_ino != before[0]


@pytest.mark.real_hashing
def test_a_key_file_is_wrapped_with_argon2id_at_64_mib_and_3_passes(tmp_path: Path) -> None:
    """What a guesser must pay per try (the other tests here derive keys at argon2's least):
    above OWASP's least for passwords, since key files travel with the backups, off-site too."""
    folder = keys.key_dir(tmp_path / "backups")
    keys.create(folder, PASSPHRASE)
    (key_file,) = [p for p in folder.iterdir() if p.name != keys.CURRENT]
    kdf = json.loads(key_file.read_text(encoding="utf-8"))["kdf"]
    assert (kdf["name"], kdf["memory_kib"], kdf["time_cost"], kdf["parallelism"]) == (
        "argon2id", 65536, 3, 2)  # fmt: skip
    assert keys.unlock(folder, PASSPHRASE).current_id == keys.list_keys(folder)[0].id


def test_a_new_key_folder_derives_the_passphrase_key_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first backup of a folder wraps a new master key: the key it then uses is the one in
    its file, without paying the derivation a second time to read the file back."""
    from argon2.low_level import hash_secret_raw as real

    derived: list[int] = []

    def counted(*a: Any, **kw: Any) -> bytes:
        derived.append(1)
        return real(*a, **kw)

    folder = keys.key_dir(tmp_path / "backups")
    monkeypatch.setattr("storage.backup.keys.hash_secret_raw", counted)
    ring = keys.create(folder, PASSPHRASE)
    assert derived == [1]
    from_file = keys.unlock(folder, PASSPHRASE)
    assert (from_file.current_id, from_file.current) == (ring.current_id, ring.current)
    assert from_file.ids() == ring.ids() == [ring.current_id]
