"""The Fapiao Desk terminal app: login first, then the F-key screens (SPEC "The TUI").

Nothing that touches the store runs on the event loop: opening it, logging in, looking up
and loading a detail are thread workers that post their results back. A failed worker is
logged and told to the user in one place (``on_worker_state_changed``); no traceback ever
reaches the clerk's screen.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import var
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState

from storage.config.settings import Settings
from storage.messages import both
from storage.messages import language as context_language
from tui import stylesheet_cache
from tui.commands import DeskCommands, DeskPalette
from tui.disk_state import DiskState
from tui.escape_keys import as_typed
from tui.key_order import KeyGate
from tui.language import Said, render, said_of, t, user_text
from tui.messages import (
    DiskStateChanged,
    NoticesArrived,
    Reminder,
    ScannerRead,
    ScannerStateChanged,
    StoreFailed,
    StoreOpened,
    StoreSettingsRead,
    SyncFinished,
)
from tui.screens.base import DeskScreen
from tui.screens.help import HelpScreen
from tui.screens.login import LoginScreen
from tui.wide_cuts import keep_wide_characters_whole

if TYPE_CHECKING:
    from textual.driver import Driver

    from storage.accounts.users import Session
    from storage.lookup.engine import LookupOptions
    from tui.disk_live import DiskLive

log = logging.getLogger("fapiao.tui")

_NEEDS_LOGIN = {"open", "toggle_void_red"}


def _lookup_screen() -> Screen[Any]:
    # Imported on first use: the lookup's widgets are not needed to show the login screen.
    from tui.screens.lookup import LookupScreen

    return LookupScreen()


def _checklist_screen() -> Screen[Any]:
    from tui.screens.checklist import ChecklistScreen

    return ChecklistScreen()


def _backup_screen() -> Screen[Any]:
    from tui.screens.backup import BackupScreen

    return BackupScreen()


def _clearing_screen() -> Screen[Any]:
    from tui.screens.clearing import ClearingScreen

    return ClearingScreen()


def _clearing_log_screen() -> Screen[Any]:
    from tui.screens.clearing_log import ClearLogScreen

    return ClearLogScreen()


def _users_screen() -> Screen[Any]:
    from tui.screens.users import UsersScreen

    return UsersScreen()


def _clearing_settings_screen() -> Screen[Any]:
    from tui.screens.clearing_settings import ClearingSettingsScreen

    return ClearingSettingsScreen()


def _summary_screen() -> Screen[Any]:
    from tui.screens.summary import SummaryScreen

    return SummaryScreen()


def _audit_screen() -> Screen[Any]:
    from tui.screens.audit_log import AuditLogScreen

    return AuditLogScreen()


class FapiaoApp(App[int]):
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "Fapiao Desk"
    COMMANDS: ClassVar[set[Any]] = {DeskCommands}
    MODES: ClassVar[dict[str, Any]] = {
        "lookup": _lookup_screen,
        "checklist": _checklist_screen,
        "clearing": _clearing_screen,
        "clearing_log": _clearing_log_screen,
        "backup": _backup_screen,
        "users": _users_screen,
        "audit": _audit_screen,
        "disk": lambda: __import__("tui.screens.disk", fromlist=["DiskScreen"]).DiskScreen(),
        "clearing_settings": _clearing_settings_screen,
        "summary": _summary_screen,
    }
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit"),
        Binding("f1", "help", "Help", show=False, id="app.help"),
        Binding("f2", "open('lookup')", "Lookup", show=False, id="app.lookup"),
        Binding("f3", "open('checklist')", "Checklist", show=False, id="app.checklist"),
        Binding("f4", "open('clearing')", "Clearing", show=False, id="app.clearing"),
        Binding("f5", "open('backup')", "Backup", show=False, id="app.backup"),
        Binding("f6", "open('disk')", "Disk", show=False, id="app.disk"),
        Binding("f7", "toggle_void_red", "Void/red", show=False, id="app.void_red"),
        Binding("f8", "toggle_language", "Language", show=False, id="app.language"),
        Binding("f10", "open('summary')", "Summary", show=False, id="app.summary"),
    ]

    session: var[Session | None] = var(None)
    language: var[str] = var("zh")
    show_void_red: var[bool] = var(True)
    disk_state: var[DiskState] = var(DiskState)
    store_state: var[str] = var("opening")  # opening | ready | no_users | failed
    clear_remind_days: var[int] = var(5)  # the header's reminder window (settings, store)

    def __init__(
        self,
        settings: Settings,
        *,
        demo: bool = False,
        today: dt.date | None = None,
        demo_path: Path | None = None,
        ansi: bool = False,
        demo_disk: bool = True,
    ) -> None:
        """``today`` fixes the demo data's dates and the lookup's "today" (tests, screenshots);
        ``demo_path`` puts the demo store elsewhere; ``ansi`` uses the terminal's 16 colours."""
        stylesheet_cache.install()  # each screen's CSS parsed once a process (see there)
        keep_wide_characters_whole()  # Chinese under a toast (see tui.wide_cuts)
        super().__init__()
        self.file_settings = settings  # the file and environment; the store's are laid over
        self.settings = settings  # in force: ``apply_settings`` once the store is read
        self.demo = demo
        self.today = today
        self.demo_path = demo_path
        self.demo_disk = demo and demo_disk  # the built-in simulator behind the header strip
        self.store_error: Said = ""
        self.key_gate = KeyGate(self)  # keys from the terminal, in order (tui.key_order)
        # Nothing slides (the checklist's tab underline, scrolls): over SSH every in-between
        # frame crosses the line, and each is a redraw on the box; things land in one frame.
        self.animation_level = "none"
        self._disk_live: DiskLive | None = None
        # The language the app starts in: the caller's (settings, --lang); F8 switches it here.
        self.set_reactive(FapiaoApp.language, context_language())
        self.set_reactive(FapiaoApp.clear_remind_days, settings.clear_remind_days)
        if ansi:
            self.theme = "ansi-dark"

    def get_driver_class(self) -> type[Driver]:
        from textual.drivers.linux_driver import LinuxDriver

        from tui.driver import DiffingDriver

        driver = super().get_driver_class()
        # Only the changed lines go to the terminal (see tui.screen_diff for Textual's cause).
        return DiffingDriver if driver is LinuxDriver else driver

    async def on_event(self, event: events.Event) -> None:
        # Keys read together each go where the keys before them left the focus, in order
        # (see tui.key_order for Textual's cause).
        if isinstance(event, events.Key) and not event.is_forwarded:
            for key in as_typed(event):  # Esc and the key after it stay two (tui.escape_keys)
                await self.key_gate.route(key, super().on_event)
            return
        if isinstance(event, events.Paste) and not event.is_forwarded:
            await self.key_gate.route(event, super().on_event)
            return
        await super().on_event(event)

    def get_default_screen(self) -> Screen[Any]:
        return LoginScreen()

    def on_load(self) -> None:
        from tui.threads import use_language_executor

        use_language_executor()  # thread workers render in the language shown when they start

    def on_mount(self) -> None:
        self.disk_state = DiskState(configured=self.disk_configured)
        # After the first frame: the login form is on screen and takes typing while the
        # store opens (importing peewee in a thread would hold the GIL during start-up).
        self.call_after_refresh(self._start_workers)
        from tui.notice_feed import NoticeFeed

        self.notice_feed = NoticeFeed(self)  # started once the store is open
        from tui.scanner_bridge import start_scanner

        self.scanner = start_scanner(self)  # a serial scanner, when one is configured

    def on_unmount(self) -> None:
        from tui.scanner_bridge import stop_scanner

        stop_scanner(self.scanner)

    @property
    def disk_configured(self) -> bool:
        """A disk behind the header's strip: one configured, or the demo's own."""
        return bool(self.settings.device_url) or self.demo_disk

    @property
    def disk_live(self) -> DiskLive:
        """The disk strip's poller; F6 and sync use it too. Made after the first frame
        (``_start_workers``): its modules, the disk's client and service, took ~0.1 s before it."""
        if self._disk_live is None:
            from tui.disk_live import DiskLive

            self._disk_live = DiskLive(self)
        return self._disk_live

    def _start_workers(self) -> None:
        disk_live = self.disk_live  # made here, on the loop, before any thread asks for it
        self._open_store()
        disk_live.start()  # the demo's disk loads the store's modules in its thread

    # -- the store

    @work(thread=True, exclusive=True, group="store", exit_on_error=False, name="open-store")
    def _open_store(self) -> None:
        from storage.store.drivers import load_peewee

        # The demo's store is SQLite too.
        load_peewee("sqlite:" if self.demo else self.settings.database_url)
        import peewee

        from storage.store.database import StoreUnreachable, database_proxy, open_database
        from storage.store.models import User

        try:
            if self.demo:
                from storage.demo.space import prepare_demo_store

                prepare_demo_store(self.demo_path, today=self.today)
                self.disk_live.seed_demo_store()
            else:
                from storage.store.schema import upgrade

                upgrade(open_database(self.settings.database_url, create=False))
            has_users = User.select().exists()
        except (StoreUnreachable, peewee.PeeweeException, OSError) as exc:
            log.warning("store unreachable: %s", exc)
            self.post_message(StoreFailed(said_of(exc)))
            return
        finally:
            db = database_proxy.obj
            if db is not None and not db.is_closed():
                db.close()  # this thread ends here; each worker opens its own connection
        self.post_message(StoreOpened(has_users))

    def on_disk_state_changed(self, event: DiskStateChanged) -> None:
        if not self.is_running:
            return  # shutting down: the screens that would show it are being taken apart
        self.disk_live.publish(event.state)

    def on_reminder(self, event: Reminder) -> None:
        self.notify(render(event.said), severity="warning", timeout=event.timeout)

    def on_store_settings_read(self, event: StoreSettingsRead) -> None:
        self.apply_settings(event.settings)

    def on_notices_arrived(self, event: NoticesArrived) -> None:
        self.notice_feed.show(event.notices)

    def on_scanner_read(self, event: ScannerRead) -> None:
        from tui.scanner_bridge import deliver

        deliver(self, event.text)

    def on_scanner_state_changed(self, event: ScannerStateChanged) -> None:
        from tui.scanner_bridge import state_changed

        state_changed(self, event.state)

    def on_sync_finished(self, event: SyncFinished) -> None:
        if event.said is not None:
            self.notify(render(event.said))

    def on_store_opened(self, event: StoreOpened) -> None:
        self.store_state = "ready" if event.has_users else "no_users"
        self.notice_feed.start()

    def apply_settings(self, settings: Settings) -> None:
        """Take the app-changeable settings from ``settings`` (the file's with the store's
        over them: a supervisor changed them here or on another terminal); the rest of
        ``self.settings`` is left as it is."""
        from dataclasses import replace

        from storage.config.stored import CHANGEABLE

        self.settings = replace(
            self.settings, **{key: getattr(settings, key) for key in CHANGEABLE}
        )
        self.clear_remind_days = settings.clear_remind_days

    def on_store_failed(self, event: StoreFailed) -> None:
        self.store_error = event.detail
        self.store_state = "failed"

    @contextmanager
    def store_connection(self) -> Iterator[None]:
        """A connection for the calling worker thread, closed when it is done."""
        from storage.store.database import database_proxy

        with database_proxy.obj.connection_context():
            yield

    def lookup_options(self) -> LookupOptions:
        from devices.disk_context import with_disk
        from storage.lookup.engine import LookupOptions

        options = LookupOptions(show_void_red=self.show_void_red, today=self.today)
        return with_disk(options, self.disk_live.lookup_context())  # "not synced yet"

    # -- logging in and moving between screens

    def logged_in(self, session: Session) -> None:
        log.info("logged in: %s (%s)", session.username, session.role.value)
        self.session = session
        self.switch_mode("lookup")
        self._remind_at_login()
        from tui.clearing_settle import settle_on_start

        settle_on_start(self)  # a clear a crash left unsettled is settled with the disk

    @work(thread=True, exclusive=True, group="reminder", exit_on_error=False, name="reminder")
    def _remind_at_login(self) -> None:
        """Besides the daily timer: say so at log-in when the last backup is over a day old;
        and when a clear is due within ``clear_remind_days`` (tui/clear_reminder.py)."""
        from storage.backup.reminder import backup_reminder
        from tui.clear_reminder import clearing_reminder

        reminder = backup_reminder(self.settings)
        if reminder is not None:
            self.post_message(Reminder(reminder, timeout=10))
        text = clearing_reminder(self)
        if text:
            self.post_message(Reminder(text, timeout=15))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in _NEEDS_LOGIN and self.session is None:
            return False
        # not while a modal (e.g. the command palette) is open
        return not (action in _NEEDS_LOGIN | {"help"} and isinstance(self.screen, ModalScreen))

    async def action_open(self, mode: str) -> None:
        if isinstance(self.screen, HelpScreen):
            await self.pop_screen()
        if self.current_mode != mode:
            await self.switch_mode(mode)
        elif mode == "lookup":
            while len(self.screen_stack) > 1:  # F2 on a detail goes back to the list
                await self.pop_screen()

    def action_command_palette(self) -> None:
        if self.use_command_palette and not DeskPalette.is_open(self):  # type: ignore[arg-type]
            self.push_screen(DeskPalette())

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_toggle_void_red(self) -> None:
        self.show_void_red = not self.show_void_red

    def action_toggle_language(self) -> None:
        # The app's choice only: texts read it when shown (tui.language), every screen and
        # widget that holds words re-renders on the change; no query runs again.
        self.language = "en" if self.language == "zh" else "zh"

    async def action_quit(self) -> None:
        from tui.quit_guard import quit_when_idle

        quit_when_idle(self)  # asks first while a backup or restore runs, in any mode

    # -- errors

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        self.worker_state_changed(event)

    def worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a failed worker is logged and told to the user. Textual posts the
        event to the worker's own node without bubbling, so screens forward theirs here."""
        if event.state is not WorkerState.ERROR:
            return
        worker = event.worker
        error = worker.error
        log.error("worker %s failed", worker.name, exc_info=error)
        from storage.errors import FapiaoError

        # An error with words of its own (a tampered audit log, a missing store) says them.
        text = user_text(error) if isinstance(error, FapiaoError) else type(error).__name__
        self.notify(t("tui.error.worker", detail=text), severity="error", timeout=8)
        if isinstance(worker.node, DeskScreen):
            worker.node.worker_failed(worker)

    # Textual has no public hook for an unhandled error: these two private methods are
    # overridden, and tests/functional/test_tui_crash.py fails if Textual changes them.
    def _handle_exception(self, error: Exception) -> None:
        log.error("unhandled error in the app", exc_info=error)
        super()._handle_exception(error)

    def _print_error_renderables(self) -> None:
        # Textual would print a traceback; the clerk gets one line, the log has the rest.
        if self._exit_renderables:
            self._exit_renderables.clear()
            self.error_console.print(both("error.internal", detail="tui"), markup=False)


def few_colours(environ: dict[str, str] | None = None) -> bool:
    """A 16-colour terminal (TERM=linux, TERM=xterm, no COLORTERM): use its own palette."""
    env = os.environ if environ is None else environ
    if env.get("COLORTERM", "").lower() in ("truecolor", "24bit"):
        return False
    return not env.get("TERM", "").endswith("256color")


def run_app(settings: Settings, *, demo: bool = False) -> int:
    app = FapiaoApp(settings, demo=demo, ansi=few_colours())
    try:
        code = app.run(mouse=False)
    finally:
        # Imported here, once the app is done: the first frame comes before the store's modules.
        from storage.store.database import close_database

        close_database()
    return int(code if code is not None else app.return_code or 0)
