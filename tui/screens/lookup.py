"""发票查询: one box, results as you type, the detail on Enter, the diagnosis on no match.

Typing restarts a 150 ms timer; the lookup runs in a thread worker (exclusive: a newer query
supersedes an older one) and posts its result back; a result for text no longer in the box
is dropped. A scanner's QR string ending in Enter is just a query submitted at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import DataTable, Input, OptionList, Static
from textual.worker import Worker, get_current_worker

from tui.language import render, t
from tui.messages import DiskLoginDone, LookupDone, MarkDone, SyncFinished
from tui.scanner_bridge import Scanned
from tui.screens.base import DeskScreen
from tui.screens.detail import DetailScreen
from tui.typing_focus import focus_and_type
from tui.widgets.diagnosis import SYNC, Diagnosis
from tui.widgets.invoice_table import InvoiceTable

if TYPE_CHECKING:
    from storage.accounts.users import Session
    from storage.lookup.engine import InvoiceSummary, LookupOptions, LookupResult
    from storage.tracking.marks import Mark

DEBOUNCE = 0.15
# "正在查询…" only for an answer slower than this: most come within a frame or two, and the line
# would flash (two more frames down the clerk's SSH line) for nothing.
SEARCHING_AFTER = 0.1


class LookupScreen(DeskScreen):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="lookup.back"),
        Binding("down", "to_results", show=False, id="lookup.to_results"),
        # marking received invoices: Space ticks the row under the cursor, F9 marks the ticked
        # ones (or the row under the cursor)
        Binding("space", "toggle_selected", show=False, id="lookup.select"),
        Binding("f9", "mark", show=False, id="lookup.mark"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self.result: LookupResult | None = None
        self._searching_for = ""
        self._marked_query: str | None = None  # a search re-run after marking keeps its rows
        self._searching_shown: Timer | None = None

    def compose_body(self) -> ComposeResult:
        yield Input(id="query", max_length=500)
        yield Static(id="lookup-status")
        yield InvoiceTable(id="results")
        yield Diagnosis(id="diagnosis")

    @property
    def query_box(self) -> Input:
        return self.query_one("#query", Input)

    @property
    def table(self) -> InvoiceTable:
        return self.query_one(InvoiceTable)

    @property
    def diagnosis(self) -> Diagnosis:
        return self.query_one(Diagnosis)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_box.cursor_blink = False  # a blinking cursor redraws every idle terminal
        self.diagnosis.display = False
        self.watch(self.desk, "show_void_red", self._filter_changed, init=False)
        self.retranslate()
        self.query_box.focus()

    def retranslate(self) -> None:
        self.query_box.placeholder = t("tui.lookup.placeholder")
        self.table.retranslate()
        result = self.result
        if result is not None and not result.matches and result.query:
            self._show(result)  # the causes are messages: said again, not searched again
        else:
            self._update_status()

    def _filter_changed(self) -> None:
        self._update_status()
        self._search_now()

    # -- typing and searching

    @on(Input.Changed, "#query")
    def _typed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._search_now)

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        text = self.query_box.value.strip()
        if self.result is not None and self.result.query == text and self.result.matches:
            if len(self.result.matches) == 1:  # the one invoice: straight to it
                self.open_detail(self.result.matches[0].id)
            else:
                self.table.focus()
            return
        self._search_now()
        self.query_box.select_all()  # the next scan replaces this one

    def _search_now(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        session = self.desk.session
        if session is None:
            return
        text = self.query_box.value.strip()
        self._searching_for = text
        if not text:
            self.workers.cancel_group(self, "lookup")
            self._show(None)
            return
        if self._searching_shown is not None:
            self._searching_shown.stop()
        self._searching_shown = self.set_timer(
            SEARCHING_AFTER, lambda: self._update_status(searching=True)
        )
        self._run_lookup(text, session, self.desk.lookup_options())

    @work(thread=True, exclusive=True, group="lookup", exit_on_error=False, name="lookup")
    def _run_lookup(self, text: str, session: Session, options: LookupOptions) -> None:
        from storage.lookup.engine import LookupFailed, LookupResult, lookup
        from storage.rules.query_kind import classify

        worker = get_current_worker()
        try:
            with self.desk.store_connection():
                result = lookup(text, session, options)
        except LookupFailed as exc:  # the store answers; this one search was refused
            result = LookupResult(text, classify(text).kind, problem=exc.message)
        if not worker.is_cancelled:
            self.post_message(LookupDone(result))

    def on_lookup_done(self, event: LookupDone) -> None:
        if event.result.query != self._searching_for:
            return  # the box has changed since; a newer lookup is on its way
        self._show(event.result, keep_selection=event.result.query == self._marked_query)
        self._marked_query = None

    # -- showing

    def _show(self, result: LookupResult | None, *, keep_selection: bool = False) -> None:
        self.result = result
        table, diagnosis = self.table, self.diagnosis
        if result is None or result.matches or not result.query:
            table.show(result.matches if result else (), keep_selection=keep_selection)
            table.display = True
            diagnosis.display = False
        elif result.problem:
            diagnosis.show_problem(result.problem)
            table.display = False
            diagnosis.display = True
        else:
            diagnosis.show(result.causes)
            diagnosis.highlighted = next(
                (i for i, option in enumerate(diagnosis.options) if not option.disabled), None
            )
            table.display = False
            diagnosis.display = True
        self._update_status()

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == "lookup":
            self._searching_for = ""
            self._update_status()  # not "searching…" for ever; the notice said what failed

    def on_screen_resume(self) -> None:
        # Back from F6 or a detail: a sync may have run meanwhile, so a "not found" may be stale.
        if self.result is not None and not self.result.matches and self.query_box.value.strip():
            self._search_now()

    def _update_status(self, searching: bool = False) -> None:
        if not searching and self._searching_shown is not None:  # the answer came first
            self._searching_shown.stop()
            self._searching_shown = None
        result = self.result
        if searching:
            left = t("tui.lookup.searching")
        elif result is None or not result.query:
            left = t("tui.lookup.prompt")
        elif result.more:
            left = t("tui.lookup.shown_latest", n=len(result.matches))
        elif result.matches:
            left = t("tui.lookup.count", n=len(result.matches))
        elif result.problem:
            left = t("tui.lookup.unsearchable")
        else:
            # a scanned QR is long: the filter state after it must stay on the line
            query = result.query if len(result.query) <= 24 else result.query[:23] + "…"
            left = t("tui.lookup.not_found", query=query)
        shown = self.desk.show_void_red
        right = t("tui.lookup.void_red_shown" if shown else "tui.lookup.void_red_hidden")
        if not searching and self.table.display and self.table.tracking:
            left += "  ·  " + t("tui.lookup.selected", n=len(self.table.selected))
        self.query_one("#lookup-status", Static).update(f"{left}  ·  {right}")

    # -- moving and opening

    def on_key(self, event: events.Key) -> None:
        """Typing on the list or the diagnosis starts the next query: the clerk with a queue
        types the next number straight away. (Keys the list uses never get here.)"""
        if not (event.is_printable and event.character) or event.key in self.active_bindings:
            return
        # (The keys of a burst after this one wait until the box has the focus: key_order.)
        if self.focused in (self.table, self.diagnosis):
            event.stop()
            focus_and_type(self, self.query_box, event.character)

    @on(Scanned)
    def _scanned(self, event: Scanned) -> None:
        """A scan from the serial scanner: a query submitted at once, like a wedge scan."""
        box = self.query_box
        box.value = event.text
        box.focus()
        self._search_now()
        box.select_all()  # the next scan replaces this one

    def action_back(self) -> None:
        if not self.query_box.has_focus:
            self.query_box.focus()
        elif self.query_box.value:
            self.query_box.value = ""

    def action_to_results(self) -> None:
        if self.table.display and self.table.row_count:
            self.table.focus()
        elif self.diagnosis.display and self.diagnosis.has_candidates:
            self.diagnosis.focus()

    @on(DataTable.RowSelected, "#results")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.open_detail(int(event.row_key.value))

    @on(OptionList.OptionSelected, "#diagnosis")
    def _candidate_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id == SYNC:
            self._sync_now()
        elif event.option.id is not None:
            self.open_detail(int(event.option.id))

    def _sync_now(self) -> None:
        """Sync, then search again. A disk not logged in asks for its PIN right here (a clerk
        at the counter has no reason to know that F6 is where the PIN goes)."""
        from tui.disk_sync import start_sync

        live = getattr(self.desk, "disk_live", None)
        needs_pin = (
            live is not None
            and live.client is not None
            and live.status is not None
            and not live.status.logged_in
        )
        if not needs_pin:
            start_sync(self.desk, self)
            return
        from tui.screens.clearing_dialogs import PinDialog

        def typed(pin: str | None) -> None:
            if pin is not None:
                self._log_in_then_sync(pin)

        self.app.push_screen(PinDialog(), typed)

    @work(thread=True, exclusive=True, group="disk-login", exit_on_error=False)
    def _log_in_then_sync(self, pin: str) -> None:
        from tui.disk_login import log_in_with_pin

        said, ok = log_in_with_pin(self.desk.disk_live, pin)
        self.post_message(DiskLoginDone(said, ok))

    def on_disk_login_done(self, event: DiskLoginDone) -> None:
        if not event.ok:
            self.notify(render(event.said), severity="error")
            return
        from tui.disk_sync import start_sync

        start_sync(self.desk, self)

    def on_sync_finished(self, event: SyncFinished) -> None:
        if event.ok:  # the answer may be different now (the event goes on to the app)
            self._search_now()

    def open_detail(self, invoice_id: int) -> None:
        self.app.push_screen(DetailScreen(invoice_id))

    # -- marking 入账 / 报销

    def action_toggle_selected(self) -> None:
        if self.focused is not self.table:
            return
        if self.table.toggle_selected():
            self.table.action_cursor_down()  # the next row, ready for the next Space
            self._update_status()
        elif (row := self._cursor_invoice()) is not None and row.direction != "received":
            self.notify(t("tui.mark.issued"), severity="warning")

    def _cursor_invoice(self) -> InvoiceSummary | None:
        """The invoice under the results' cursor; None with no results shown."""
        table = self.table
        if not (table.display and table.summaries):
            return None
        return table.summaries[min(max(table.cursor_row, 0), len(table.summaries) - 1)]

    def action_mark(self) -> None:
        ids = sorted(self.table.selected)
        issued = False
        if not ids and (row := self._cursor_invoice()) is not None:
            ids = [row.id] if row.direction == "received" else []
            issued = not ids
        if not ids or self.desk.session is None:
            self.notify(t("tui.mark.issued" if issued else "tui.mark.none"), severity="warning")
            return
        from tui.screens.mark_dialog import MarkDialog

        def chosen(mark: Mark | None) -> None:
            if mark is not None and self.desk.session is not None:
                self.query_one("#lookup-status", Static).update(t("tui.mark.working", n=len(ids)))
                self._run_mark(ids, mark, self.desk.session)

        self.app.push_screen(MarkDialog(len(ids)), chosen)

    @work(thread=True, exclusive=True, group="mark", exit_on_error=False, name="mark")
    def _run_mark(self, ids: list[int], mark: Mark, session: Session) -> None:
        from storage.accounts.permissions import PermissionDenied
        from storage.tracking.marks import MarkRefused, mark_invoices

        try:
            with self.desk.store_connection():
                result = mark_invoices(session, ids, mark)
        except MarkRefused as exc:
            self.post_message(MarkDone(None, exc.message.text()))
        except PermissionDenied as exc:
            self.post_message(MarkDone(None, str(exc)))
        else:
            self.post_message(MarkDone(result))

    def on_mark_done(self, event: MarkDone) -> None:
        from tui.tracking_text import done_text

        if event.error:  # on the status line until the next search, and as a toast
            self.notify(event.error, severity="error", timeout=10)
            self.query_one("#lookup-status", Static).update(event.error)
            return
        self.notify(done_text(event.result))  # type: ignore[arg-type]
        self.table.selected = set()
        self._marked_query = self.query_box.value.strip()  # keep the cursor where it was
        self._search_now()  # the list shows the new marks
