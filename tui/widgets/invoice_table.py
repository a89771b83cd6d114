"""The result list: 状态, 日期, 类型, 号码, 购方, 价税合计, one row per invoice.

Column widths are set from the table's own width: at 80 columns the buyer's name is cut
(Chinese is two cells a character); wider terminals show more of it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from tui.display import date_text, fit, money, short_type, status_text
from tui.language import t

if TYPE_CHECKING:
    from storage.lookup.engine import InvoiceSummary

_DATE, _NUMBER, _TOTAL = 10, 20, 12
_PAD = 2  # DataTable puts one cell of padding either side of each column
_MIN_BUYER = 8
_MAX_WORD = 12  # status and type words longer than this are cut (English ones run long)


def _word_width(label: str, words: list[str]) -> int:
    return min(_MAX_WORD, max(cell_len(word) for word in [label, *words]))


class InvoiceTable(DataTable[Text | str]):
    """Enter on a row posts DataTable.RowSelected (DataTable's own binding)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", id=id)
        self.summaries: tuple[InvoiceSummary, ...] = ()
        self._built_for = -1

    def show(self, summaries: tuple[InvoiceSummary, ...]) -> None:
        self.summaries = summaries
        self._rebuild(keep_cursor=False)

    def on_resize(self) -> None:
        if self.size.width != self._built_for:
            self._rebuild()

    def retranslate(self) -> None:
        self._rebuild()

    def _rebuild(self, keep_cursor: bool = True) -> None:
        self._built_for = self.size.width
        statuses = [status_text(item.status) for item in self.summaries]
        types = [short_type(item.type) for item in self.summaries]
        status_width = _word_width(t("tui.col.status"), [s.plain for s in statuses])
        type_width = _word_width(t("tui.col.type"), types)
        fixed = status_width + _DATE + type_width + _NUMBER + _TOTAL + 6 * _PAD
        # the buyer takes what is left, less a cell for the scrollbar of a long list
        buyer = max(_MIN_BUYER, self.size.width - fixed - 1)
        cursor = self.cursor_row if keep_cursor else 0
        self.clear(columns=True)
        self.add_column(t("tui.col.status"), width=status_width, key="status")
        self.add_column(t("tui.col.date"), width=_DATE, key="date")
        self.add_column(t("tui.col.type"), width=type_width, key="type")
        self.add_column(t("tui.col.number"), width=_NUMBER, key="number")
        self.add_column(t("tui.col.buyer"), width=buyer, key="buyer")
        self.add_column(Text(t("tui.col.total"), justify="right"), width=_TOTAL, key="total")
        for item, status, kind in zip(self.summaries, statuses, types, strict=True):
            self.add_row(
                status,
                date_text(item.date),
                fit(kind, type_width),
                item.number,
                fit(item.buyer_name, buyer),
                Text(fit(money(item.total), _TOTAL), justify="right"),
                key=str(item.id),
            )
        if self.summaries:
            self.move_cursor(row=min(max(cursor, 0), len(self.summaries) - 1))

    def selected_id(self) -> int | None:
        if not self.summaries or self.cursor_row < 0:
            return None
        return self.summaries[min(self.cursor_row, len(self.summaries) - 1)].id
