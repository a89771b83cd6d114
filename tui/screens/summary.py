"""F10 (or the palette): received invoices counted and summed by 入账 state, by 报销, by month
and by seller — one table, scrolled with ↑↓ PgUp PgDn. Read in a worker; F8 re-renders the
words from what was read, without asking the store again."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.worker import get_current_worker

from storage.tracking.states import state_message
from tui.display import money
from tui.language import render, t
from tui.messages import SummaryLoaded
from tui.screens.base import DeskScreen, Hints

if TYPE_CHECKING:
    from storage.accounts.users import Session
    from storage.tracking.summary import Group, TrackingSummary


class SummaryScreen(DeskScreen):
    HINTS: ClassVar[Hints] = (
        ("Esc", "tui.key.back"),
        ("F1", "tui.key.help"),
        ("F2", "tui.key.lookup"),
        ("F8", "tui.key.language"),
        ("^Q", "tui.key.quit"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="summary.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.summary: TrackingSummary | None = None

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="summary-scroll"):
            yield Static(id="summary")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#summary-scroll", VerticalScroll).focus()
        self.retranslate()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()  # marks made meanwhile on the lookup screen

    def reload(self) -> None:
        session = self.desk.session
        if session is not None:
            self._load(session)

    @work(thread=True, exclusive=True, group="summary", exit_on_error=False, name="summary")
    def _load(self, session: Session) -> None:
        from storage.tracking.summary import tracking_summary

        worker = get_current_worker()
        with self.desk.store_connection():
            summary = tracking_summary(session)
        if not worker.is_cancelled:
            self.post_message(SummaryLoaded(summary))

    def on_summary_loaded(self, event: SummaryLoaded) -> None:
        self.summary = event.summary  # type: ignore[assignment]
        self.retranslate()

    def retranslate(self) -> None:
        shown = self.query_one("#summary", Static)
        summary = self.summary
        if summary is None:
            shown.update(t("summary.loading"))
        elif not summary.count:
            shown.update(t("summary.empty"))
        else:
            shown.update(summary_table(summary))

    async def action_back(self) -> None:
        await self.app.run_action("open('lookup')")


def _section(table: Table, title: str) -> None:
    table.add_row(Text(title, style="bold underline"), "", "", "", "")


def _rows(table: Table, groups: tuple[Group, ...], name: object) -> None:
    for g in groups:
        table.add_row(
            "  " + name(g.key),  # type: ignore[operator]
            str(g.count),
            money(g.total),
            str(g.booked),
            str(g.reimbursed),
        )


def summary_table(summary: TrackingSummary) -> Table:
    """The whole summary as one table (the sections are its bold rows)."""
    table = Table(box=None, pad_edge=False, padding=(0, 1), expand=False,
                  title=t("summary.all", n=summary.count, total=money(summary.total)),
                  title_justify="left", title_style="bold")  # fmt: skip
    table.add_column(t("summary.col.key"), no_wrap=True, overflow="ellipsis", max_width=40)
    for key in ("summary.col.count", "summary.col.total", "summary.col.booked",
                "summary.col.reimbursed"):  # fmt: skip
        table.add_column(t(key), justify="right", no_wrap=True)
    _section(table, t("summary.by_state"))
    _rows(table, summary.by_state, lambda k: render(state_message(k)))
    _section(table, t("summary.by_reimbursement"))
    _rows(table, summary.by_reimbursement, lambda k: t(f"tracking.{k}"))
    _section(table, t("summary.by_month"))
    _rows(table, summary.by_month, str)
    _section(table, t("summary.by_seller", n=len(summary.by_seller)))
    _rows(table, summary.by_seller, str)
    if summary.other_sellers:
        table.add_row("  " + t("summary.other_sellers", n=summary.other_sellers), "", "", "", "")
    return table
