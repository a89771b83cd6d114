"""F9 on the lookup list: what happened to the selected received invoices — one of the
bureau's 入账 states (with its tax period), 已报销 (with the claim reference), or the
reimbursement withdrawn. The dialog only asks; the lookup screen hands the answer to the use
case (storage/tracking/marks.py), which checks the role and writes the audit entry."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from storage.tracking.marks import (
    Booking,
    Mark,
    MarkRefused,
    Reimbursed,
    UndoReimbursed,
    check_period,
)
from storage.tracking.states import SETTABLE, BookingState, state_message
from tui.language import render, t
from tui.screens.dialogs import DIALOG_CSS, Dialog

REIMBURSED, UNDO = "reimbursed", "undo"


class MarkDialog(Dialog[Mark | None]):
    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    MarkDialog #mark-choices { height: auto; max-height: 9; border: none; padding: 0; }
    MarkDialog .dialog-label { width: 34; }
    MarkDialog #dialog-title { margin-bottom: 0; }
    """
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", show=False, id="mark.cancel"),
    ]

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def compose_body(self) -> ComposeResult:
        yield OptionList(id="mark-choices")
        yield from self.row("period-label", Input(id="period", compact=True, max_length=7))
        yield from self.row("claim-label", Input(id="claim", compact=True, max_length=64))

    @property
    def choices(self) -> OptionList:
        return self.query_one("#mark-choices", OptionList)

    def on_mount(self) -> None:
        super().on_mount()
        self.choices.highlighted = 1  # 入账（企业所得税税前扣除）: the usual one
        self.call_after_refresh(self.choices.focus)  # after the frame's first-input focus

    def retranslate(self) -> None:
        self.query_one("#dialog-title", Static).update(t("tui.mark.title", n=self.count))
        self.query_one("#dialog-hint", Static).update(t("tui.mark.hint"))
        self.query_one("#period-label", Static).update(t("tui.mark.period"))
        self.query_one("#claim-label", Static).update(t("tui.mark.claim"))
        highlighted = self.choices.highlighted
        self.choices.clear_options()
        self.choices.add_options(
            [Option(render(state_message(s.value)), id=s.value) for s in SETTABLE]
            + [Option(t("tui.mark.reimbursed"), id=REIMBURSED), Option(t("tui.mark.undo"), id=UNDO)]
        )
        self.choices.highlighted = highlighted

    def _answer(self, choice: str | None) -> None:
        if choice is None:
            return
        if choice == REIMBURSED:
            self.dismiss(Reimbursed(self.query_one("#claim", Input).value.strip()))
        elif choice == UNDO:
            self.dismiss(UndoReimbursed())
        else:
            period = self.query_one("#period", Input).value.strip()
            try:
                check_period(period)
            except MarkRefused as exc:  # said here; the dialog stays open
                self.say(exc.message.text())
                self.query_one("#period", Input).focus()
                return
            self.dismiss(Booking(BookingState(choice), period))

    @on(OptionList.OptionSelected, "#mark-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._answer(event.option.id)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        highlighted = self.choices.highlighted
        if highlighted is not None:
            self._answer(self.choices.get_option_at_index(highlighted).id)
