"""Where the store lives on disk: a mistyped URL creates nothing, and the files holding
invoices (store, WAL, shared memory, log, a restored copy) are 0600 whatever the umask."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.backup import service
from storage.config.settings import Settings
from storage.store.database import close_database, open_database
from storage.store.schema import upgrade
from tests.support.backup import BOSS, PASSPHRASE, fill, settings_for
from tests.support.tui import plain, wait_for
from tui.app import FapiaoApp
from tui.cli.main import main
from tui.logs import PrivateRotatingFileHandler


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def _password_file(tmp_path: Path) -> str:
    path = tmp_path / "pw"
    path.write_text("s3cret-pw\n", encoding="utf-8")
    path.chmod(0o600)
    return str(path)


@pytest.mark.parametrize("command", [["lookup", "123"], ["backup", "list"], ["audit", "verify"],
                                     ["user", "list"], ["user", "passwd"]])  # fmt: skip
def test_a_mistyped_store_url_creates_nothing(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    missing = tmp_path / "nonexist" / "dir" / "x.db"
    monkeypatch.setenv("FAPIAO_DATABASE_URL", f"sqlite:///{missing}")
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", _password_file(tmp_path))
    assert main(["--user", "wang", *command]) == 3
    err = capsys.readouterr().err
    assert f"数据库不存在：{missing}" in err and "fapiao db upgrade" in err
    assert "用户名或密码错误" not in err
    assert not (tmp_path / "nonexist").exists()


def test_only_db_upgrade_and_the_first_supervisor_create_a_store(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    first = tmp_path / "a" / "first.db"
    monkeypatch.setenv("FAPIAO_DATABASE_URL", f"sqlite:///{first}")
    assert main(["db", "upgrade"]) == 0
    assert first.is_file()
    second = tmp_path / "b" / "second.db"
    monkeypatch.setenv("FAPIAO_DATABASE_URL", f"sqlite:///{second}")
    pw = _password_file(tmp_path)
    assert main(["user", "add", "li", "--password-file", pw]) == 2  # a clerk cannot be first
    assert not second.parent.exists()
    assert main(["user", "add", "boss", "--role", "supervisor", "--password-file", pw]) == 0
    assert second.is_file()
    capsys.readouterr()


async def test_the_screen_says_the_store_is_missing_and_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nonexist" / "x.db"
    app = FapiaoApp(Settings(database_url=f"sqlite:///{missing}").with_defaults())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.store_state != "opening")
        assert app.store_state == "failed"
        # the reason is kept as a message (said again on F8): as the login screen shows it
        assert f"数据库不存在：{missing}" in plain(app.screen.query_one("#login-message"))
    assert not missing.parent.exists()


def test_store_wal_and_shm_are_0600_under_umask_022(
    umask_022: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    path = tmp_path / "data" / "store.db"
    monkeypatch.setenv("FAPIAO_DATABASE_URL", f"sqlite:///{path}")
    assert main(["db", "upgrade"]) == 0
    db = open_database(f"sqlite:///{path}", create=False)
    try:
        fill(5)  # a write: the WAL and shared-memory files exist while the store is open
        wal, shm = Path(f"{path}-wal"), Path(f"{path}-shm")
        assert wal.exists() and shm.exists()
        assert (mode(path), mode(wal), mode(shm)) == (0o600, 0o600, 0o600)
    finally:
        db.close()
        close_database()
    capsys.readouterr()


def test_the_log_and_its_rollovers_are_0600_under_umask_022(
    umask_022: None, tmp_path: Path
) -> None:
    path = tmp_path / "fapiao.log"
    handler = PrivateRotatingFileHandler(str(path), maxBytes=200, backupCount=2, encoding="utf-8")
    logger = logging.getLogger("fapiao.test.private_log")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        for i in range(20):
            logger.warning("line %d of the log, long enough to roll over soon", i)
    finally:
        logger.removeHandler(handler)
        handler.close()
    files = sorted(tmp_path.glob("fapiao.log*"))
    assert len(files) == 3  # the current file and two rolled over
    assert {mode(f) for f in files} == {0o600}


def test_a_restored_copy_is_0600_under_umask_022(umask_022: None, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(open_database(url))
    fill(20)
    setup = settings_for(url, tmp_path / "backups")
    entry = service.backup_now(BOSS, "full", settings=setup, passphrase=PASSPHRASE).entry
    target = tmp_path / "restored" / "copy.db"
    service.restore(BOSS, entry.id, to=str(target), settings=setup, passphrase=PASSPHRASE)
    close_database()
    assert mode(target) == 0o600


def test_under_umask_000_the_folders_and_the_backup_lock_are_the_owners_alone(
    tmp_path: Path,
) -> None:
    """An admin's `umask 000`: the folders fapiao makes (its data folder with the store, the
    log and the audit anchor; the backups) were 0777 and the backup lock 0666, so any local
    user could replace the store or plant a link where the log is written next."""
    data = tmp_path / "home" / "fapiao"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAPIAO_")}
    env.update({
        "FAPIAO_DATA_DIR": str(data), "FAPIAO_CONFIG": str(tmp_path / "none.toml"),
        "FAPIAO_DATABASE_URL": f"sqlite:///{data / 'fapiao.db'}",
        "FAPIAO_BACKUP_DIR": str(tmp_path / "kept" / "backups"),
        "FAPIAO_PASSWORD_FILE": _password_file(tmp_path), "FAPIAO_USER": "boss",
        "FAPIAO_BACKUP_PASSPHRASE_FILE": _password_file(tmp_path),
    })  # fmt: skip
    fapiao = [str(Path(sys.executable).with_name("fapiao"))]
    for args in (["db", "upgrade"], ["user", "add", "boss", "--role", "supervisor", "--password-file", _password_file(tmp_path)],
                 ["backup", "--full"]):  # fmt: skip
        done = subprocess.run([*fapiao, *args], env=env, capture_output=True, text=True,
                              timeout=120, stdin=subprocess.DEVNULL,
                              preexec_fn=lambda: os.umask(0))  # fmt: skip
        assert done.returncode == 0, done.stderr
    backups = tmp_path / "kept" / "backups"
    folders = [tmp_path / "home", data, tmp_path / "kept", backups]
    assert {str(f): oct(mode(f)) for f in folders} == {str(f): "0o700" for f in folders}
    files = [data / "fapiao.db", data / "fapiao.log", backups / ".lock"]
    assert {str(f): oct(mode(f)) for f in files} == {str(f): "0o600" for f in files}
