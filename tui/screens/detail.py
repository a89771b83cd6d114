"""One invoice in full: the status first and large, every field with its Chinese label, the
lines. Loaded by a worker; Esc goes back to the list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static
from textual.worker import Worker

from storage.messages import catalogue
from storage.rules.invoice_types import type_name
from storage.tracking.states import is_booked
from tui.display import date_text, money, rate_text, status_text, unit_price, yes_no
from tui.language import language, t
from tui.messages import DetailLoaded
from tui.screens.base import MAIN_HINTS, DeskScreen, Hints
from tui.tracking_text import tracking_rows

if TYPE_CHECKING:
    from storage.accounts.users import Session
    from tui.invoice_view import InvoiceView


def _word(prefix: str, value: str) -> str:
    key = f"{prefix}.{value}"
    return t(key) if key in catalogue() else value


def _rate(rate: str) -> str:
    return rate_text(rate) if rate else t("tui.detail.mixed_rate")


def _grid(rows: list[tuple[str, str]], pairs: int) -> Table:
    grid = Table.grid(padding=(0, 1), expand=True)
    for _ in range(pairs):
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(ratio=1)
    for start in range(0, len(rows), pairs):
        cells: list[str] = []
        for label, value in rows[start : start + pairs]:
            cells += [label, value or t("tui.none")]
        grid.add_row(*cells)
    return grid


class DetailScreen(DeskScreen):
    HINTS: ClassVar[Hints] = (("Esc", "tui.key.back"), *MAIN_HINTS[:6], *MAIN_HINTS[7:])
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="detail.back"),
    ]

    def __init__(self, invoice_id: int) -> None:
        super().__init__()
        self.invoice_id = invoice_id
        self.view: InvoiceView | None = None
        self._loaded = False

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static(id="detail-status")
            yield Static(id="detail-fields")
            yield Static(id="detail-parties")
            yield Static(id="lines-title")
            yield DataTable(id="lines", cursor_type="none", show_cursor=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#lines", DataTable).can_focus = False  # the page scrolls as one
        self.query_one("#detail", VerticalScroll).focus()
        self.query_one("#detail-status", Static).update(t("tui.detail.loading"))
        session = self.desk.session
        if session is not None:
            self._load(self.invoice_id, session)

    @work(thread=True, exclusive=True, group="detail", exit_on_error=False, name="detail")
    def _load(self, invoice_id: int, session: Session) -> None:
        from storage.lookup.engine import invoice_detail
        from tui.invoice_view import invoice_view

        with self.desk.store_connection():
            invoice = invoice_detail(invoice_id, session)
            view = invoice_view(invoice) if invoice is not None else None
        self.post_message(DetailLoaded(view))

    def on_detail_loaded(self, event: DetailLoaded) -> None:
        self.view = event.view
        self._loaded = True
        self.retranslate()

    def worker_failed(self, worker: Worker[Any]) -> None:
        self.query_one("#detail-status", Static).update(t("tui.detail.gone"))

    def retranslate(self) -> None:
        if not self._loaded:
            return
        view = self.view
        status = self.query_one("#detail-status", Static)
        if view is None:
            status.update(t("tui.detail.gone"))
            for name in ("#detail-fields", "#detail-parties", "#lines-title", "#lines"):
                self.query_one(name).display = False
            return
        word = status_text(view.status)
        headline = Text(" ")
        headline.append_text(Text(t("tui.detail.status", status=word.plain), style=word.style))
        headline.append(f"   {type_name(view.type, language())}  {view.number}")
        status.update(headline)
        status.set_class(view.status != "normal", "-alert")
        self.query_one("#detail-fields", Static).update(_grid(self._field_rows(view), pairs=2))
        self.query_one("#detail-parties", Static).update(_grid(self._party_rows(view), pairs=1))
        self.query_one("#lines-title", Static).update(_lines_title(view))
        self.query_one("#lines", DataTable).display = bool(view.lines)
        self._fill_lines(view)

    def _field_rows(self, view: InvoiceView) -> list[tuple[str, str]]:
        rows = [
            (t("tui.detail.code"), view.code),
            (t("tui.detail.number"), view.number),
            (t("tui.detail.date"), date_text(view.date)),
            (t("tui.detail.check_code"), view.check_code),
            (t("tui.detail.amount"), money(view.amount)),
            (t("tui.detail.tax"), money(view.tax)),
            (t("tui.detail.total"), money(view.total)),
            (t("tui.detail.rate"), _rate(view.rate)),
            (t("tui.detail.direction"), _word("direction", view.direction)),
            (t("tui.detail.branch"), view.branch),
            (t("tui.detail.booked"), yes_no(is_booked(view.booking))),
            (t("tui.detail.reimbursed"), yes_no(view.reimbursed)),
            (t("tui.detail.source"), _word("source", view.source)),
            (t("tui.detail.synced_at"), date_text(view.synced_at)),
        ]
        if view.red_of:
            rows.append((t("tui.detail.red_of"), view.red_of))
        return rows

    def _party_rows(self, view: InvoiceView) -> list[tuple[str, str]]:
        rows = [
            (t("tui.detail.type"), type_name(view.type, language())),
            (t("tui.detail.buyer_name"), view.buyer_name),
            (t("tui.detail.buyer_tax_id"), view.buyer_tax_id),
            (t("tui.detail.seller_name"), view.seller_name),
            (t("tui.detail.seller_tax_id"), view.seller_tax_id),
        ]
        if view.remark:
            rows.append((t("tui.detail.remark"), view.remark))
        if view.direction == "received":  # 入账 and 报销 are kept for received invoices
            rows += tracking_rows(view)
        return rows

    def _fill_lines(self, view: InvoiceView) -> None:
        table: DataTable[str | Text] = self.query_one("#lines", DataTable)
        table.clear(columns=True)
        table.add_column(t("tui.line.item"), key="item")
        table.add_column(t("tui.line.spec"), key="spec")
        table.add_column(t("tui.line.unit"), key="unit")
        table.add_column(Text(t("tui.line.quantity"), justify="right"), key="quantity")
        table.add_column(Text(t("tui.line.unit_price"), justify="right"), key="unit_price")
        table.add_column(Text(t("tui.line.amount"), justify="right"), key="amount")
        table.add_column(Text(t("tui.line.rate"), justify="right"), key="rate")
        table.add_column(Text(t("tui.line.tax"), justify="right"), key="tax")
        for line in view.lines:
            table.add_row(
                line.item,
                line.spec,
                line.unit,
                Text(line.quantity, justify="right"),
                Text(unit_price(line.unit_price), justify="right"),
                Text(money(line.amount), justify="right"),
                Text(rate_text(line.rate), justify="right"),
                Text(money(line.tax), justify="right"),
            )

    def action_back(self) -> None:
        self.dismiss()


def _lines_title(view: InvoiceView) -> str:
    if view.lines:
        return t("tui.detail.lines", n=len(view.lines))
    if view.red_of:
        return t("tui.detail.no_lines_red", number=view.red_of)
    return t("tui.detail.no_lines")
