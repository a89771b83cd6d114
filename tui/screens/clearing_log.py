"""清卡记录: the clearing history — who started, who confirmed, when, kind, period, per-type
results, the backup, the txn — filtered by period, result and person, exported to XLSX/CSV.

Reading and exporting go through ``storage.clearing.history`` (which checks the role and
audits the export), in thread workers; a page for filters changed since is dropped.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Input, Label, Select, Static
from textual.worker import Worker

from storage.clearing.journal import FINISHED_RUN_STATES, RunState
from tui.display import fit
from tui.language import Said, msg, said_of, t, text_of
from tui.screens.base import ADMIN_HINTS, DeskScreen, Hints
from tui.screens.clearing_dialogs import ExportDialog
from tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from storage.accounts.users import Session
    from storage.clearing.history import RunView

_STATES = (RunState.RUNNING, *FINISHED_RUN_STATES)
#: The columns before the per-type results; each as wide as its widest cell, one cell apart
#: (the table's own two-cell padding leaves no room at 80 columns in English).
_COLUMNS = ("id", "started_at", "period", "kind", "state", "started_by", "confirmed_by")
_MIN_RESULTS = 10


def per_type(view: RunView) -> str:
    """``✓3 ✗007``: how many types cleared, and which failed (a mark, never a colour alone)."""
    if not view.results:
        return "—"
    cleared = sum(1 for r in view.results if r.get("ok"))
    failed = [str(r.get("type")) for r in view.results if not r.get("ok")]
    return " ".join([f"✓{cleared}"] * bool(cleared) + [f"✗{code}" for code in failed])


class HistoryLoaded(Message):
    def __init__(self, generation: int, views: list[RunView], error: Said = "") -> None:
        super().__init__()
        self.generation = generation
        self.views = views
        self.error = error


class Exported(Message):
    def __init__(self, text: Said, ok: bool) -> None:
        super().__init__()
        self.text = text
        self.ok = ok


class ClearLogScreen(DeskScreen):
    DEFAULT_CSS = """
    ClearLogScreen #clear-log-filters { height: 1; padding: 0 1; }
    ClearLogScreen #clear-log-filters Label { width: auto; margin: 0 1 0 0; }
    ClearLogScreen #clear-log-filters Input { width: 10; margin-right: 1; }
    ClearLogScreen #clear-log-filters Select { width: 18; margin-right: 1; }
    ClearLogScreen .clear-log-line { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    ClearLogScreen #clear-log-status { color: $text-muted; }
    ClearLogScreen #clear-log { height: 1fr; }
    ClearLogScreen #clear-log-detail { height: 6; padding: 0 1; }
    ClearLogScreen #clear-log-result.-error { color: $error; text-style: bold; }
    """
    HINTS: ClassVar[Hints] = ADMIN_HINTS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="clear_log.back"),
        Binding("x", "export", show=False, id="clear_log.export"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.views: list[RunView] = []
        self.fetching = False  # (not ``loading``: a widget's own reactive, which blanks it)
        self._generation = 0
        self._result: tuple[Said, bool] = ("", False)

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="clear-log-filters"):
            yield Label(id="l-period")
            yield Input(id="f-period", compact=True, max_length=7, placeholder="YYYY-MM")
            yield Label(id="l-state")
            yield Select[str](
                self._state_options(), id="f-state", compact=True, allow_blank=False, value=""
            )
            yield Label(id="l-user")
            yield Input(id="f-user", compact=True, max_length=50)
        yield Static(id="clear-log-status", classes="clear-log-line")
        yield DataTable(id="clear-log", cursor_type="row")
        yield Static(id="clear-log-detail")
        yield StatusLine(id="clear-log-result", classes="clear-log-line")
        yield Static(id="clear-log-hints", classes="clear-log-line")

    @staticmethod
    def _state_options() -> list[tuple[str, str]]:
        return [(t("tui.clear_log.state_all"), "")] + [
            (t(f"clear.state_run.{s}"), s) for s in _STATES
        ]

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#clear-log", DataTable)

    def on_mount(self) -> None:
        super().on_mount()
        for box in self.query(Input):
            box.cursor_blink = False
        self.retranslate()
        self.table.focus()

    def on_screen_resume(self) -> None:
        self.apply_filters()  # a clear may have finished since

    def retranslate(self) -> None:
        for name in ("period", "state", "user"):
            self.query_one(f"#l-{name}", Label).update(t(f"tui.clear_log.filter.{name}"))
        select = self.query_one("#f-state", Select)
        chosen = select.value
        with select.prevent(Select.Changed):
            select.set_options(self._state_options())
            chosen = chosen if isinstance(chosen, str) else ""
            select.value = (
                _STATES[0] if chosen != _STATES[0] else ""
            )  # a change: the label is redrawn
            select.value = chosen
        self.query_one("#clear-log-hints", Static).update(t("tui.clear_log.hints"))
        self._fill()
        self._show_result(*self._result)

    # -- filters

    @on(Input.Submitted)
    @on(Select.Changed)
    def apply_filters(self) -> None:
        from devices.clearing.model import PERIOD

        session = self.desk.session
        if session is None:
            return
        period = self.query_one("#f-period", Input).value.strip()
        if period and not PERIOD.match(period):
            self._show_result(msg("tui.clear_log.bad_period", text=period), error=True)
            return
        state = self.query_one("#f-state", Select).value
        user = self.query_one("#f-user", Input).value.strip()
        self._generation += 1
        self.fetching = True
        self._update_status()
        self._load(session, period or None, state if isinstance(state, str) and state else None,
                   user or None, self._generation)  # fmt: skip

    @work(thread=True, exclusive=True, group="clear-log", exit_on_error=False, name="clear-log")
    def _load(self, session: Session, period: str | None, state: str | None, user: str | None,
              generation: int) -> None:  # fmt: skip
        from storage.accounts.permissions import PermissionDenied
        from storage.clearing.history import clear_history

        try:
            with self.desk.store_connection():
                views = clear_history(session, period=period, state=state, username=user)
        except PermissionDenied as refused:
            self.post_message(HistoryLoaded(generation, [], said_of(refused)))
            return
        self.post_message(HistoryLoaded(generation, views))

    def on_history_loaded(self, event: HistoryLoaded) -> None:
        if event.generation != self._generation:
            return  # the filters changed since
        self.fetching = False
        self.views = event.views
        if event.error:
            self._show_result(event.error, error=True)
        self._fill()

    # -- export

    def action_export(self) -> None:
        if self.desk.session is None:
            return

        def chosen(path: str | None) -> None:
            session = self.desk.session
            if path and session is not None:
                self._export(session, Path(path), list(self.views))

        self.app.push_screen(ExportDialog(), chosen)

    @work(
        thread=True,
        exclusive=True,
        group="clear-log-export",
        exit_on_error=False,
        name="clear-log-export",
    )
    def _export(self, session: Session, path: Path, views: list[RunView]) -> None:
        from storage.clearing.history import export_history
        from storage.errors import FapiaoError

        try:
            with self.desk.store_connection():
                count = export_history(path, session, views)
        except FapiaoError as exc:
            self.post_message(Exported(said_of(exc), ok=False))
            return
        except OSError as exc:
            self.post_message(
                Exported(msg("tui.clear_log.export_failed", detail=exc.strerror or exc), ok=False)
            )
            return
        self.post_message(Exported(msg("tui.clear_log.exported", n=count, path=path), ok=True))

    def on_exported(self, event: Exported) -> None:
        self._show_result(event.text, error=not event.ok)

    def worker_failed(self, worker: Worker[Any]) -> None:
        self.fetching = False
        self._update_status()

    # -- showing

    def _fill(self) -> None:
        table = self.table
        cursor = table.cursor_row
        table.clear(columns=True)
        table.cell_padding = 0
        rows = [[str(view.id), f"{view.started_at:%m-%d %H:%M}", view.period,
                 t(f"tui.clear_log.kind.{view.kind}"), text_of(view.state_name), view.started_by,
                 view.confirmed_by or "—"] for view in self.views]  # fmt: skip
        widths = []
        for index, name in enumerate(_COLUMNS):
            label = t(f"clear.log.col.{name}")
            width = max(cell_len(cell) for cell in [label, *(row[index] for row in rows)]) + 1
            table.add_column(label, width=width, key=name)
            widths.append(width)
        rest = max(
            _MIN_RESULTS, table.size.width - sum(widths) - table.styles.scrollbar_size_vertical
        )
        table.add_column(Text(t("clear.log.col.results")), width=rest, key="results")
        for view, row in zip(self.views, rows, strict=True):
            # the id right-aligned by padding (a right-justified text loses its trailing gap)
            table.add_row(f"{row[0]:>{widths[0] - 1}} ", *row[1:],
                          fit(per_type(view), rest), key=str(view.id))  # fmt: skip
        if self.views:
            table.move_cursor(row=min(max(cursor, 0), len(self.views) - 1))
        self._update_status()
        self._show_detail()

    def on_resize(self) -> None:
        self._fill()

    @on(DataTable.RowHighlighted, "#clear-log")
    def _show_detail(self) -> None:
        detail = self.query_one("#clear-log-detail", Static)
        cursor = self.table.cursor_row
        if not self.views or not 0 <= cursor < len(self.views):
            detail.update("")
            return
        view = self.views[cursor]
        finished = f"{view.finished_at:%Y-%m-%d %H:%M}" if view.finished_at else "—"
        finished = f"{view.finished_at:%Y-%m-%d %H:%M}" if view.finished_at else "—"
        lines = [t("tui.clear_log.detail", txn=view.txn or "—", finished=finished),
                 t("tui.clear_log.where", backup=view.backup_id or "—", terminal=view.terminal or "—")]  # fmt: skip
        lines.append(view.result_words() or view.message or "—")
        if view.reason:
            lines.append(t("tui.clear_log.reason", reason=view.reason))
        differences = sum(len(s.get("differences", [])) for s in view.scan.get("types", []))
        lines.append(t("tui.clear_log.scan", n=differences, entries=len(view.disk_log)))
        detail.update("\n".join(lines))

    def _update_status(self) -> None:
        status = self.query_one("#clear-log-status", Static)
        if self.fetching and not self.views:
            status.update(t("tui.clear_log.loading"))
        elif not self.views:
            status.update(t("tui.clear_log.none"))
        else:
            status.update(t("tui.clear_log.count", n=len(self.views)))

    def _show_result(self, text: Said, error: bool = False) -> None:
        self._result = (text, error)
        self.query_one("#clear-log-result", StatusLine).say(text, error)

    async def action_back(self) -> None:
        await self.app.run_action("open('clearing')")
