"""Several terminals, one disk: the device service against the simulator over a real pty."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.client import ClearKind, parse_status
from devices.errors import DiskBusy, NotLoggedIn, WrongPin
from devices.service import DeviceService, ServiceAlreadyRunning
from devices.service_client import ServiceClient, ServiceConnection
from tests.support.disk import PIN, serve, socket_folder, until

FAST_LINK = {"reply_timeout": 0.2}


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    with socket_folder() as path:
        yield path


def state_of(connection: ServiceConnection, type_code: str = "004") -> str | None:
    event = connection.last_status
    if event is None or not event.connected or event.status is None:
        return None
    status = parse_status(event.status)
    return next(line.state.value for line in status.types if line.type == type_code)


@pytest.mark.serial  # timing: keys or polls within a deadline
def test_two_terminals_see_the_same_change_within_two_seconds_for_one_poll(
    socket_dir: Path,
) -> None:
    with serve("reported") as (disk, server):
        service = DeviceService(server.url, socket_dir / "disk.sock", link_options=FAST_LINK)
        with service:
            first = ServiceConnection(service.socket_path).connect()
            second = ServiceConnection(service.socket_path).connect()
            until(lambda: state_of(first) == state_of(second) == "reported")
            polls = service.polls
            time.sleep(3.0)
            # Two terminals, one poll a second between them.
            assert 2 <= service.polls - polls <= 4
            # Past the deadline without a clear: the disk locks the types.
            ServiceClient(first).sim(clock="2026-12-16T10:00:00+08:00")
            seen = until(lambda: state_of(first) == state_of(second) == "locked", timeout=2.0)
            assert seen < 2.0
            first.close()
            second.close()
        # One STATUS a poll, whichever terminal it served (counted once the service has
        # stopped: mid-run, a poll is counted before its STATUS reaches the disk).
        assert disk.executions["STATUS"] == service.polls


def test_logins_belong_to_the_terminal_that_made_them(socket_dir: Path) -> None:
    with (
        serve("reported") as (disk, server),
        DeviceService(server.url, socket_dir / "disk.sock", link_options=FAST_LINK) as service,
    ):
        clerk = ServiceClient(ServiceConnection(service.socket_path).connect())
        other = ServiceClient(ServiceConnection(service.socket_path).connect())
        clerk.login(PIN)
        assert clerk.log()  # the LOGIN itself is logged
        with pytest.raises(NotLoggedIn):
            other.log()  # the disk is logged in, but not for this terminal
        assert disk.executions["LOG"] == 1
        with pytest.raises(WrongPin) as wrong:
            other.login("00000000")
        assert wrong.value.tries_left == 4 and disk.executions["LOGIN"] == 2
        clerk.close()
        until(lambda: disk.executions["LOGOUT"] == 1)  # the last logged-in terminal left
        other.close()


def test_a_long_command_is_serialised_and_others_are_told_busy(socket_dir: Path) -> None:
    with (
        serve("reported", long_seconds=1.5) as (disk, server),
        DeviceService(server.url, socket_dir / "disk.sock", link_options=FAST_LINK) as service,
    ):
        clearing = ServiceClient(ServiceConnection(service.socket_path).connect())
        watching = ServiceConnection(service.socket_path).connect()
        other = ServiceClient(watching)
        clearing.login(PIN)
        other.login(PIN)
        progress: list[int] = []
        results = []

        def clear() -> None:
            results.append(clearing.clear("2026-11", ClearKind.ORDINARY, "txn-1",
                                          progress=lambda p: progress.append(p.done)))  # fmt: skip

        worker = threading.Thread(target=clear)
        worker.start()
        until(lambda: progress)
        with pytest.raises(DiskBusy) as busy:
            other.summary("2026-11")
        assert "另一终端正在执行清卡" in busy.value.message
        status = other.status()  # answered from what the service knows, at once
        assert status.busy is not None and status.busy.cmd == "CLEAR"
        # a terminal that restarted mid-clear asks after its txn, and is told it still runs
        asked = other.txn("txn-1")
        assert asked.state == "running" and asked.cmd == "CLEAR"
        until(lambda: state_of(watching) is not None and watching.last_status is not None
              and (watching.last_status.status or {}).get("busy") is not None)  # fmt: skip
        worker.join(10)
        assert results and all(outcome.ok for outcome in results[0].results)
        assert len(progress) >= 3  # forwarded to the terminal that asked
        assert disk.executions["CLEAR"] == 1 and disk.executions["SUMMARY"] == 0
        until(lambda: state_of(watching) == "issuing", timeout=2.0)
        assert other.summary("2026-11").period == "2026-11"  # free again
        clearing.close()
        other.close()


def test_killing_the_service_says_not_connected_and_a_new_one_serves_again(
    socket_dir: Path,
) -> None:
    with serve("reported") as (_disk, server):
        path = socket_dir / "disk.sock"
        service = DeviceService(server.url, path, link_options=FAST_LINK)
        service.start()
        terminal = ServiceConnection(path).connect()
        until(lambda: state_of(terminal) == "reported")
        service.stop()
        until(lambda: terminal.last_status is not None and not terminal.last_status.connected, 2.0)
        assert not terminal.alive
        with DeviceService(server.url, path, link_options=FAST_LINK):
            again = ServiceConnection(path).connect()
            until(lambda: state_of(again) == "reported", 2.0)
            again.close()


def test_a_second_service_on_the_same_socket_is_refused_naming_the_first(socket_dir: Path) -> None:
    with (
        serve("reported") as (_disk, server),
        DeviceService(server.url, socket_dir / "disk.sock", link_options=FAST_LINK),
    ):
        with pytest.raises(ServiceAlreadyRunning) as refused:
            DeviceService(server.url, socket_dir / "disk.sock").start()
        assert f"进程 {os.getpid()}" in str(refused.value)


def test_a_second_process_opening_the_port_gets_a_clear_message_at_once(socket_dir: Path) -> None:
    with (
        serve("reported") as (_disk, server),
        DeviceService(server.url, socket_dir / "disk.sock", link_options=FAST_LINK) as service,
    ):
        until(lambda: service.polls > 0 and service.link.is_open)
        env = {**os.environ, "FAPIAO_DEVICE_SOCKET": str(socket_dir / "disk.sock")}
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "tui.cli.main", "device-service", "--device", server.url,
             "--socket", str(socket_dir / "other.sock")],
            capture_output=True, text=True, timeout=20, env=env,
        )  # fmt: skip
        assert time.monotonic() - started < 10
        assert done.returncode == 3
        assert "已被占用" in done.stderr and f"进程 {os.getpid()}" in done.stderr
        assert "disk.sock" in done.stderr  # where to connect instead
