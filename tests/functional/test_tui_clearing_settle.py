"""A clear whose terminal died after sending it is settled when the app next starts: the app
asks the disk (TXN), records the results and tells the user."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from devices.client import ClearKind
from devices.service_client import ServiceClient, ServiceConnection
from storage.clearing import journal
from storage.clearing.journal import ClearRun, RunState
from storage.config.settings import Settings
from storage.store.database import close_database, open_database, write
from tests.support.tui import TODAY, disk_service, fresh_demo_store, log_in, wait_for
from tui.app import FapiaoApp

PERIOD = "2026-02"  # the demo disk's due period on TODAY (2026-03-15)


async def test_an_unsettled_clear_is_settled_at_log_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = fresh_demo_store(tmp_path)
    with disk_service(monkeypatch) as (disk, server, service):
        txn = str(uuid.uuid4())
        open_database(f"sqlite:///{store}")

        def journaled() -> int:
            run = journal.open_run(device_id=disk.state.device_id, period=PERIOD, kind="ordinary",
                                   types=[], reason="", started_by="super", confirmed_by="super",
                                   backup_id="b", scan={})  # fmt: skip
            journal.open_step(disk.state.device_id, PERIOD, "CLEAR", txn,
                              {"period": PERIOD, "kind": "ordinary", "types": [], "reason": ""},
                              "super", run.id)  # fmt: skip
            return int(run.id)

        run_id = write(journaled)
        close_database()
        other = ServiceClient(ServiceConnection(service.socket_path).connect())
        other.login("88888888")
        other.clear(PERIOD, ClearKind.ORDINARY, txn)  # ...and then the terminal died
        other.close()
        app = FapiaoApp(
            Settings(device_url=server.url).with_defaults(), demo=True, today=TODAY, demo_path=store
        )
        told: list[str] = []
        shown = app.notify

        def notify(message: str, **options: object) -> None:  # what reaches the clerk's screen
            told.append(message)
            shown(message, **options)  # type: ignore[arg-type]

        app.notify = notify  # type: ignore[method-assign]
        async with app.run_test(size=(80, 24)) as pilot:
            await log_in(pilot, "super", "super", keep_reminder=True)
            await wait_for(pilot, lambda: any("已在税控盘完成" in m for m in told), timeout=15)
    open_database(f"sqlite:///{store}")
    try:
        assert ClearRun.get_by_id(run_id).state == RunState.DONE
    finally:
        close_database()
    assert disk.executions["CLEAR"] == 1
