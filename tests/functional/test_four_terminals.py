"""Four counters at once (issue 12): four real ``fapiao`` processes in tmux at 80×24
(TERM=linux) on one SQLite store and one device service, each clerk looking invoices up while
imports and syncs run beside them from the command line, for ``FAPIAO_SOAK_SECONDS`` (15 by
default; a soak before a release runs minutes).

What a user would notice is checked: every imported and every synced invoice is in the store
(no lost row), every terminal finds an invoice imported after it started, no screen ever shows
"database is locked" or a traceback, and a disk change reaches the header strip of all four.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.service_client import ServiceConnection
from storage.accounts.users import add_user
from storage.store.database import close_database, open_database
from storage.store.models import Invoice, Role
from storage.store.schema import upgrade
from tests.support.disk import PIN, serve, socket_folder
from tests.support.tmux import Pane, Tmux

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

FAPIAO = Path(sys.executable).parent / "fapiao"
TERMINALS = 4
SOAK = float(os.environ.get("FAPIAO_SOAK_SECONDS", "15"))
PASSWORD = "counter-pass-1"
HEADER = (
    "发票代码,发票号码,数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,"
    "金额,税额,价税合计,税率,发票票种,发票状态,备注"
)
NEVER_SHOWN = ("database is locked", "数据库已锁定", "Traceback", "内部错误", "无法打开数据库")


def _number(batch: int, row: int) -> str:
    return f"2631200{batch:05d}{row:08d}"


def _import_file(folder: Path, batch: int, rows: int) -> Path:
    lines = [HEADER] + [
        f",,{_number(batch, i)},91110105MA005AEF36,北京某某商贸有限公司,,张三,20261102,"
        "100.00,6.00,106.00,6%,数电票（普通发票）,正常,"
        for i in range(rows)
    ]
    path = folder / f"batch-{batch}.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def _start_counters(tmux: Tmux, env: dict[str, str]) -> list[Pane]:
    """A session per terminal on the one tmux server; any capture showing a NEVER_SHOWN text
    fails the test."""
    return [
        tmux.start(
            f"t{i}",
            [str(FAPIAO)],
            term="linux",
            env=env,
            exit_marker="FAPIAO-EXITED",
            poll=0.2,
            never_shown=NEVER_SHOWN,
        )
        for i in range(TERMINALS)
    ]


def _log_in(pane: Pane, user: str) -> None:
    pane.wait_for("用户名", timeout=60)
    pane.type(user)
    pane.wait_for(f"▊  {user}", timeout=30)
    pane.send("Enter")
    time.sleep(0.3)  # the focus moves to the password box
    pane.type(PASSWORD)
    pane.send("Enter")
    pane.wait_for(f"{user}（前台）", timeout=60)


def _look_up(pane: Pane, number: str, previous: str) -> str:
    for _ in previous:  # one key per write, as a person types
        pane.send("BSpace")
    pane.type(number)

    def found(screen: str) -> bool:  # the answer for this number: one found, its row in the table
        rows = [line for line in screen.splitlines() if number in line and "106.00" in line]
        return "找到 1 张" in screen and bool(rows)

    return pane.wait_until(found, f"row for {number} under 找到 1 张", timeout=30)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(open_database(url))
    add_user("boss", PASSWORD, role=Role.SUPERVISOR, branch="总部")
    for i in range(TERMINALS):
        add_user(f"clerk{i}", PASSWORD, role=Role.CLERK, branch="总部", by="boss")
    close_database()
    yield url


def test_four_terminals_one_store_one_disk_nothing_lost_nothing_locked(
    store: str, tmp_path: Path
) -> None:
    secrets = tmp_path / "secrets"
    secrets.mkdir(mode=0o700)
    for name, value in (("pw", PASSWORD), ("pin", PIN)):
        (secrets / name).write_text(value)
        (secrets / name).chmod(0o600)
    with (
        socket_folder() as sockets,
        serve("issuing", transport="tcp", invoices=150) as (disk, server),
    ):
        socket_path = sockets / "disk.sock"  # the folder, the service's lock file in it, goes
        base_env = {
            "FAPIAO_DATA_DIR": str(tmp_path / "data"),
            "FAPIAO_CONFIG": str(tmp_path / "no-config.toml"),
            "FAPIAO_DATABASE_URL": store,
            "FAPIAO_DEVICE_SOCKET": str(socket_path),
            "FAPIAO_DEVICE_URL": server.url,
            "HOME": str(tmp_path / "home"),
            "PATH": os.environ.get("PATH", ""),
        }
        records_at_start = len(disk.state.invoices)
        service = subprocess.Popen(
            [str(FAPIAO), "device-service", "--device", server.url, "--socket", str(socket_path)],
            env={**os.environ, **base_env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        tmux = Tmux("fapiao-four")
        try:
            deadline = time.monotonic() + 20
            while not socket_path.exists():
                assert service.poll() is None, service.stderr.read() if service.stderr else ""
                assert time.monotonic() < deadline, "the device service never opened its socket"
                time.sleep(0.1)
            counters = _start_counters(tmux, base_env)
            for i, pane in enumerate(counters):
                _log_in(pane, f"clerk{i}")
            for pane in counters:
                pane.wait_for("税控盘 ●", timeout=30)
            _soak(counters, tmp_path, base_env, socket_path, records_at_start,
                  lambda: list(disk.state.invoices))  # fmt: skip
        finally:
            tmux.kill()
            service.terminate()
            service.wait(timeout=10)
            socket_path.unlink(missing_ok=True)
            # The service's lock file stays by design (devices/service.py); not in /tmp for ever.
            socket_path.with_name(socket_path.name + ".lock").unlink(missing_ok=True)


def _soak(
    counters: list[Pane],
    tmp_path: Path,
    base_env: dict[str, str],
    socket_path: Path,
    records_at_start: int,
    disk_records: Callable[[], list[dict[str, Any]]],
) -> None:
    cli_env = {
        **os.environ,
        **base_env,
        "FAPIAO_USER": "boss",
        "FAPIAO_PASSWORD_FILE": str(tmp_path / "secrets" / "pw"),
        "FAPIAO_PIN_FILE": str(tmp_path / "secrets" / "pin"),
    }
    imported: list[str] = []
    issued: list[int] = []
    problems: list[str] = []
    stop = threading.Event()

    def imports() -> None:
        batch = 0
        while not stop.is_set():
            path = _import_file(tmp_path, batch, 25)
            done = subprocess.run([str(FAPIAO), "import", str(path), "--json"], env=cli_env,
                                  capture_output=True, text=True, timeout=60)  # fmt: skip
            if done.returncode != 0:
                problems.append(f"import {batch}: {done.returncode} {done.stdout} {done.stderr}")
                return
            imported.extend(_number(batch, i) for i in range(25))
            batch += 1
            stop.wait(0.5)  # two files a second, beside a sync a second and four counters

    def syncs() -> None:
        disk = ServiceConnection(socket_path).connect()
        try:
            while not stop.is_set():
                disk.request("SIM", {"issue": 5})  # the disk issues more while the counters work
                issued.append(5)
                done = subprocess.run([str(FAPIAO), "sync", "--json"], env=cli_env,
                                      capture_output=True, text=True, timeout=60)  # fmt: skip
                if done.returncode != 0:
                    problems.append(f"sync: {done.returncode} {done.stdout} {done.stderr}")
                    return
                stop.wait(1.0)
        finally:
            disk.close()

    workers = [threading.Thread(target=imports), threading.Thread(target=syncs)]
    for worker in workers:
        worker.start()
    previous = {pane.session: "" for pane in counters}
    looked_up = 0
    try:
        ends = time.monotonic() + SOAK
        while time.monotonic() < ends and not problems:
            if not imported:
                time.sleep(0.2)
                continue
            for pane in counters:  # each looks up one of the newest imports
                number = imported[-1 - looked_up % min(len(imported), 10)]
                _look_up(pane, number, previous[pane.session])
                previous[pane.session] = number
                looked_up += 1
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=90)
    assert problems == []
    assert looked_up >= TERMINALS

    # The disk's date moves past the period's end: every strip shows it within a few polls.
    disk = ServiceConnection(socket_path).connect()
    try:
        disk.request("SIM", {"clock": "2026-12-02T10:00:00+08:00"})
    finally:
        disk.close()
    for pane in counters:
        pane.wait_for("未抄税", timeout=15)

    # Nothing lost: every imported invoice, and every record the disk issued, is in the store.
    done = subprocess.run([str(FAPIAO), "sync", "--json"], env=cli_env, capture_output=True,
                          text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stderr
    open_database(base_env["FAPIAO_DATABASE_URL"])
    try:
        stored = set(Invoice.select(Invoice.code, Invoice.number).tuples())
        synced = Invoice.select().where(Invoice.disk_seq.is_null(False)).count()
    finally:
        close_database()
    assert {("", number) for number in imported} <= stored
    on_disk = {(r["code"], r["number"]) for r in disk_records()}
    assert issued and len(on_disk) == records_at_start + sum(issued)
    assert sorted(on_disk - stored) == []
    assert synced == len(on_disk)
