"""Sync of 10,000 invoices from the simulated disk over a real pty into a fresh SQLite store.

Targets: ≥ 2,000 invoices/s end to end, and the link's bytes on the wire per invoice within
10% of the invoice's own JSON (framing, requests, SEQ and CRC are the overhead).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from devices.client import DiskClient
from devices.frames import dump_json
from devices.simulator import Disk, SimServer, build
from devices.sync import sync_invoices
from storage.store.database import close_database, open_database
from storage.store.schema import upgrade

COUNT = 10_000


def run(count: int = COUNT) -> dict[str, float]:
    state = build("issuing", invoices=count)
    payload = sum(len(dump_json(rec).encode("utf-8")) for rec in state.invoices)
    disk = Disk(state)
    server = SimServer(disk)
    url = server.start_pty()
    with tempfile.TemporaryDirectory() as tmp:
        upgrade(open_database(f"sqlite:///{Path(tmp) / 'bench.db'}"))
        try:
            with DiskClient.connect(url) as client:
                client.login("88888888")
                sent_before, received_before = client.link.bytes_sent, client.link.bytes_received
                started = time.perf_counter()
                result = sync_invoices(client, branch="总部")
                elapsed = time.perf_counter() - started
                wire = (client.link.bytes_sent - sent_before
                        + client.link.bytes_received - received_before)  # fmt: skip
        finally:
            close_database()
            server.stop()
    records = len(state.invoices)
    assert result.added == records, result
    return {
        "invoices": records,
        "seconds": round(elapsed, 3),
        "invoices_per_s": round(records / elapsed, 1),
        "target_invoices_per_s": 2000,
        "wire_bytes_per_invoice": round(wire / records, 1),
        "json_bytes_per_invoice": round(payload / records, 1),
        "overhead_pct": round(100 * (wire - payload) / payload, 2),
        "target_overhead_pct": 10,
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:24} {value}")
