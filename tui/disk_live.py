"""The app's side of the live disk: one connection to the device service, the status poller
behind the header strip, and what the lookup needs to say "not synced yet".

The poller is a thread worker: it connects to the service (starting one on demand when no
socket is configured explicitly, docs/disk-service.md), then waits for the status the service
pushes, with short timeouts so ctrl+q ends it at once. Like every thread worker here it
reaches the screen one way: it posts a message (``DiskStateChanged``, with the view model
``tui.disk_state.DiskState``); the app, on the event loop, sets ``app.disk_state`` only when
the value changes: an idle disk costs the terminal nothing. In demo mode the
simulator and a device service run inside the app, reached by exactly the same path.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from devices.client import DiskInfo, DiskStatus, parse_status
from devices.disk_context import DiskContext
from devices.errors import BadReply, DiskProblem
from devices.pin import RejectedPins
from devices.service import configured_socket
from devices.service_client import ServiceClient, ServiceConnection, StatusEvent, connect
from tui.disk_state import DiskState, from_status
from tui.language import said_of
from tui.messages import DiskStateChanged, post_from_thread

if TYPE_CHECKING:
    from tui.app import FapiaoApp

log = logging.getLogger("fapiao.tui.disk")

RECONNECT = 1.0  # seconds between attempts to reach the service
TICK = 0.25  # the poller's longest wait: ctrl+q never waits longer for it
STORE_RECHECK = 5.0  # while the disk is ahead, re-read the store's synced seq (other terminals)
SPAWN_IDLE_EXIT = 300  # a service started on demand stops after this long without clients


def socket_path(app: FapiaoApp) -> tuple[Path, bool]:
    """The service's socket, and whether it was configured explicitly (then the service is
    run by systemd or the admin, and the app never starts one)."""
    return configured_socket(app.settings)


def spawn_command(device_url: str, socket: Path) -> list[str]:
    return [sys.executable, "-m", "tui.cli.main", "device-service", "--device", device_url,
            "--socket", str(socket), "--idle-exit", str(SPAWN_IDLE_EXIT)]  # fmt: skip


class DiskLive:
    """Owned by the app (``app.disk_live``); the F6 screen and the sync use ``client``."""

    def __init__(self, app: FapiaoApp) -> None:
        self.app = app
        self.configured = app.disk_configured
        self.connection: ServiceConnection | None = None
        self.client: ServiceClient | None = None
        self.info: DiskInfo | None = None
        self.status: DiskStatus | None = None  # the latest pushed STATUS
        self.store_seq: int | None = None  # the store's last synced seq for this disk
        self.published = 0  # how often app.disk_state was actually changed (tests)
        self.sync_running = False
        # PINs the disk rejected: the demo's stay with the demo, the real ones in the data dir.
        self.rejected_pins = RejectedPins.in_memory() if app.demo else RejectedPins.default()
        self.listeners: list[Callable[[], None]] = []  # called on the loop when anything changes
        self._wake = threading.Event()
        self._event: StatusEvent | None = None
        self._demo: Any = None  # the in-process simulator and service (demo mode)

    # -- the loop side -------------------------------------------------------------------

    def publish(self, state: DiskState | None) -> None:
        """On the loop (the app's ``DiskStateChanged`` handler): take the poller's state
        (None: the same state, the store's synced seq changed) and tell the listeners."""
        if state is not None and self.app.disk_state != state:
            self.published += 1
            self.app.disk_state = state
        for listener in list(self.listeners):
            listener()

    def lookup_context(self) -> DiskContext | None:
        """What the lookup needs of the disk ("not synced yet"), when the disk is known."""
        disk_seq, store_seq = self.lookup_seqs()
        return None if disk_seq is None else DiskContext(disk_seq, store_seq or 0)

    def lookup_seqs(self) -> tuple[int | None, int | None]:
        """(disk's newest record, store's last synced) when both are known, else (None, None)."""
        state = self.app.disk_state
        if not state.connected or state.last_invoice_seq is None or self.store_seq is None:
            return None, None
        return state.last_invoice_seq, self.store_seq

    # -- the worker ----------------------------------------------------------------------

    def start(self) -> None:
        if not self.configured:
            return
        self.app.run_worker(self._run, thread=True, exclusive=True, group="disk",
                            name="disk-poller", exit_on_error=False)  # fmt: skip

    def _run(self) -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        try:
            self._serve(lambda: worker.is_cancelled)
        finally:
            self._disconnect()
            if self._demo is not None:
                self._demo.stop()

    def _serve(self, cancelled: Callable[[], bool]) -> None:
        path, explicit = socket_path(self.app)
        spawn = None
        if self.app.demo_disk and not self.app.settings.device_url:
            from storage.store.drivers import load_peewee

            load_peewee("sqlite:")  # the simulator's records load the store's models
            from tui.demo_disk import DemoDisk

            self._demo = DemoDisk.start(today=self.app.today)
            path = self._demo.socket_path
        elif not explicit:
            spawn = spawn_command(self.app.settings.device_url, path)
        last_store_check = 0.0
        while not cancelled():
            if self.connection is None or not self.connection.alive:
                self._disconnect()
                try:
                    self._connect(path, spawn)
                except DiskProblem as exc:
                    log.info("device service unreachable: %s", exc)
                    down = DiskState(configured=True, connected=False, problem=said_of(exc))
                    post_from_thread(self.app, DiskStateChanged(down))
                    self._sleep(RECONNECT, cancelled)
                    continue
            if self._demo is not None and self._demo.seed_store(self.app):
                self.poke()
            woke = self._wake.wait(TICK)
            self._wake.clear()
            if woke:
                self._refresh()
                last_store_check = time.monotonic()
            elif time.monotonic() - last_store_check > STORE_RECHECK:
                last_store_check = time.monotonic()
                before = self.store_seq
                self._read_store_seq()
                if before != self.store_seq:
                    post_from_thread(self.app, DiskStateChanged(None))

    def seed_demo_store(self) -> None:
        """From the store's start-up (its thread, its connection): the demo disk's records go
        in before a log-in can start. Seeded by the poller instead, beside the first log-in's
        password hash, the two at once raised the demo's peak memory by ~5 MiB every other run.
        The poller still seeds when its disk was not up yet."""
        if self._demo is not None:
            self._demo.seed()

    def _sleep(self, seconds: float, cancelled: Callable[[], bool]) -> None:
        waited = 0.0
        while waited < seconds and not cancelled():
            self._wake.wait(TICK)
            waited += TICK

    def _connect(self, path: Path, spawn: list[str] | None) -> None:
        connection = connect(path, spawn=spawn, on_status=self._on_status)
        self.connection = connection
        self.client = ServiceClient(connection)
        connection.first_status.wait(2.0)
        self._wake.set()

    def _disconnect(self) -> None:
        connection, self.connection, self.client = self.connection, None, None
        if connection is not None:
            connection.close()

    def _on_status(self, event: StatusEvent) -> None:
        """From the connection's reader thread: note it and wake the poller."""
        self._event = event
        self._wake.set()

    def _refresh(self) -> None:
        event = self._event
        status = None
        if event is not None and event.connected and event.status is not None:
            try:
                status = parse_status(event.status)
            except BadReply as exc:
                log.warning("unreadable STATUS from the disk: %s", exc)
                event = StatusEvent(False, None, said_of(exc))
        if status is not None and self.info is None and self.client is not None:
            try:
                self.info = self.client.hello()
            except DiskProblem as exc:
                log.info("HELLO failed: %s", exc)
        if status is None:
            self.info = None
        ahead = status is not None and (self.status is None
                                         or status.last_invoice_seq != self.status.last_invoice_seq)  # fmt: skip
        self.status = status
        if ahead or self.store_seq is None:
            self._read_store_seq()
        post_from_thread(self.app, DiskStateChanged(from_status(event, status, self.info)))

    def _read_store_seq(self) -> None:
        if self.info is None or self.app.store_state != "ready":
            return
        from storage.store.sync_state import last_synced_seq

        try:
            with self.app.store_connection():
                self.store_seq = last_synced_seq(self.info.device_id)
        except Exception as exc:  # the store being away must not stop the strip
            log.info("cannot read the synced seq: %s", type(exc).__name__)

    def poke(self) -> None:
        """Re-read everything now (after a sync or a login)."""
        self.status = None
        self._wake.set()
