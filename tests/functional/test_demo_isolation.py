"""The demo's reach: its public log-ins act only inside a throwaway folder of its own (store,
backups, keys, log, reports), never on the real settings, and each run starts fresh."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from storage.accounts.users import add_user
from storage.audit.chain import AuditEntry
from storage.backup import service
from storage.config.settings import load_settings
from storage.demo.space import demo_space
from storage.store.database import close_database, open_database
from storage.store.models import Role
from storage.store.schema import upgrade
from tests.support.backup import BOSS, PASSPHRASE, fill
from tests.support.paths import ROOT
from tests.support.tui import plain, wait_for
from tui.app import FapiaoApp
from tui.cli.main import main


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with a hash of its bytes."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}  # fmt: skip


def secret_file(path: Path, text: str) -> Path:
    path.write_text(text + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The temp dir the demo's folders go to, to see that none is left behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def real_setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Real settings: a store with a supervisor, a backup folder holding a backup (and a stray
    file a prune would delete), a passphrase file — all named by the environment."""
    real = tmp_path / "real"
    url = f"sqlite:///{real / 'store.db'}"
    upgrade(open_database(url))
    add_user("super", "super", role=Role.SUPERVISOR, branch="总部", all_branches=True)
    fill(30)
    backups = real / "backups"
    passphrase = secret_file(real / "passphrase", PASSPHRASE)
    settings = load_settings({"FAPIAO_DATABASE_URL": url, "FAPIAO_BACKUP_DIR": str(backups)})
    service.backup_now(BOSS, "full", settings=settings, passphrase=PASSPHRASE)
    (backups / "20250101-000000-abcdef.fbk").write_bytes(b"left by a crash")
    close_database()
    monkeypatch.setenv("FAPIAO_DATABASE_URL", url)
    monkeypatch.setenv("FAPIAO_BACKUP_DIR", str(backups))
    monkeypatch.setenv("FAPIAO_BACKUP_PASSPHRASE_FILE", str(passphrase))
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", str(secret_file(tmp_path / "pw", "super")))
    return real


def audit_count(real: Path) -> int:
    open_database(f"sqlite:///{real / 'store.db'}", create=False)
    try:
        return int(AuditEntry.select().count())
    finally:
        close_database()


def test_demo_commands_leave_the_real_backups_alone(
    real_setup: Path, private_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before, entries_before = tree(real_setup), audit_count(real_setup)
    data = Path(os.environ["FAPIAO_DATA_DIR"])  # the real one: its audit anchor, no log
    data_before = tree(data)
    assert main(["--demo", "--user", "super", "backup", "prune"]) == 0
    assert main(["--demo", "--user", "super", "backup", "list", "--json"]) == 0
    assert main(["--demo", "--user", "super", "backup", "verify"]) != 0  # the demo has none
    assert main(["--demo", "--user", "super", "backup", "rotate-key"]) != 0  # nor keys
    out = capsys.readouterr().out
    listed = json.loads(out[out.index("{") : out.index("}") + 1])
    assert listed == {"backups": []}
    assert tree(real_setup) == before  # not one byte of the real store or backups changed
    assert audit_count(real_setup) == entries_before
    assert tree(data) == data_before  # nothing in the real data dir changed either
    assert list(private_tmp.glob("fapiao-demo-*")) == []  # each run's folder is removed
    assert os.environ["FAPIAO_BACKUP_DIR"] == str(real_setup / "backups")  # env as it was


def test_each_demo_run_starts_fresh(private_tmp: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", str(secret_file(tmp_path / "pw", "wrong")))
    assert main(["--demo", "--user", "clerk", "lookup", "1"]) == 1  # a failed log-in is kept...
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", str(secret_file(tmp_path / "pw2", "super")))
    counts = []
    for _ in range(2):
        assert main(["--demo", "--user", "super", "audit", "verify", "--json"]) == 0
        out = capsys.readouterr().out
        counts.append(json.loads(out[out.index("{") :])["entries"])
    assert counts[0] == counts[1]  # ...by no later run: every run begins with a new store
    assert list(private_tmp.glob("fapiao-demo-*")) == []


async def test_the_demo_screen_keeps_backups_and_keys_in_its_own_folder(
    real_setup: Path, private_tmp: Path
) -> None:
    before = tree(real_setup)
    with demo_space("zh") as settings:
        folder = Path(os.environ["FAPIAO_DEMO_DIR"])
        assert Path(settings.backup_dir).parent == folder
        assert settings.database_url == f"sqlite:///{folder / 'fapiao.db'}"
        app = FapiaoApp(settings, demo=True, demo_disk=False)
        async with app.run_test(size=(80, 24)) as pilot:
            from tests.support.tui import log_in
            from tui.screens.backup import BackupScreen

            await wait_for(pilot, lambda: app.store_state == "ready", 30)
            await log_in(pilot, "super", "super")
            await pilot.press("f5")
            await wait_for(pilot, lambda: isinstance(app.screen, BackupScreen))
            screen = app.screen
            # the list has loaded once the screen says where the passphrase comes from
            await wait_for(pilot, lambda: plain(screen.query_one("#backup-source")) != "")
            # the real passphrase file and keyring are not the demo's: a supervisor types one
            assert "每次由主管输入" in plain(screen.query_one("#backup-source"))
            assert str(folder) in plain(screen.query_one("#backup-selected"))
        close_database()
        assert (folder / "demo" / "fapiao-demo.db").exists()
    assert not folder.exists()
    assert tree(real_setup) == before
    assert list(private_tmp.glob("fapiao-demo-*")) == []


# A hang-up ends it as it ends a demo on a dropped SSH line, even when the test run itself
# was started with SIGHUP ignored (nohup), which every child would otherwise inherit.
_HELD_DEMO = """
import os, signal, time
from storage.demo.space import demo_folder, demo_space
signal.signal(signal.SIGHUP, signal.SIG_DFL)
with demo_space("zh"):
    disk = demo_folder()  # as the demo's disk makes one for its socket
    print(os.environ["FAPIAO_DEMO_DIR"], disk, flush=True)
    time.sleep(60)
"""


def _held_demo(tmp: Path) -> tuple[subprocess.Popen[str], Path, Path]:
    """A demo process holding its folders (under ``tmp``) until it is killed: the demo's own,
    and the one its disk's socket is in."""
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen([sys.executable, "-c", _HELD_DEMO], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert proc.stdout is not None
    own, disk = proc.stdout.readline().split()
    return proc, Path(own), Path(disk)


def test_a_demo_killed_or_hung_up_leaves_its_folder_to_the_next_demo(private_tmp: Path) -> None:
    """A demo hung up with its SSH line or killed cannot remove its folder (its store, ~4 MiB):
    the next demo does, and leaves a running demo's folder and anything not a demo's alone."""
    killed, *killed_folders = _held_demo(private_tmp)
    hung_up, *hung_up_folders = _held_demo(private_tmp)
    running, *running_folders = _held_demo(private_tmp)
    left = [*killed_folders, *hung_up_folders]
    try:
        for proc, sig in ((killed, signal.SIGKILL), (hung_up, signal.SIGHUP)):
            proc.send_signal(sig)
            proc.wait(10)
        assert all(folder.is_dir() for folder in left)  # what they left
        stranger = private_tmp / "fapiao-demo-notours"  # names no process
        stranger.mkdir()
        with demo_space("zh"):
            own = Path(os.environ["FAPIAO_DEMO_DIR"])
            until = time.monotonic() + 10
            while any(folder.exists() for folder in left) and time.monotonic() < until:
                time.sleep(0.05)  # the sweep runs in a thread beside the demo
            assert not any(folder.exists() for folder in left)
            assert all(folder.is_dir() for folder in [*running_folders, stranger, own])
    finally:
        for proc in (killed, hung_up, running):
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
            if proc.stdout is not None:
                proc.stdout.close()
