"""Every running terminal shows a new notice within a few seconds (issue 10, step 9).

A thread worker asks the store every ``POLL`` seconds for notices newer than the last one it
saw — one indexed query, nothing sent to the screen when there is none — and shows each as a
toast in the terminal's language. A notice that the clearing settings changed makes the
terminal reload them (the reminder days in the header follow). A second worker retries the
mail that is still waiting, every ``MAIL_EVERY`` seconds, when this terminal has a mail
server configured; the store's claim keeps two terminals from sending one notice twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from tui.language import language
from tui.messages import NoticesArrived, StoreSettingsRead, post_from_thread

if TYPE_CHECKING:
    from storage.config.settings import Settings
    from storage.notices import PostedNotice
    from tui.app import FapiaoApp

log = logging.getLogger("fapiao.tui.notices")

POLL = 2.0  # seconds between two looks at the store
TICK = 0.25  # the longest a cancelled worker waits before it notices
MAIL_FIRST = 5.0  # mail left by a terminal that stopped is retried soon after start
MAIL_EVERY = 60.0
TOAST_SECONDS = 20
TOAST_LINES = 8  # a toast at 80×24 stays readable; the mail has every line


class NoticeFeed:
    """Owned by the app (``app.notice_feed``), started once the store is open."""

    def __init__(self, app: FapiaoApp) -> None:
        self.app = app
        self.last_id: int | None = None  # None until the first look: older notices are not shown
        self.shown: list[int] = []  # ids shown as toasts (tests)
        self._started = False
        self._wake = threading.Event()

    def start(self) -> None:
        if self._started:
            return
        self._started = True
        self.app.run_worker(self._watch, thread=True, exclusive=True, group="notices",
                            name="notice-feed", exit_on_error=False)  # fmt: skip
        self.app.run_worker(self._retry_mail, thread=True, exclusive=True, group="notice-mail",
                            name="notice-mail", exit_on_error=False)  # fmt: skip

    def poke(self) -> None:
        """Look now (after this terminal posted a notice itself)."""
        self._wake.set()

    def _sleep(self, seconds: float, cancelled: Callable[[], bool]) -> None:
        waited = 0.0
        while waited < seconds and not cancelled():
            if self._wake.wait(TICK):
                self._wake.clear()
                return
            waited += TICK

    # -- the notices ---------------------------------------------------------------------

    def _watch(self) -> None:
        from storage.config.stored import SETTINGS_CHANGED, effective_settings
        from storage.notices import latest_notice_id, notices_after

        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        reload = True
        while not cancelled():
            try:
                with self.app.store_connection():  # kept while the store answers
                    while not cancelled():
                        if reload:
                            reload = False
                            settings = effective_settings(self.app.file_settings)
                            post_from_thread(self.app, StoreSettingsRead(settings))
                        if self.last_id is None:
                            self.last_id = latest_notice_id()
                        else:
                            new = notices_after(self.last_id)
                            if new:
                                self.last_id = new[-1].id
                                reload = any(n.kind == SETTINGS_CHANGED for n in new)
                                post_from_thread(self.app, NoticesArrived(new))
                                if reload:
                                    continue
                        self._sleep(POLL, cancelled)
            except Exception as exc:  # the store away: try again later, the screen goes on
                log.info("notice poll failed: %s", type(exc).__name__)
                self._sleep(POLL, cancelled)

    def show(self, notices: list[PostedNotice]) -> None:
        """On the loop (the app's ``NoticesArrived`` handler): one toast per notice, for
        whoever is logged in here."""
        if self.app.session is None:
            return
        for notice in notices:
            shown = language()  # the app's choice now, not the one it started with
            lines = notice.body_lines(shown)
            if len(lines) > TOAST_LINES:
                lines = [*lines[: TOAST_LINES - 1], "…"]
            subject = notice.subject_text(shown)
            self.app.notify("\n".join(lines) or subject, title=subject,
                            severity=notice.severity, timeout=TOAST_SECONDS)  # type: ignore[arg-type]  # fmt: skip
            self.shown.append(notice.id)

    # -- the mail ------------------------------------------------------------------------

    def _retry_mail(self) -> None:
        from storage.notices import deliver_pending

        worker = get_current_worker()

        def cancelled() -> bool:
            return worker.is_cancelled

        wait = MAIL_FIRST
        while not cancelled():
            waited = 0.0
            while waited < wait and not cancelled():
                time.sleep(TICK)
                waited += TICK
            wait = MAIL_EVERY
            settings: Settings = self.app.settings
            if cancelled() or not (settings.smtp_url and settings.notify_to):
                continue
            report = deliver_pending(settings)  # never raises; opens its own connection
            if report.sent or report.failed:
                log.info("mail retry: %d sent, %d failed", report.sent, report.failed)
