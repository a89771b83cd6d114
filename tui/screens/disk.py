"""F6 税控盘: what the disk says about itself (HELLO), each invoice type's state and limits,
offline invoices pending, login with the PIN, the disk's own log, and sync.

The PIN is a secret: it goes from the password box straight to one LOGIN and is forgotten;
never stored, never logged. An empty box uses the keyring's PIN where one is kept. A wrong
PIN shows the tries left and is never sent again by the app (a keyring PIN that failed is
removed from the keyring).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Input, Static

from storage.messages import catalogue
from tui.language import Said, msg, render, t
from tui.messages import DiskLoginDone, DiskLogLoaded, SyncFinished, SyncProgressed
from tui.screens.base import MAIN_HINTS, DeskScreen, Hints
from tui.widgets.disk_strip import state_word

if TYPE_CHECKING:
    from devices.client import LogEntry
    from tui.disk_live import DiskLive

LOG_LIMIT = 100
_TYPE_COLUMNS = ("type", "state", "deadline", "window", "last_report", "stock", "limit", "offline")
_LOG_COLUMNS = ("time", "op", "ok", "detail")


def _day(value: object) -> str:
    return f"{value.month:02d}-{value.day:02d}" if hasattr(value, "month") else "—"  # type: ignore[attr-defined]


def _yuan(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"


def op_name(op: str) -> str:
    """The disk log's operation in the language shown (``LOGIN`` → 登录)."""
    key = f"tui.disk.op.{op}"
    return t(key) if key in catalogue() else op


class DiskScreen(DeskScreen):
    HINTS: ClassVar[Hints] = (
        ("⏎", "disk_live.key.login"), ("F9", "disk_live.key.sync"), ("^R", "disk_live.key.log"),
        ("Esc", "disk_live.key.back"), *MAIN_HINTS[:2], MAIN_HINTS[-1],
    )  # fmt: skip
    DEFAULT_CSS = """
    DiskScreen #disk-facts { height: auto; padding: 0 1; }
    DiskScreen #disk-types { height: auto; max-height: 8; margin: 1 0 0 0; }
    DiskScreen #disk-login-row { height: 3; margin: 1 0 0 0; }
    DiskScreen #disk-pin-label { width: auto; height: 3; padding: 0 1; content-align: left middle; }
    DiskScreen #disk-pin { width: 30; }
    DiskScreen #disk-demo-hint { width: 1fr; height: 3; padding: 0 1; content-align: left middle; }
    DiskScreen #disk-message { height: 1; padding: 0 1; text-style: bold; }
    DiskScreen #disk-log { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="disk.back"),
        Binding("f9", "sync", show=False, id="disk.sync"),
        Binding("ctrl+r", "reload_log", show=False, id="disk.reload_log"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.login_message: Said = ""
        self.sync_message: Said = ""
        self.log_entries: tuple[LogEntry, ...] | None = None
        self.login_attempts = 0  # LOGIN requests this screen sent (each from a user's Enter)

    @property
    def live(self) -> DiskLive | None:
        return getattr(self.app, "disk_live", None)

    def compose_body(self) -> ComposeResult:
        yield Static(id="disk-facts")
        yield DataTable(id="disk-types", cursor_type="none", zebra_stripes=False)
        with Horizontal(id="disk-login-row"):
            yield Static(id="disk-pin-label")
            yield Input(id="disk-pin", password=True, max_length=32)
            yield Static(id="disk-demo-hint")
        yield Static(id="disk-message")
        yield DataTable(id="disk-log", cursor_type="none")

    def on_mount(self) -> None:
        super().on_mount()
        pin = self.query_one("#disk-pin", Input)
        pin.cursor_blink = False  # no idle redraws over SSH
        live = self.live
        if live is not None:
            live.listeners.append(self._disk_changed)
        self.retranslate()
        pin.focus()

    def on_unmount(self) -> None:
        live = self.live
        if live is not None and self._disk_changed in live.listeners:
            live.listeners.remove(self._disk_changed)

    def retranslate(self) -> None:
        self.query_one("#disk-pin-label", Static).update(t("disk_live.pin_label"))
        self.query_one("#disk-pin", Input).placeholder = t("disk_live.pin_placeholder")
        hint = self.query_one("#disk-demo-hint", Static)
        hint.display = self.desk.demo
        if self.desk.demo:
            from tui.demo_disk import PIN

            hint.update(t("disk_live.demo_pin", pin=PIN))
        types = self.query_one("#disk-types", DataTable)
        types.clear(columns=True)
        for name in _TYPE_COLUMNS:
            types.add_column(t(f"disk_live.col.{name}"), key=name)
        log = self.query_one("#disk-log", DataTable)
        log.clear(columns=True)
        for name in _LOG_COLUMNS:
            log.add_column(t(f"disk_live.col.{name}"), key=name)
        self._disk_changed()
        self._show_log()

    # -- what the disk says

    def _disk_changed(self) -> None:
        live = self.live
        facts = self.query_one("#disk-facts", Static)
        state = self.desk.disk_state
        status = live.status if live is not None else None
        if live is None or not live.configured:
            facts.update(t("disk_live.screen.not_configured"))
        elif not state.connected or status is None:
            facts.update(t("disk_live.screen.disconnected", detail=state.problem or "…")
                         if state.problem else t("disk_live.screen.waiting"))  # fmt: skip
        else:
            text = Text()
            info = live.info
            if info is not None:
                text.append(t("disk_live.screen.facts", device_id=info.device_id, model=info.model,
                              firmware=info.firmware, taxpayer_name=info.taxpayer_name,
                              taxpayer_id=info.taxpayer_id) + "\n")  # fmt: skip
            login = t("disk_live.screen.logged_in" if status.logged_in
                      else "disk_live.screen.logged_out")  # fmt: skip
            text.append(t("disk_live.screen.status", clock=status.clock.date().isoformat(),
                          period=status.period, seq=status.last_invoice_seq,
                          offline=status.offline_pending, login=login))  # fmt: skip
            facts.update(text)
        types = self.query_one("#disk-types", DataTable)
        types.clear()
        if state.connected and status is not None:
            for line in status.types:
                window = (f"{_day(line.window[0])}~{line.window[1].day:02d}"
                          if line.window else "—")  # fmt: skip
                hours = (t("disk_live.hours", n=line.offline_hours_left)
                         if line.offline_hours_left is not None else "—")  # fmt: skip
                types.add_row(
                    line.type, state_word(line.state.value), _day(line.deadline), window,
                    _day(line.last_report), "—" if line.stock is None else str(line.stock),
                    _yuan(line.single_limit), f"{hours}/{_yuan(line.offline_amount_left)}",
                )  # fmt: skip
            if status.logged_in and self.log_entries is None:
                self.action_reload_log()
        self._show_message()

    def _show_message(self) -> None:
        parts = [render(p) for p in (self.login_message, self.sync_message) if p]
        self.query_one("#disk-message", Static).update("  ".join(parts))

    def _show_log(self) -> None:
        log = self.query_one("#disk-log", DataTable)
        log.clear()
        entries = self.log_entries
        if entries is None:
            log.add_row("", "", "", t("disk_live.log_needs_login"))
            return
        if not entries:
            log.add_row("", "", "", t("disk_live.log_empty"))
        for entry in reversed(entries):  # newest first
            log.add_row(entry.time.strftime("%m-%d %H:%M"), op_name(entry.op),
                        t("disk_live.ok" if entry.ok else "disk_live.failed"), entry.detail)  # fmt: skip

    # -- login

    @on(Input.Submitted, "#disk-pin")
    def _pin_submitted(self) -> None:
        box = self.query_one("#disk-pin", Input)
        pin = box.value
        box.value = ""  # the PIN leaves the screen at once
        live = self.live
        if live is None or live.client is None:
            self.login_message = msg(
                "disk_live.screen.disconnected", detail=msg("tui.disk.disconnected")
            )
            self._show_message()
            return
        self.login_message = msg("disk_live.logging_in")
        self._show_message()
        box.disabled = True
        self._log_in(pin)

    @work(thread=True, exclusive=True, group="disk-login", exit_on_error=False, name="disk-login")
    def _log_in(self, typed: str) -> None:
        from tui.disk_login import log_in_with_pin

        live = self.live
        assert live is not None

        def counted() -> None:
            self.login_attempts += 1

        said, ok = log_in_with_pin(live, typed, on_send=counted)
        self.post_message(DiskLoginDone(said, ok))

    def on_disk_login_done(self, event: DiskLoginDone) -> None:
        ok = event.ok
        self.login_message = event.said
        box = self.query_one("#disk-pin", Input)
        box.disabled = False
        box.focus()
        self._show_message()
        live = self.live
        if ok:
            self.action_reload_log()
            if live is not None:
                live.poke()

    # -- log and sync

    def action_reload_log(self) -> None:
        live = self.live
        if live is not None and live.client is not None:
            self._load_log()

    @work(thread=True, exclusive=True, group="disk-log", exit_on_error=False, name="disk-log")
    def _load_log(self) -> None:
        from devices.errors import DiskProblem, NotLoggedIn

        live = self.live
        client = live.client if live is not None else None
        if live is None or client is None:
            return
        try:
            entries: tuple[LogEntry, ...] | None = client.log(0, LOG_LIMIT)
        except NotLoggedIn:
            entries = None
        except DiskProblem:
            return
        self.post_message(DiskLogLoaded(entries))

    def on_disk_log_loaded(self, event: DiskLogLoaded) -> None:
        self.log_entries = event.entries
        self._show_log()

    def action_sync(self) -> None:
        from tui.disk_sync import start_sync

        if start_sync(self.desk, self):
            self.sync_message = msg("disk_live.sync.running", n=0)
            self._show_message()

    def on_sync_progressed(self, event: SyncProgressed) -> None:
        self.sync_message = msg("disk_live.sync.running", n=event.fetched)
        self._show_message()

    def on_sync_finished(self, event: SyncFinished) -> None:
        self.sync_message = ""
        self._show_message()
        if event.ok:  # (the event goes on to the app, which says the result)
            self.action_reload_log()

    async def action_back(self) -> None:
        await self.app.run_action("open('lookup')")
