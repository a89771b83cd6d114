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
from typing import TYPE_CHECKING

from textual.message_pump import MessagePump

from tui.language import Said, msg, said_of, t
from tui.messages import SyncFinished, SyncProgressed, post_from_thread

if TYPE_CHECKING:
    from devices.sync import SyncProgress
    from tui.app import FapiaoApp

log = logging.getLogger("fapiao.tui.sync")


def start_sync(app: FapiaoApp, asker: MessagePump | None = None) -> bool:
    """Start a sync; False (and a notice) when one runs already or there is no disk.

    The worker posts ``SyncProgressed`` and ``SyncFinished`` to ``asker`` (the screen that
    asked, else the app); ``SyncFinished`` bubbles on to the app, which says the result."""
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
    app.run_worker(lambda: _sync(app, asker or app), thread=True, exclusive=True,
                   group="disk-sync", name="disk-sync", exit_on_error=False)  # fmt: skip
    return True


def _sync(app: FapiaoApp, asker: MessagePump) -> None:
    from devices.errors import DiskError, DiskProblem, DiskRestarted, WrongPin
    from devices.pin import login_with_keyring_pin
    from devices.sync import sync_disk
    from storage.accounts.permissions import PermissionDenied

    live = app.disk_live
    session = app.session
    client = live.client
    said: Said | None
    ok, said = False, None  # None: the worker failed, and the app said so already
    try:
        assert session is not None
        if client is None:
            raise DiskProblem(t("tui.disk.disconnected"))

        def progress(step: SyncProgress) -> None:
            post_from_thread(asker, SyncProgressed(step.fetched))

        def relogin() -> None:  # the keyring's PIN only (a typed one is never kept)
            if login_with_keyring_pin(client, rejected=live.rejected_pins) is None:
                raise DiskRestarted()

        with app.store_connection():
            # Logging in again is for a login the disk lost, never a first login behind F6.
            logged_in = live.status is not None and live.status.logged_in
            result = sync_disk(session, client, progress=progress,
                               relogin=relogin if logged_in else None)  # fmt: skip
        ok = True
        said = msg("disk_live.sync.done", added=result.added, updated=result.updated)
    except PermissionDenied as exc:
        said = msg("disk_live.sync.failed", detail=said_of(exc))
    except (DiskError, WrongPin) as exc:
        said = msg("disk_live.sync.failed", detail=exc.message or exc.code)
    except DiskProblem as exc:
        said = msg("disk_live.sync.failed", detail=said_of(exc))
    finally:
        live.sync_running = False
        live.poke()
        post_from_thread(asker, SyncFinished(ok, said))
