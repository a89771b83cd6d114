"""The result list: 状态, 日期, 类型, 号码, 购方, 价税合计, one row per invoice.

Column widths are set from the table's own width and what it shows: every status, type,
number and amount whole, one cell apart (no padding: two cells between columns do not fit 80
in English), and the buyer's name in the rest — at 80 columns it is cut (Chinese is two cells
a character; the detail view shows it whole); wider terminals show more of it. When received invoices
are listed, a first column shows what happened to them (已报销 loud, 已入账) and which rows
are selected for marking (✓); a list of issued invoices alone is as it always was.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from storage.tracking.states import is_booked
from tui.display import date_text, fit, money, short_type, status_text
from tui.language import t

if TYPE_CHECKING:
    from storage.lookup.engine import InvoiceSummary

_DATE, _NUMBER = 10, 20
_GAP = 1  # the cell between two columns (the table's own padding would put two)
_MIN_BUYER = 4
_TICK = "✓"


def _word_width(label: str, words: list[str]) -> int:
    return max(cell_len(word) for word in [label, *words])


class InvoiceTable(DataTable[Text | str]):
    """Enter on a row posts DataTable.RowSelected (DataTable's own binding)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", id=id, cell_padding=0)
        self.summaries: tuple[InvoiceSummary, ...] = ()
        self.selected: set[int] = set()  # invoice ids ticked for marking
        self._built_for = -1

    def show(self, summaries: tuple[InvoiceSummary, ...], *, keep_selection: bool = False) -> None:
        self.summaries = summaries
        if not keep_selection:
            self.selected = set()
        self.selected &= {s.id for s in summaries}
        self._rebuild(keep_cursor=keep_selection)

    @property
    def tracking(self) -> bool:
        """Received invoices are listed: the 入账/报销 column is shown."""
        return any(s.direction == "received" for s in self.summaries)

    def toggle_selected(self) -> bool:
        """Tick or untick the row under the cursor (received invoices only); False if not."""
        invoice_id = self.selected_id()
        row = self.cursor_row
        if invoice_id is None or self.summaries[row].direction != "received":
            return False
        self.selected ^= {invoice_id}
        self.update_cell(str(invoice_id), "mark", self._mark_cell(self.summaries[row]))
        return True

    def _mark_cell(self, item: InvoiceSummary) -> Text:
        text = Text(_TICK if item.id in self.selected else " ")
        if item.reimbursed:
            text.append(t("tui.flag.reimbursed"), style="bold reverse")
        elif item.direction == "received" and is_booked(item.booking):
            text.append(t("tui.flag.booked"))
        return text

    def on_resize(self) -> None:
        if self.size.width != self._built_for:
            self._rebuild()

    def retranslate(self) -> None:
        self._rebuild()

    def _rebuild(self, keep_cursor: bool = True) -> None:
        self._built_for = self.size.width
        statuses = [status_text(item.status) for item in self.summaries]
        types = [short_type(item.type) for item in self.summaries]
        totals = [money(item.total) for item in self.summaries]
        status_width = _word_width(t("tui.col.status"), [s.plain for s in statuses])
        type_width = _word_width(t("tui.col.type"), types)
        total_width = _word_width(t("tui.col.total"), totals)
        widths = [status_width, _DATE, type_width, _NUMBER, total_width]
        mark_width = 0
        if self.tracking:  # the tick and the flag
            words = [t("tui.col.mark"), t("tui.flag.reimbursed"), t("tui.flag.booked")]
            mark_width = 1 + max(cell_len(w) for w in words[1:])
            mark_width = max(mark_width, cell_len(words[0]))
            widths.append(mark_width)
        fixed = sum(widths) + len(widths) * _GAP
        # the buyer takes what is left, less the scrollbar of a long list
        room = self.size.width - self.styles.scrollbar_size_vertical
        buyer = max(_MIN_BUYER, room - fixed)
        cursor = self.cursor_row if keep_cursor else 0
        self.clear(columns=True)
        if mark_width:
            self.add_column(t("tui.col.mark"), width=mark_width + _GAP, key="mark")
        self.add_column(t("tui.col.status"), width=status_width + _GAP, key="status")
        self.add_column(t("tui.col.date"), width=_DATE + _GAP, key="date")
        self.add_column(t("tui.col.type"), width=type_width + _GAP, key="type")
        self.add_column(t("tui.col.number"), width=_NUMBER + _GAP, key="number")
        # with received invoices listed, the other side is the seller for some rows
        party = t("lookup.label.counterparty") if mark_width else t("tui.col.buyer")
        self.add_column(fit(party, buyer), width=buyer, key="buyer")
        total_header = Text(t("tui.col.total"), justify="right")
        self.add_column(total_header, width=total_width + _GAP, key="total")
        for item, status, kind, total in zip(self.summaries, statuses, types, totals, strict=True):
            self.add_row(
                *([self._mark_cell(item)] if mark_width else []),
                status,
                date_text(item.date),
                kind,
                item.number,
                fit(item.counterparty_name if mark_width else item.buyer_name, buyer),
                Text(total, justify="right"),
                key=str(item.id),
            )
        if self.summaries:
            self.move_cursor(row=min(max(cursor, 0), len(self.summaries) - 1))

    def selected_id(self) -> int | None:
        if not self.summaries or self.cursor_row < 0:
            return None
        return self.summaries[min(self.cursor_row, len(self.summaries) - 1)].id
