"""Sync from the app (F6, and the lookup's "not synced yet" cause): ``devices.sync.sync_disk``
in a thread worker over the app's service connection, the count as it goes, the result.

The use case checks the role and writes the audit entry; the sync needs a logged-in disk.
Every page is saved with its position in one transaction, so a dropped SSH session loses
nothing and the next sync resumes. A disk that restarts mid-sync is logged in again once with
the keyring's PIN where one is kept (a typed PIN is never kept); without one the sync says the
disk restarted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from storage.messages import t

if TYPE_CHECKING:
    from devices.sync import SyncProgress
    from tui.app import FapiaoApp

log = logging.getLogger("fapiao.tui.sync")

ProgressShown = Callable[[int], None]


def start_sync(app: FapiaoApp, on_progress: ProgressShown | None = None,
               on_done: Callable[[bool], None] | None = None) -> bool:  # fmt: skip
    """Start a sync; False (and a notice) when one runs already or there is no disk."""
    live = getattr(app, "disk_live", None)
    if live is None or live.client is None or app.session is None:
        app.notify(t("disk_live.sync.failed", detail=t("tui.disk.disconnected")),
                   severity="error")  # fmt: skip
        return False
    if live.sync_running:
        app.notify(t("disk_live.sync.already"), severity="warning")
        return False
    live.sync_running = True
    app.notify(t("disk_live.sync.started"))
    app.run_worker(lambda: _sync(app, on_progress, on_done), thread=True, group="disk-sync",
                   name="disk-sync", exit_on_error=False)  # fmt: skip
    return True


def _sync(app: FapiaoApp, on_progress: ProgressShown | None,
          on_done: Callable[[bool], None] | None) -> None:  # fmt: skip
    from devices.errors import DiskError, DiskProblem, DiskRestarted, WrongPin
    from devices.pin import login_with_keyring_pin
    from devices.sync import sync_disk
    from storage.accounts.permissions import PermissionDenied
    from storage.messages import user_text

    live = app.disk_live
    session = app.session
    client = live.client
    ok = False
    try:
        assert session is not None
        if client is None:
            raise DiskProblem("tui.disk.disconnected")

        def progress(step: SyncProgress) -> None:
            if on_progress is not None:
                live.on_loop(on_progress, step.fetched)

        def relogin() -> None:  # the keyring's PIN only (a typed one is never kept)
            if login_with_keyring_pin(client, rejected=live.rejected_pins) is None:
                raise DiskRestarted()

        with app.store_connection():
            # Logging in again is for a login the disk lost, never a first login behind F6.
            logged_in = live.status is not None and live.status.logged_in
            result = sync_disk(session, client, progress=progress,
                               relogin=relogin if logged_in else None)  # fmt: skip
        ok = True
        live.on_loop(app.notify, t("disk_live.sync.done", added=result.added,
                                   updated=result.updated))  # fmt: skip
    except PermissionDenied as exc:
        live.on_loop(app.notify, t("disk_live.sync.failed", detail=str(exc)))
    except (DiskError, WrongPin) as exc:
        live.on_loop(app.notify, t("disk_live.sync.failed", detail=exc.message or exc.code))
    except DiskProblem as exc:
        live.on_loop(app.notify, t("disk_live.sync.failed", detail=user_text(exc)))
    finally:
        live.sync_running = False
        live.poke()
        if on_done is not None:
            live.on_loop(on_done, ok)
