"""The clearing flow's own overhead over the disk's time (issue 10: ≤ 1 s for a clear).

Same run, same simulator on a real pty, the disk taking ``DISK_SECONDS`` for each CLEAR,
alternating over ``ROUNDS`` rounds:

* A — the bare command: one ``CLEAR`` frame with a new txn, sent by a ``DiskClient``, timed
  to its reply (the disk's own time plus the link);
* B — ``execute()`` of the flow in this process (reconcile, backup check, journal before
  sending, the CLEAR, the journal after, the disk's LOG kept);
* C — the installed ``fapiao clear --yes`` in a subprocess, as an admin runs it (start-up,
  log-in, the PIN, preflight, scan with sync, the clear, the results).

Each round clears a fresh disk (its own device id), and every round checks that the disk ran
exactly one CLEAR and that the CLI exited 0.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from devices.clearing.model import ClearingContext, ClearPlan
from devices.clearing.scan import scan
from devices.clearing.steps import execute
from devices.client import ClearKind, DiskClient
from devices.simulator import Disk, SimServer
from devices.simulator.scenarios import clear_due
from devices.simulator.state import CHINA
from storage.accounts.users import Session, add_user
from storage.config.settings import Settings
from storage.store.database import close_database, open_database
from storage.store.models import Role
from storage.store.schema import upgrade

ROUNDS = 5
DISK_SECONDS = 2.0
PIN = "88888888"
PASSWORD = "bench-password-1"
PASSPHRASE = "bench backup passphrase"


def _fresh(disk: Disk, n: int) -> str:
    state = clear_due(dt.datetime.now(CHINA).replace(microsecond=0), invoices=60, seed=n)
    state.device_id = f"6616{n:08d}"
    disk.state = state
    return (state.now().date().replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")


def _secret(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return str(path)


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 3), "min": round(min(values), 3),
            "max": round(max(values), 3)}  # fmt: skip


def run(rounds: int = ROUNDS) -> dict[str, Any]:
    disk = Disk(
        clear_due(dt.datetime.now(CHINA)), long_seconds=DISK_SECONDS, progress_interval=0.25
    )
    server = SimServer(disk)
    url = server.start_pty()
    bare: list[float] = []
    flow: list[float] = []
    cli: list[float] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        db_url = f"sqlite:///{root / 'store.db'}"
        upgrade(open_database(db_url))
        add_user("boss", PASSWORD, role=Role.SUPERVISOR, branch="总部")
        settings = Settings(database_url=db_url, backup_dir=str(root / "backups"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("FAPIAO_")}
        env.update({
            "FAPIAO_DATA_DIR": str(root / "data"), "FAPIAO_CONFIG": str(root / "none.toml"),
            "FAPIAO_DATABASE_URL": db_url, "FAPIAO_BACKUP_DIR": str(root / "backups"),
            "FAPIAO_DEVICE_URL": url, "FAPIAO_DEVICE_SOCKET": str(root / "none.sock"),
            "FAPIAO_PASSWORD_FILE": _secret(root / "pw", PASSWORD),
            "FAPIAO_PIN_FILE": _secret(root / "pin", PIN),
            "FAPIAO_BACKUP_PASSPHRASE_FILE": _secret(root / "bp", PASSPHRASE), "FAPIAO_USER": "boss",
        })  # fmt: skip
        close_database()
        for step in (["backup"], ["backup", "verify"]):  # every round finds a fresh verified backup
            taken = subprocess.run([sys.executable, "-m", "tui.cli.main", *step], env=env,
                                   capture_output=True, text=True, check=False)  # fmt: skip
            assert taken.returncode == 0, taken.stderr
        open_database(db_url)
        boss = Session("boss", Role.SUPERVISOR, "总部")
        try:
            for n in range(rounds):
                period = _fresh(disk, 3 * n)
                with DiskClient.connect(url) as client:
                    client.login(PIN)
                    started = time.perf_counter()
                    client.clear(period, ClearKind.ORDINARY, str(uuid.uuid4()))
                    bare.append(time.perf_counter() - started)
                period = _fresh(disk, 3 * n + 1)
                with DiskClient.connect(url) as client:
                    client.login(PIN)
                    ctx = ClearingContext(
                        client=client, settings=settings, backup_passphrase=PASSPHRASE
                    )
                    found = scan(boss, ctx, period)
                    plan = ClearPlan(period, ClearKind.ORDINARY, (), "", True, found,
                                     targets=found.recommendation.types)  # fmt: skip
                    started = time.perf_counter()
                    outcome = execute(boss, boss, ctx, plan)
                    flow.append(time.perf_counter() - started)
                assert outcome.all_ok, outcome
                assert [e["op"] for e in disk.state.log].count("CLEAR") == 1
                period = _fresh(disk, 3 * n + 2)
                close_database()
                started = time.perf_counter()
                done = subprocess.run([sys.executable, "-m", "tui.cli.main", "clear", "--period", period,
                                       "--kind", "ordinary", "--yes"], env=env, capture_output=True,
                                      text=True, check=False)  # fmt: skip
                cli.append(time.perf_counter() - started)
                open_database(db_url)
                assert done.returncode == 0, done.stderr
                assert [e["op"] for e in disk.state.log].count("CLEAR") == 1
        finally:
            close_database()
            server.stop()
    overhead_flow = [f - b for f, b in zip(flow, bare, strict=True)]
    overhead_cli = [c - b for c, b in zip(cli, bare, strict=True)]
    return {
        "rounds": rounds, "disk_seconds_per_clear": DISK_SECONDS,
        "A_bare_clear_s": _spread(bare), "B_flow_execute_s": _spread(flow),
        "C_fapiao_clear_cli_s": _spread(cli),
        "B_minus_A_s": _spread(overhead_flow), "C_minus_A_s": _spread(overhead_cli),
        "target_overhead_s": 1.0,
    }  # fmt: skip


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:24} {value}")
