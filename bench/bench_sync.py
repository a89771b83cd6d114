"""Sync of 10,000 invoices from the simulated disk over a real pty into a fresh SQLite store,
beside a same-run baseline: the same INVOICES pages fetched as raw frames over the same pty
(the link alone: no typed parsing, no store). Rounds alternate which goes first; median and
min–max of each.

* A — raw frames: ``Link.request("INVOICES", …)`` page after page, bodies discarded.
* B — ``devices.sync.sync_invoices``: what ``fapiao sync`` and F6 both call, into a fresh store.
* C — the installed ``fapiao sync --json`` in a subprocess, as an admin runs it (start-up,
  argon2 log-in, PIN, sync), into a fresh store.

Targets: ≥ 2,000 invoices/s for the sync (B), and the link's bytes on the wire per invoice
within 10% of the invoice's own JSON (framing, requests, SEQ and CRC are the overhead).
Checked: every round stores every record (B, C) and fetches every record (A).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from devices.client import DiskClient
from devices.frames import dump_json
from devices.link import Link
from devices.simulator import Disk, SimServer, build
from devices.sync import sync_invoices
from storage.accounts.users import add_user
from storage.store.database import close_database, open_database
from storage.store.models import Invoice, Role
from storage.store.schema import upgrade

COUNT = 10_000
ROUNDS = 5
PIN = "88888888"
PASSWORD = "bench-password-1"
PAGE = 200


def _spread(values: list[float], digits: int = 3) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def _raw_frames(url: str, count: int) -> float:
    client = DiskClient.connect(url)
    try:
        client.login(PIN)
        link: Link = client.link
        fetched, after = 0, 0
        started = time.perf_counter()
        while True:
            reply = link.request("INVOICES", {"after": after, "limit": PAGE})
            records = reply.body["invoices"]
            if not records:
                break
            fetched += len(records)
            after = max(r["seq"] for r in records)
            if after >= reply.body["last_seq"]:
                break
        elapsed = time.perf_counter() - started
    finally:
        client.close()
    assert fetched == count, (fetched, count)
    return elapsed


def _fresh_store(root: Path, name: str) -> str:
    url = f"sqlite:///{root / name}"
    upgrade(open_database(url))
    add_user("boss", PASSWORD, role=Role.SUPERVISOR, branch="总部")
    return url


def _sync(url: str, root: Path, n: int, count: int) -> tuple[float, int]:
    _fresh_store(root, f"sync-{n}.db")
    try:
        with DiskClient.connect(url) as client:
            client.login(PIN)
            sent, received = client.link.bytes_sent, client.link.bytes_received
            started = time.perf_counter()
            result = sync_invoices(client, branch="总部")
            elapsed = time.perf_counter() - started
            wire = client.link.bytes_sent - sent + client.link.bytes_received - received
        assert result.added == count == Invoice.select().count(), result
    finally:
        close_database()
    return elapsed, wire


def _cli(url: str, root: Path, n: int, count: int) -> float:
    db_url = _fresh_store(root, f"cli-{n}.db")
    close_database()
    secrets = root / "secrets"
    secrets.mkdir(mode=0o700, exist_ok=True)
    for name, value in (("pw", PASSWORD), ("pin", PIN)):
        (secrets / name).write_text(value)
        (secrets / name).chmod(0o600)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAPIAO_")}
    env.update(
        FAPIAO_DATA_DIR=str(root / "data"),
        FAPIAO_CONFIG=str(root / "none.toml"),
        FAPIAO_DATABASE_URL=db_url,
        FAPIAO_DEVICE_URL=url,
        FAPIAO_DEVICE_SOCKET=str(root / "none.sock"),  # no service: the command opens the pty
        FAPIAO_USER="boss",
        FAPIAO_PASSWORD_FILE=str(secrets / "pw"),
        FAPIAO_PIN_FILE=str(secrets / "pin"),
    )
    fapiao = str(Path(sys.executable).with_name("fapiao"))
    started = time.perf_counter()
    done = subprocess.run([fapiao, "sync", "--json"], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == count, done.stdout
    return elapsed


def run(count: int = COUNT, rounds: int = ROUNDS) -> dict[str, Any]:
    state = build("issuing", invoices=count)
    payload = sum(len(dump_json(rec).encode("utf-8")) for rec in state.invoices)
    records = len(state.invoices)
    server = SimServer(Disk(state))
    url = server.start_pty()
    raw: list[float] = []
    synced: list[float] = []
    cli: list[float] = []
    wire = 0
    try:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            for n in range(rounds):
                order = ("raw", "sync", "cli") if n % 2 == 0 else ("cli", "sync", "raw")
                for step in order:
                    if step == "raw":
                        raw.append(_raw_frames(url, records))
                    elif step == "sync":
                        seconds, wire = _sync(url, root, n, records)
                        synced.append(seconds)
                    else:
                        cli.append(_cli(url, root, n, records))
    finally:
        server.stop()
    return {
        "invoices": records,
        "rounds": rounds,
        "raw_frames_s": _spread(raw),
        "sync_s": _spread(synced),
        "sync_invoices_per_s": _spread([records / s for s in synced], 0),
        "raw_frames_invoices_per_s": _spread([records / s for s in raw], 0),
        "sync_vs_raw_frames_time": _spread([s / r for s, r in zip(synced, raw, strict=True)]),
        "cli_fapiao_sync_s": _spread(cli),
        "target_invoices_per_s": 2000,
        "wire_bytes_per_invoice": round(wire / records, 1),
        "json_bytes_per_invoice": round(payload / records, 1),
        "overhead_pct": round(100 * (wire - payload) / payload, 2),
        "target_overhead_pct": 10,
    }


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:28} {value}")
