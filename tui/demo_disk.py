"""The demo's disk: the simulator on a pty and a device service, both inside the app.

The disk is in the state where a clear is due: every type 已抄税未清卡 with the deadline
at least three days ahead, on the host's own clock, so a clear can be carried out end to end
on any day of the month. The store holds the disk's records but the newest few (``UNSYNCED``), so the
lookup's "not synced yet" and the sync have something to show. Demo PIN: ``PIN``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from devices.client import parse_invoice
from devices.service import DeviceService
from devices.simulator import Disk, SimServer, SimState
from devices.simulator.scenarios import clear_due
from devices.simulator.state import CHINA
from storage.demo.space import demo_folder

if TYPE_CHECKING:
    from tui.app import FapiaoApp

PIN = "88888888"
INVOICES = 200
UNSYNCED = 3
_CLASSIC_SHIFT = 80_000_000  # the demo store's own numbers stay clear of the disk's
_DIGITAL_SHIFT = 900_000


def demo_clock(today: dt.date | None) -> dt.datetime:
    """The disk's clock: the host's own (a clear's clock check passes on any day), or 10:00
    on ``today`` when tests and screenshots fix the date."""
    if today is None:
        return dt.datetime.now(CHINA).replace(microsecond=0)
    return dt.datetime.combine(today, dt.time(10, 0), tzinfo=CHINA)


def _shifted(number: str) -> str:
    if len(number) == 20:
        return number[:5] + f"{int(number[5:]) + _DIGITAL_SHIFT:015d}"
    if len(number) == 8:
        return f"{(int(number) + _CLASSIC_SHIFT) % 100_000_000:08d}"
    return number


def demo_state(today: dt.date | None) -> SimState:
    state = clear_due(demo_clock(today), invoices=INVOICES, seed=7)
    for rec in state.invoices:
        rec["number"] = _shifted(rec["number"])
        if rec.get("red_of"):
            rec["red_of"] = _shifted(rec["red_of"])
    return state


@dataclass
class DemoDisk:
    server: SimServer
    service: DeviceService
    socket_dir: Path
    seeded: bool = False  # the disk's records are in the store
    announced: bool = False  # and the poller has been told so
    _seeding: threading.Lock = field(default_factory=threading.Lock)

    @property
    def socket_path(self) -> Path:
        return self.service.socket_path

    @classmethod
    def start(cls, today: dt.date | None = None) -> DemoDisk:
        server = SimServer(Disk(demo_state(today)))
        url = server.start_pty()
        # A short path of its own: Unix sockets allow ~100 bytes, data dirs can be long.
        socket_dir = demo_folder()  # removed by the next demo if this one is killed
        service = DeviceService(url, socket_dir / "disk.sock")
        service.start()
        return cls(server, service, socket_dir)

    def stop(self) -> None:
        self.service.stop()
        self.server.stop()
        shutil.rmtree(self.socket_dir, ignore_errors=True)

    def seed_store(self, app: FapiaoApp) -> bool:
        """Once the store is open: seed it unless the store's start-up did (``seed``). True
        once, the first time the store is open and seeded: the poller reads it again then."""
        if self.announced or app.store_state != "ready":
            return False
        if not self.seeded:
            with app.store_connection():
                self.seed()
        self.announced = True
        return True

    def seed(self) -> None:
        """The disk's records but the newest few, marked synced, into the store open on this
        thread; once, whichever thread comes first."""
        from devices.sync import to_record
        from storage.demo.space import DEMO_BRANCH
        from storage.store.database import write
        from storage.store.invoice_store import save_invoices
        from storage.store.sync_state import record_synced_seq

        with self._seeding:
            if self.seeded:
                return
            state = self.server.disk.state
            upto = state.last_seq - UNSYNCED
            records = [to_record(parse_invoice(r)) for r in state.invoices if r["seq"] <= upto]

            def seed() -> None:  # idempotent: an earlier run's records come back unchanged
                save_invoices(records, branch=DEMO_BRANCH)
                record_synced_seq(state.device_id, upto)

            write(seed)
            self.seeded = True
