"""Helpers for the disk tests: a simulator served in this process over a real pty or TCP."""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from devices.client import DiskClient
from devices.simulator import Disk, FaultPlan, SimServer, StateFile, build
from devices.simulator.disk import Refusal
from devices.simulator.state import SimState

PIN = "88888888"
FAST = 0.3  # seconds a long command takes in tests


@contextmanager
def serve(
    scenario: str = "reported", *, transport: str = "pty", invoices: int = 60,
    faults: FaultPlan | None = None, state: SimState | None = None, store: StateFile | None = None,
    long_seconds: float = FAST,
) -> Iterator[tuple[Disk, SimServer]]:  # fmt: skip
    disk = Disk(state or build(scenario, invoices=invoices), store, long_seconds=long_seconds,
                progress_interval=0.1, faults=faults)  # fmt: skip
    server = SimServer(disk)
    if transport == "pty":
        server.start_pty()
    else:
        server.start_tcp("127.0.0.1", 0)
    try:
        yield disk, server
    finally:
        server.stop()


@contextmanager
def client(url: str, **options: object) -> Iterator[DiskClient]:
    c = DiskClient.connect(url, **options)
    try:
        yield c
    finally:
        c.close()


def restart_after_first_page(disk: Disk, *, forever: bool = False) -> None:
    """The disk power-cycles right after answering the first INVOICES; with ``forever`` it
    refuses every later INVOICES as not logged in, whatever logs in meanwhile."""
    calls = 0

    def invoices(body: dict[str, object]) -> dict[str, object]:
        nonlocal calls
        calls += 1
        if forever and calls > 1:
            raise Refusal("E_AUTH")
        reply = answer(body)
        if calls == 1:
            disk.power_cycle()
        return reply

    answer = disk.answer_with("INVOICES", invoices)


@contextmanager
def socket_folder() -> Iterator[Path]:
    """A folder for a device service's socket: Unix socket paths are limited to ~100 bytes,
    and pytest's tmp_path can be longer."""
    path = Path(tempfile.mkdtemp(prefix="fsvc-", dir="/tmp"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def until(condition: Callable[[], object], timeout: float = 5.0) -> float:
    """Seconds until ``condition()`` held; fails after ``timeout``."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out waiting for {condition}")
        time.sleep(0.02)
    return time.monotonic() - start
