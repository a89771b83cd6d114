"""审计日志: the auditor's (and supervisor's) view of who did what — newest first, filtered by
user, action, dates and refusals, 200 entries at a time, and the hash chain verified on V.

Reading goes through ``storage.audit.reading`` (which checks ``READ_AUDIT``); each page and the
chain check run in thread workers; a page for filters changed since is dropped.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, DataTable, Input, Label, Static
from textual.worker import Worker

from storage.messages import catalogue
from tui.audit_detail import detail_text
from tui.display import fit
from tui.language import Said, msg, said_of, t
from tui.screens.base import ADMIN_HINTS, DeskScreen, Hints
from tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from storage.accounts.users import Session
    from storage.audit.chain import ChainProblem
    from storage.audit.reading import AuditFilter, AuditRow

# The terminal is not a column: the line under the table says it for the row under the cursor,
# which leaves the target (a backup id, a file name) room to show whole at 80 columns.
_SEQ, _AT, _USER, _ACTION = 6, 14, 8, 10
_GAP = 1  # one cell between columns: the table's own padding (two) leaves the target too little
_MIN_TARGET = 8


def action_name(code: str) -> str:
    key = f"tui.audit.action.{code}"
    return t(key) if key in catalogue() else code


def matching_actions(text: str) -> tuple[str, ...] | None:
    """The action codes a typed word means: a code, or part of a name in either language."""
    from storage.audit.reading import KNOWN_ACTIONS

    word = text.strip().lower()
    if not word:
        return None
    names = catalogue()
    found = [
        code for code in KNOWN_ACTIONS
        if word in code or any(word in name.lower() for name in names[f"tui.audit.action.{code}"])
    ]  # fmt: skip
    return (*found, word) if word not in found else tuple(found)


def ok_text(ok: bool) -> Text:
    return Text(t("tui.audit.ok")) if ok else Text(t("tui.audit.refused"), style="bold reverse")


class PageLoaded(Message):
    def __init__(
        self, generation: int, rows: list[AuditRow], more: bool, refusal: Said = ""
    ) -> None:
        super().__init__()
        self.generation = generation
        self.rows = rows
        self.more = more  # a full page came back: there may be older entries
        self.refusal = refusal


class ChainVerified(Message):
    def __init__(self, checked: int, problem: ChainProblem | None, refusal: Said = "") -> None:
        super().__init__()
        self.checked = checked
        self.problem = problem
        self.refusal = refusal


class AuditLogScreen(DeskScreen):
    DEFAULT_CSS = """
    AuditLogScreen #audit-filters { height: 1; padding: 0 1; }
    AuditLogScreen #audit-filters Label { width: auto; margin: 0 1 0 0; }
    AuditLogScreen #audit-filters Input { width: 11; margin-right: 1; }
    AuditLogScreen #audit-filters #f-user, AuditLogScreen #audit-filters #f-action { width: 9; }
    AuditLogScreen #f-refused { border: none; padding: 0; height: 1; width: auto; }
    AuditLogScreen .audit-line { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    AuditLogScreen #audit-status { color: $text-muted; }
    AuditLogScreen #audit-result.-error { color: $error; text-style: bold; }
    AuditLogScreen #audit { height: 1fr; }
    AuditLogScreen #audit-detail { height: 2; padding: 0 1; }
    """
    HINTS: ClassVar[Hints] = ADMIN_HINTS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="audit.back"),
        Binding("m", "more", show=False, id="audit.more"),
        Binding("v", "verify", show=False, id="audit.verify"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[AuditRow] = []
        self.more = False
        self.loading = False
        self.refused: Said = ""
        self.where: AuditFilter | None = None
        self._generation = 0
        self._built_for = -1

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="audit-filters"):
            yield Label(id="l-user")
            yield Input(id="f-user", compact=True, max_length=50)
            yield Label(id="l-action")
            yield Input(id="f-action", compact=True, max_length=40)
            yield Label(id="l-from")
            yield Input(id="f-from", compact=True, max_length=10, placeholder="YYYY-MM-DD")
            yield Label(id="l-to")
            yield Input(id="f-to", compact=True, max_length=10, placeholder="YYYY-MM-DD")
            yield Checkbox(id="f-refused", compact=True)
        yield Static(id="audit-status", classes="audit-line")
        yield DataTable(id="audit", cursor_type="row")
        yield Static(id="audit-detail")
        yield StatusLine(id="audit-result", classes="audit-line")
        yield Static(id="audit-hints", classes="audit-line")

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#audit", DataTable)

    def on_mount(self) -> None:
        super().on_mount()
        for box in self.query(Input):
            box.cursor_blink = False
        self._mark_refused_box()
        self.retranslate()
        self.table.focus()
        self.apply_filters()

    def retranslate(self) -> None:
        for name in ("user", "action", "from", "to"):
            self.query_one(f"#l-{name}", Label).update(t(f"tui.audit.filter.{name}"))
        self.query_one("#f-refused", Checkbox).label = t("tui.audit.filter.refused")
        self.query_one("#audit-hints", Static).update(t("tui.audit.hints"))
        self._rebuild()
        self._update_status()

    # -- filters and pages

    def _filter(self) -> AuditFilter | None:
        from storage.audit.reading import AuditFilter

        dates: list[dt.date | None] = []
        for name in ("#f-from", "#f-to"):
            text = self.query_one(name, Input).value.strip()
            try:
                dates.append(dt.date.fromisoformat(text) if text else None)
            except ValueError:
                self._show_result(msg("tui.audit.bad_date", text=text), error=True)
                return None
        return AuditFilter(
            username=self.query_one("#f-user", Input).value.strip(),
            actions=matching_actions(self.query_one("#f-action", Input).value),
            since=dates[0],
            until=dates[1],
            refused_only=self.query_one("#f-refused", Checkbox).value,
        )

    def _mark_refused_box(self) -> None:
        # the stock box draws X whether on or off and tells them apart by colour alone
        box = self.query_one("#f-refused", Checkbox)
        box.BUTTON_INNER = "X" if box.value else " "
        box.refresh()

    @on(Checkbox.Changed)
    def _refused_toggled(self) -> None:
        self._mark_refused_box()
        self.apply_filters()

    @on(Input.Submitted)
    def apply_filters(self) -> None:
        where = self._filter()
        session = self.desk.session
        if where is None or session is None:
            return
        self.where = where
        self.rows = []
        self.more = False
        self._generation += 1
        self._fetch(session, where, None)

    def action_more(self) -> None:
        session = self.desk.session
        if session is None or self.where is None or not self.more or self.loading:
            return
        self._fetch(session, self.where, self.rows[-1].seq if self.rows else None)

    def _fetch(self, session: Session, where: AuditFilter, before: int | None) -> None:
        self.loading = True
        self._update_status()
        self._load_page(session, where, before, self._generation)

    @work(thread=True, exclusive=True, group="audit-page", exit_on_error=False, name="audit-page")
    def _load_page(self, session: Session, where: AuditFilter, before: int | None,
                   generation: int) -> None:  # fmt: skip
        from storage.accounts.permissions import PermissionDenied
        from storage.audit.reading import PAGE, read_page

        with self.desk.store_connection():
            try:
                rows = read_page(session, where, before_seq=before, limit=PAGE)
            except PermissionDenied as refused:
                self.post_message(PageLoaded(generation, [], False, said_of(refused)))
                return
        self.post_message(PageLoaded(generation, rows, len(rows) == PAGE))

    def on_page_loaded(self, event: PageLoaded) -> None:
        if event.generation != self._generation:
            return  # the filters changed since
        self.loading = False
        if event.refusal:
            self.refused = event.refusal
            self.table.display = False
            self.query_one("#audit-filters").display = False
            self._show_result(event.refusal, error=True)
            self._update_status()
            return
        first_new = len(self.rows)
        self.rows.extend(event.rows)
        self.more = event.more
        if first_new == 0:
            self._rebuild()
        else:
            for row in event.rows:
                self._add_row(row)
        self._update_status()

    @on(DataTable.RowHighlighted, "#audit")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()
        if event.cursor_row >= len(self.rows) - 1:
            self.action_more()  # the last row: the next page follows on its own

    # -- the chain

    def action_verify(self) -> None:
        session = self.desk.session
        if session is None:
            return
        self._show_result(msg("tui.audit.verifying"))
        self._verify(session)

    @work(
        thread=True, exclusive=True, group="audit-verify", exit_on_error=False, name="audit-verify"
    )
    def _verify(self, session: Session) -> None:
        from storage.accounts.permissions import PermissionDenied
        from storage.audit.reading import verify_chain

        with self.desk.store_connection():
            try:
                checked, problem = verify_chain(session)
            except PermissionDenied as refused:
                self.post_message(ChainVerified(0, None, said_of(refused)))
                return
        self.post_message(ChainVerified(checked, problem))

    def on_chain_verified(self, event: ChainVerified) -> None:
        if event.refusal:
            self._show_result(event.refusal, error=True)
        elif event.problem is None:
            self._show_result(msg("audit.verify_ok", n=event.checked))
        else:
            self._show_result(
                msg(f"audit.problem.{event.problem.reason}", seq=event.problem.seq), error=True
            )

    def worker_failed(self, worker: Worker[Any]) -> None:
        self.loading = False
        self._update_status()

    # -- showing

    def on_resize(self) -> None:
        if self.table.size.width != self._built_for:
            self._rebuild()

    def _widths(self) -> tuple[int, int]:
        ok = max(cell_len(t("tui.audit.ok")), cell_len(t("tui.audit.refused")),
                 cell_len(t("tui.audit.col.ok")))  # fmt: skip
        fixed = _SEQ + _AT + _USER + _ACTION + ok + 5 * _GAP
        room = self.table.size.width - self.table.styles.scrollbar_size_vertical
        return ok, max(_MIN_TARGET, room - fixed)

    def _rebuild(self) -> None:
        table = self.table
        self._built_for = table.size.width
        ok, target = self._widths()
        cursor = table.cursor_row
        table.clear(columns=True)
        table.cell_padding = 0
        # left-aligned: a right-justified cell would lose the gap after it
        table.add_column(t("tui.audit.col.seq"), width=_SEQ + _GAP, key="seq")
        table.add_column(t("tui.audit.col.at"), width=_AT + _GAP, key="at")
        table.add_column(t("tui.audit.col.user"), width=_USER + _GAP, key="user")
        table.add_column(t("tui.audit.col.action"), width=_ACTION + _GAP, key="action")
        table.add_column(t("tui.audit.col.ok"), width=ok + _GAP, key="ok")
        table.add_column(t("tui.audit.col.target"), width=target, key="target")
        for row in self.rows:
            self._add_row(row, target)
        if self.rows:
            table.move_cursor(row=min(max(cursor, 0), len(self.rows) - 1))
        self._show_detail()

    def _add_row(self, row: AuditRow, target: int | None = None) -> None:
        target = self._widths()[1] if target is None else target
        at = dt.datetime.fromisoformat(row.at).strftime("%y-%m-%d %H:%M")
        self.table.add_row(
            str(row.seq),
            at,
            fit(row.username, _USER),
            fit(action_name(row.action), _ACTION),
            ok_text(row.ok),
            fit(row.target, target),
            key=str(row.seq),
        )

    def _show_detail(self) -> None:
        detail = self.query_one("#audit-detail", Static)
        cursor = self.table.cursor_row
        if not self.rows or not 0 <= cursor < len(self.rows):
            detail.update("")
            return
        row = self.rows[cursor]
        at = dt.datetime.fromisoformat(row.at).strftime("%Y-%m-%d %H:%M:%S")
        detail.update(t("tui.audit.detail", at=at, terminal=row.terminal or t("tui.none"),
                        detail=detail_text(row.detail) or t("tui.none")))  # fmt: skip

    def _update_status(self) -> None:
        status = self.query_one("#audit-status", Static)
        if self.refused:
            status.update("")
        elif self.loading and not self.rows:
            status.update(t("tui.audit.loading"))
        elif not self.rows:
            status.update(t("tui.audit.none"))
        elif self.more:
            status.update(t("tui.audit.count_more", n=len(self.rows)))
        else:
            status.update(t("tui.audit.count", n=len(self.rows)))

    def _show_result(self, text: Said, error: bool = False) -> None:
        self.query_one("#audit-result", StatusLine).say(text, error)

    async def action_back(self) -> None:
        await self.app.run_action("open('lookup')")
