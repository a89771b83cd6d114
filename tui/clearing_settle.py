"""At log-in, settle what a crashed or cut-off clear left in the journal (docs/clearing.md):
in a thread worker, once the disk is reachable, ``devices.clearing.steps.reconcile``; each
settled step is told to the user."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from tui.messages import Reminder, post_from_thread

if TYPE_CHECKING:
    from tui.app import FapiaoApp

log = logging.getLogger("fapiao.tui.clearing")

DISK_WAIT = 15.0  # seconds to wait for the disk connection after log-in


def settle_on_start(app: FapiaoApp) -> None:
    if app.session is None or not app.disk_live.configured:
        return
    app.run_worker(lambda: _settle(app), thread=True, group="clear-settle", name="clear-settle",
                   exclusive=True, exit_on_error=False)  # fmt: skip


def _settle(app: FapiaoApp) -> None:
    from storage.clearing import journal

    session = app.session
    with app.store_connection():
        # Asked of the journal alone: the clearing steps load the backup service with its
        # crypto and compression, ~20 MiB in every counter's app, for nothing to settle.
        if session is None or not journal.unsettled_steps():
            return
        from devices.clearing.model import ClearingContext
        from devices.clearing.steps import reconcile

        deadline = time.monotonic() + DISK_WAIT
        while app.disk_live.client is None and time.monotonic() < deadline:
            time.sleep(0.25)
        client = app.disk_live.client
        if client is None:
            return  # the next start, F4 or `fapiao clear log` settles it
        settled = reconcile(session, ClearingContext(client=client, settings=app.settings))
    for item in settled:
        log.info("clear journal settled: %s %s %s", item.cmd, item.txn, item.outcome)
        post_from_thread(app, Reminder(item.message, timeout=15))
