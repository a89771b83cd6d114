"""The log-in reminder that a clear is due (issue 10, step 10): from ``clear_remind_days``
before the disk's deadline every terminal says so once at log-in (the header keeps showing
it, ``tui.widgets.disk_strip``). The deadline comes from the disk's STATUS."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from tui.disk_state import clear_reminder, due_soon
from tui.language import t

if TYPE_CHECKING:
    from tui.app import FapiaoApp

log = logging.getLogger("fapiao.tui.reminder")

WAIT_FOR_DISK = 3.0  # at log-in the disk's first STATUS may still be on its way


def remind_days_now(app: FapiaoApp) -> int:
    """The reminder window in force, read from the store (a thread worker calls this)."""
    from storage.config.stored import effective_settings

    try:
        with app.store_connection():
            return effective_settings(app.file_settings).clear_remind_days
    except Exception as exc:  # the store away: the file's value
        log.info("reminder days from the file: %s", type(exc).__name__)
        return app.settings.clear_remind_days


def clearing_reminder(app: FapiaoApp) -> str:
    """What to tell at log-in, "" when no clear is due soon. Runs in a thread worker."""
    remind_days = remind_days_now(app)
    until = time.monotonic() + WAIT_FOR_DISK
    while app.disk_state.configured and not app.disk_state.connected and time.monotonic() < until:
        time.sleep(0.05)
    state = app.disk_state
    line = clear_reminder(state, remind_days)
    if line is None:
        return ""
    if line.state == "locked" or line.deadline is None or line.days_left is None:
        text = t("tui.notices.remind_locked", type=line.type)
    else:
        text = t("tui.notices.remind_due", type=line.type, days=line.days_left,
                 deadline=f"{line.deadline.month:02d}-{line.deadline.day:02d}")  # fmt: skip
    others = sum(1 for other in state.types if other is not line and due_soon(other, remind_days))
    if others:
        text += t("tui.notices.remind_others", n=others)
    return text
