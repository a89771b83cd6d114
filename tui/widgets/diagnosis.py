"""Why nothing matched: the engine's causes, numbered, most likely first, each with its
action; the near misses under a cause can be chosen with the arrows and Enter."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from storage.lookup.engine import CauseKind
from tui.display import date_text, money, status_text
from tui.language import t, text_of

if TYPE_CHECKING:
    from storage.lookup.engine import Cause, InvoiceSummary
    from storage.messages import Message

SYNC = "sync"  # the option id of the "sync now" action under the not-synced cause


def _indented(text: RenderableType, cells: int = 3) -> RenderableType:
    return Padding(text, (0, 0, 0, cells), expand=False)


def _candidate(item: InvoiceSummary) -> RenderableType:
    """One near miss on a row of columns: the number, date, status and amount whole, the
    buyer's name wrapping in the room left (at 80 columns a long name takes two lines)."""
    row = Table.grid(padding=(0, 2))
    for _ in range(3):
        row.add_column(no_wrap=True)
    row.add_column(overflow="fold")  # the only column that gives way
    row.add_column(no_wrap=True, justify="right")
    number = Text("▸ ")
    number.append(item.number, style="bold")
    row.add_row(number, date_text(item.date), status_text(item.status), item.buyer_name,
                money(item.total))  # fmt: skip
    return _indented(row, 5)


class Diagnosis(OptionList):
    DEFAULT_CSS = """
    Diagnosis { border: none; padding: 0 1; }
    Diagnosis > .option-list--option-disabled { color: $text; }
    """

    def show(self, causes: tuple[Cause, ...]) -> None:
        """List ``causes`` (the status line above already says what was not found)."""
        self.clear_options()
        options: list[Option] = []
        if not causes:
            options.append(Option(t("tui.lookup.no_causes"), disabled=True))
        for number, cause in enumerate(causes, start=1):
            title = text_of(cause.title)
            parts: list[RenderableType] = [Text(f"{number}. {title}", style="bold")]
            detail = (text_of(cause.lead) if cause.lead else "") + text_of(cause.detail)
            # one renderable per line: a multi-line Padding loses its indent in an option
            parts.extend(_indented(line) for line in detail.splitlines())
            action = text_of(cause.action)
            if action:
                parts.append(_indented(Text("→ " + t("tui.lookup.action", action=action))))
            if cause.candidates:
                parts.append(_indented(t("tui.lookup.candidates")))
            options.append(Option(Group(*parts), disabled=True))
            if cause.kind is CauseKind.NOT_SYNCED:
                # the action itself, chosen with Enter like a candidate
                options.append(Option(_indented(Text("▸ " + t("tui.lookup.sync_now"))), id=SYNC))
            options.extend(Option(_candidate(c), id=str(c.id)) for c in cause.candidates)
        self.add_options(options)

    def show_problem(self, problem: Message) -> None:
        """Why the text cannot be searched (too short, too long, a search the store refused)."""
        self.clear_options()
        self.add_options([Option(Group(Text(text_of(problem))), disabled=True)])

    @property
    def has_candidates(self) -> bool:
        return any(not option.disabled for option in self.options)
