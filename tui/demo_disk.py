"""The demo's disk: the simulator on a pty and a device service, both inside the app.

The disk is in the state where a clear is due: every type 已抄税未清卡 with the deadline
three days ahead (the 15th; after the 12th of a month the disk's clock is set to the 12th of
the next one). The store holds the disk's records but the newest few (``UNSYNCED``), so the
lookup's "not synced yet" and the sync have something to show. Demo PIN: ``PIN``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from devices.client import parse_invoice
from devices.service import DeviceService
from devices.simulator import Disk, SimServer, SimState, build
from devices.simulator.scenarios import add_invoices
from devices.simulator.state import CHINA

if TYPE_CHECKING:
    from tui.app import FapiaoApp

PIN = "88888888"
INVOICES = 200
UNSYNCED = 3
_CLASSIC_SHIFT = 80_000_000  # the demo store's own numbers stay clear of the disk's
_DIGITAL_SHIFT = 900_000


def demo_clock(today: dt.date | None) -> dt.datetime:
    """10:00 (or now) on a day three days before a deadline, near ``today``."""
    now = dt.datetime.now(CHINA)
    day = today or now.date()
    time = dt.time(10, 0) if today is not None else now.timetz().replace(microsecond=0)
    if day.day > 12:
        day = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=12)
    return dt.datetime.combine(day, time.replace(tzinfo=None), tzinfo=CHINA)


def _shifted(number: str) -> str:
    if len(number) == 20:
        return number[:5] + f"{int(number[5:]) + _DIGITAL_SHIFT:015d}"
    if len(number) == 8:
        return f"{(int(number) + _CLASSIC_SHIFT) % 100_000_000:08d}"
    return number


def demo_state(today: dt.date | None) -> SimState:
    clock = demo_clock(today)
    state = build("reported", invoices=0)
    state.set_clock(clock)
    first = clock.date().replace(day=1)
    open_period = (first - dt.timedelta(days=1)).strftime("%Y-%m")
    reported_on = (clock.date() - dt.timedelta(days=2)).isoformat()
    for record in state.types:
        record.open_period = open_period
        record.reported = True
        record.last_report = reported_on
    add_invoices(state, INVOICES, end=clock.date(), days=32, seed=7)
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
    seeded: bool = False

    @property
    def socket_path(self) -> Path:
        return self.service.socket_path

    @classmethod
    def start(cls, today: dt.date | None = None) -> DemoDisk:
        server = SimServer(Disk(demo_state(today)))
        url = server.start_pty()
        # A short path of its own: Unix sockets allow ~100 bytes, data dirs can be long.
        socket_dir = Path(tempfile.mkdtemp(prefix="fapiao-demo-"))
        service = DeviceService(url, socket_dir / "disk.sock")
        service.start()
        return cls(server, service, socket_dir)

    def stop(self) -> None:
        self.service.stop()
        self.server.stop()
        shutil.rmtree(self.socket_dir, ignore_errors=True)

    def seed_store(self, app: FapiaoApp) -> bool:
        """Once the store is open: the disk's records but the newest few, marked synced."""
        if self.seeded or app.store_state != "ready":
            return False
        from devices.sync import to_record
        from storage.database import write
        from storage.demo import DEMO_BRANCH
        from storage.invoice_store import save_invoices
        from storage.sync_state import record_synced_seq

        state = self.server.disk.state
        upto = state.last_seq - UNSYNCED
        records = [to_record(parse_invoice(r)) for r in state.invoices if r["seq"] <= upto]

        def seed() -> None:  # idempotent: an earlier run's records come back unchanged
            save_invoices(records, branch=DEMO_BRANCH)
            record_synced_seq(state.device_id, upto)

        with app.store_connection():
            write(seed)
        self.seeded = True
        return True
