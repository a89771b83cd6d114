"""``fapiao clear`` as an admin runs it: the installed command in a subprocess against the
simulator on a real pty (or behind a device service), killed with SIGKILL at each step; the
next ``fapiao clear log`` settles the journal with the disk, which ran exactly one clear."""

from __future__ import annotations

import datetime as dt
import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from devices.service import DeviceService
from devices.simulator import Disk
from devices.simulator.scenarios import clear_due
from devices.simulator.state import CHINA
from storage.accounts.users import add_user
from storage.store.database import close_database, open_database
from storage.store.models import Role
from storage.store.schema import upgrade
from tests.support.backup import PASSPHRASE
from tests.support.disk import PIN, serve

PASSWORD = "boss-password-1"
COMMAND = [sys.executable, "-m", "tui.cli.main"]


def _secret(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[dict[str, str]]:
    """A store with two supervisors and a clerk, and the secrets files an admin would keep."""
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(open_database(url))
    for name, role in (("boss", Role.SUPERVISOR), ("boss2", Role.SUPERVISOR), ("wang", Role.CLERK)):
        add_user(name, PASSWORD, role=role, branch="总部")
    close_database()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAPIAO_")}
    env.update({
        "FAPIAO_DATA_DIR": str(tmp_path / "data"), "FAPIAO_CONFIG": str(tmp_path / "none.toml"),
        "FAPIAO_DATABASE_URL": url, "FAPIAO_BACKUP_DIR": str(tmp_path / "backups"),
        "FAPIAO_PASSWORD_FILE": str(_secret(tmp_path / "pw", PASSWORD)),
        "FAPIAO_PIN_FILE": str(_secret(tmp_path / "pin", PIN)),
        "FAPIAO_BACKUP_PASSPHRASE_FILE": str(_secret(tmp_path / "bp", PASSPHRASE)),
        "FAPIAO_DEVICE_SOCKET": str(tmp_path / "no-service.sock"),  # explicit: never spawned
        "FAPIAO_USER": "boss", "PYTHONUNBUFFERED": "1",
    })  # fmt: skip
    yield env


def now() -> dt.datetime:
    return dt.datetime.now(CHINA).replace(microsecond=0)


def period_due() -> str:
    return (now().date().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


@contextmanager
def disk_for(
    env: dict[str, str], *, reported: bool = True, long_seconds: float = 3.0
) -> Iterator[Disk]:
    state = clear_due(now(), invoices=60, reported=reported)
    with serve(state=state, long_seconds=long_seconds) as (disk, server):
        env["FAPIAO_DEVICE_URL"] = server.url
        yield disk


def fapiao(env: dict[str, str], *args: str, user: str = "boss") -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, "--user", user, *args], env=env, capture_output=True, text=True,
                          timeout=180, stdin=subprocess.DEVNULL)  # fmt: skip


def clear_args() -> list[str]:
    return ["clear", "--period", period_due(), "--kind", "ordinary", "--yes"]


def kill_when(env: dict[str, str], marker: str, *args: str) -> str:
    """Start ``fapiao ARGS``, SIGKILL it the moment ``marker`` shows on its stderr."""
    proc = subprocess.Popen([*COMMAND, *args], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # fmt: skip
    assert proc.stderr is not None
    seen = b""
    deadline = time.monotonic() + 120
    try:
        while marker.encode() not in seen:
            assert time.monotonic() < deadline, seen.decode(errors="replace")
            ready, _, _ = select.select([proc.stderr], [], [], 0.5)
            if ready:
                chunk = os.read(proc.stderr.fileno(), 4096)
                assert chunk or proc.poll() is None, seen.decode(errors="replace")
                seen += chunk
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(10)
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    return seen.decode(errors="replace")


def clears_on(disk: Disk) -> int:
    return [entry["op"] for entry in disk.state.log].count("CLEAR")


@pytest.mark.slow
def test_clear_runs_every_step_and_refuses_a_second_time(setup: dict[str, str]) -> None:
    with disk_for(setup, long_seconds=0.5) as disk:
        done = fapiao(setup, *clear_args(), "--json")
        assert done.returncode == 0, done.stderr
        body = json.loads(done.stdout)
        assert body["ok"] and body["state"] == "done"
        assert sorted(r["type"] for r in body["results"] if r["ok"]) == ["004", "007", "026", "028"]
        assert "已备份并验证" in done.stderr  # the backup first, taken because none was fresh
        again = fapiao(setup, *clear_args(), "--json")
        assert again.returncode == 1
        refused = json.loads(again.stdout)
        assert refused["ok"] is False and refused["error"] == "clear.error.preflight"
        log = fapiao(setup, "clear", "log", "--json")
        assert log.returncode == 0
        runs = json.loads(log.stdout)["runs"]
        assert [(r["state"], r["started_by"], r["confirmed_by"]) for r in runs] == [
            ("done", "boss", "boss")
        ]
        assert [e["op"] for e in runs[0]["disk_log"]] == ["CLEAR"]
    assert clears_on(disk) == 1


def test_a_clerk_is_refused_and_nothing_reaches_the_disk(setup: dict[str, str]) -> None:
    with disk_for(setup, long_seconds=0.5) as disk:
        refused = fapiao(setup, *clear_args(), user="wang")
        assert refused.returncode == 1
        assert "此操作需要 主管 权限" in refused.stderr
    assert disk.executions["CLEAR"] == 0


def test_a_wrong_pin_file_spends_one_try_not_one_a_run(
    setup: dict[str, str], tmp_path: Path
) -> None:
    setup["FAPIAO_PIN_FILE"] = str(_secret(tmp_path / "wrong-pin", "11112222"))
    with disk_for(setup, long_seconds=0.5) as disk:
        first = fapiao(setup, *clear_args())
        assert first.returncode == 1 and "还可尝试 4 次" in first.stderr
        for _ in range(2):
            again = fapiao(setup, *clear_args())
            assert again.returncode == 1
            assert "wrong-pin" in again.stderr and "拒绝过" in again.stderr
        _secret(tmp_path / "wrong-pin", "abc")
        malformed = fapiao(setup, *clear_args())
        assert malformed.returncode == 2 and "6–8 位数字" in malformed.stderr
    assert disk.executions["LOGIN"] == 1 and disk.state.pin_tries_left == 4
    assert disk.executions["CLEAR"] == 0


def test_bad_usage_is_exit_2_with_one_json_document(setup: dict[str, str]) -> None:
    bad = fapiao(setup, "clear", "--period", "2026-13", "--kind", "ordinary", "--yes", "--json")
    assert bad.returncode == 2
    assert json.loads(bad.stdout)["error"] == "clear.error.bad_period"
    assert "Traceback" not in bad.stderr
    kind = fapiao(setup, "clear", "--period", "2026-10", "--kind", "weekly", "--yes")
    assert kind.returncode == 2 and "普通/特殊/专项/年度" in kind.stderr


def test_killed_mid_clear_the_next_start_records_the_one_clear(setup: dict[str, str]) -> None:
    with disk_for(setup) as disk:
        kill_when(setup, "\r清卡 ", "--user", "boss", *clear_args())
        settled = fapiao(setup, "clear", "log", "--json")
        assert settled.returncode == 0, settled.stderr
        body = json.loads(settled.stdout)
        assert [r["outcome"] for r in body["reconciled"]] == ["done"]
        assert body["runs"][0]["state"] == "done"
        assert "已在税控盘完成" in settled.stderr
        after = fapiao(setup, *clear_args())
        assert after.returncode == 1  # nothing left to clear: never twice
    assert clears_on(disk) == 1 and disk.executions["CLEAR"] == 1


@pytest.mark.slow
def test_killed_mid_report_and_mid_backup_then_cleared_once(setup: dict[str, str]) -> None:
    with disk_for(setup, reported=False) as disk:
        kill_when(setup, "备份中", "--user", "boss", *clear_args())
        kill_when(setup, "\r上报汇总 ", "--user", "boss", *clear_args())
        done = fapiao(setup, *clear_args())
        assert done.returncode == 0, done.stderr
        assert "上次中断的上报汇总" in done.stderr  # settled first, from TXN
    assert disk.executions["REPORT"] == 1
    assert clears_on(disk) == 1


@pytest.mark.serial  # timing: keys or polls within a deadline
def test_two_supervisors_at_once_one_runs_the_other_is_told_who(
    setup: dict[str, str], tmp_path: Path
) -> None:
    with disk_for(setup, long_seconds=3.0) as disk:
        service = DeviceService(setup["FAPIAO_DEVICE_URL"], tmp_path / "disk.sock")
        service.start()
        setup["FAPIAO_DEVICE_SOCKET"] = str(service.socket_path)
        try:
            first = fapiao(setup, "backup")  # so that neither waits on its own backup
            assert first.returncode == 0, first.stderr
            procs = [subprocess.Popen([*COMMAND, "--user", user, *clear_args()], env=setup, text=True,
                                      stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE) for user in ("boss", "boss2")]  # fmt: skip
            outcomes = [(p.wait(120), p.stderr.read() if p.stderr else "") for p in procs]
            for p in procs:
                for stream in (p.stdout, p.stderr):
                    if stream:
                        stream.close()
        finally:
            service.stop()
    codes = sorted(code for code, _ in outcomes)
    assert codes == [0, 1], outcomes
    loser = next(text for code, text in outcomes if code == 1)
    assert "正在清卡" in loser and "自" in loser, loser
    assert clears_on(disk) == 1
