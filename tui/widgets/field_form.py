"""The rows of the input checklist: one line per field — label (with ``*查验`` when 查验 asks
for it), the box, and the verdict beside it (✓ / ! / ✗ and the reason, never colour alone).

A reason too long for the verdict column at 80 columns wraps onto further lines of its row
(never cut); the focused field's reason and its fix are also shown below the form.
"""

from __future__ import annotations

from dataclasses import replace

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Checkbox, Input, Static

from storage.checklist.cross_check import Difference
from storage.rules.field_checks import FIELDS, FieldVerdict, Verdict
from tui.display import fit, short_type
from tui.language import msg, t, text_of

#: The fields the clerk types; the type is inferred from them, not typed.
TYPED_FIELDS = tuple(name for name in FIELDS if name != "type")

LABEL_WIDTH = 21  # "金额（不含税） *查验" and a space
BOX_WIDTH = 22  # a 20-digit number or check code, and the cursor

_MARK = {Verdict.OK: "✓", Verdict.WARNING: "!", Verdict.ERROR: "✗"}
_STYLE = {Verdict.OK: "", Verdict.WARNING: "bold yellow", Verdict.ERROR: "bold red"}

_PLACEHOLDER = {
    "code": "tui.checklist.hint_code",
    "number": "tui.checklist.hint_number",
    "date": "tui.checklist.hint_date",
    "check_code": "tui.checklist.hint_check_code",
    "amount": "tui.checklist.hint_money",
    "tax": "tui.checklist.hint_money",
    "total": "tui.checklist.hint_money",
    "rate": "tui.checklist.hint_rate",
    "buyer_tax_id": "tui.checklist.hint_tax_id",
    "seller_tax_id": "tui.checklist.hint_tax_id",
}


def verdict_text(verdict: FieldVerdict, *, empty: bool = False, stored: str | None = None) -> Text:
    """``✗ reason`` styled by the verdict; an empty field that needs nothing reads ``· 未填写``;
    a field that passes but differs from the invoice on file shows the stored value."""
    if empty and verdict.verdict is Verdict.OK:
        return Text("· " + text_of(verdict.reason), style="dim")
    if stored is not None and verdict.verdict is Verdict.OK:
        return Text("≠ " + t("tui.checklist.on_file", value=stored), style="bold")
    reason = text_of(verdict.reason)
    return Text(f"{_MARK[verdict.verdict]} {reason}", style=_STYLE[verdict.verdict])


def label_text(name: str, required: bool) -> Text:
    """The field's label, cut to leave room for the ``*查验`` mark when it has one."""
    label = t(f"checks.field.{name}")
    if not required:
        return Text(fit(label, LABEL_WIDTH - 1))
    mark = t("tui.checklist.required")
    label = fit(label, LABEL_WIDTH - 2 - cell_len(mark))
    text = Text(label)
    text.append(" " * (LABEL_WIDTH - 1 - cell_len(label) - cell_len(mark)))
    text.append(mark, style="bold")
    return text


def type_value(type_code: str) -> str:
    if not type_code:
        return t("tui.checklist.type_unknown")
    return f"{type_code} {short_type(type_code)}"


def differences_table(differences: list[Difference]) -> Table:
    """Entered and stored values side by side."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column()
    table.add_column()
    table.add_row(
        Text(t("tui.checklist.diff_title"), style="bold"),
        Text(t("tui.checklist.col_entered"), style="bold"),
        Text(t("tui.checklist.col_stored"), style="bold"),
    )
    for difference in differences:
        table.add_row(
            t(f"checks.field.{difference.field}"),
            Text(difference.entered, style="bold"),
            difference.stored,
        )
    return table


class MarkedCheckbox(Checkbox):
    """Textual's checkbox draws its X ticked or not and lets the colour tell; this one draws
    the X only when ticked, so the state reads without colour."""

    BUTTON_INNER = " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        super().watch_value()


class FormRow(Horizontal):
    DEFAULT_CSS = f"""
    FormRow {{ height: auto; }}
    FormRow > .field-label {{ width: {LABEL_WIDTH}; height: 1; text-wrap: nowrap; }}
    FormRow.-current > .field-label {{ text-style: reverse; }}
    FormRow > .field-verdict {{ width: 1fr; height: auto; padding-left: 1; }}
    """

    def __init__(self, field: str) -> None:
        super().__init__(id=f"row-{field}")
        self.field = field
        self._shown: tuple[Text, Text] | None = None

    def show(self, verdict: FieldVerdict, *, empty: bool, stored: str | None = None) -> None:
        """Put ``verdict`` (or the differing value on file) beside the field; nothing is
        redrawn when it did not change."""
        shown = (label_text(self.field, verdict.required),
                 verdict_text(verdict, empty=empty, stored=stored))  # fmt: skip
        if shown == self._shown:
            return
        self._shown = shown
        self.query_one(".field-label", Static).update(shown[0])
        self.query_one(".field-verdict", Static).update(shown[1])


class FieldRow(FormRow):
    """One typed field: ``#field-<name>`` is its box."""

    DEFAULT_CSS = f"""
    FieldRow > Input {{ width: {BOX_WIDTH}; }}
    """

    def compose(self) -> ComposeResult:
        yield Static(classes="field-label")
        yield Input(id=f"field-{self.field}", compact=True, max_length=200)
        yield Static(classes="field-verdict")

    @property
    def box(self) -> Input:
        return self.query_one(Input)

    def on_mount(self) -> None:
        self.box.cursor_blink = False  # a blinking cursor redraws every idle terminal
        self.retranslate()

    def retranslate(self) -> None:
        key = _PLACEHOLDER.get(self.field)
        self.box.placeholder = t(key) if key else ""
        self._shown = None


class TypeRow(FormRow):
    """The invoice type as inferred (not typed), and the red-letter box."""

    DEFAULT_CSS = f"""
    TypeRow > #type-value {{ width: {BOX_WIDTH - 10}; height: 1; text-wrap: nowrap; }}
    TypeRow > Checkbox {{ width: 10; }}
    """

    def __init__(self) -> None:
        super().__init__("type")

    def compose(self) -> ComposeResult:
        yield Static(classes="field-label")
        yield Static(id="type-value")
        yield MarkedCheckbox(id="field-red", compact=True)
        yield Static(classes="field-verdict")

    def on_mount(self) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        self.query_one(Checkbox).label = t("tui.checklist.red")
        self._shown = None

    def show_type(
        self, verdict: FieldVerdict, type_code: str, qr_type: str, *, empty: bool
    ) -> None:
        """``verdict`` of the type; when the QR says another type, both are shown. ``empty``:
        nothing to infer it from yet, so say where it will come from."""
        self.query_one("#type-value", Static).update(fit(type_value(type_code), BOX_WIDTH - 11))
        if empty:
            verdict = FieldVerdict("type", Verdict.OK, msg("tui.checklist.type_from"))
        elif qr_type and qr_type != type_code:
            both = msg("tui.checklist.qr_type", qr=type_value(qr_type), type=type_value(type_code))
            verdict = replace(verdict, reason=both)
        self.show(verdict, empty=empty)
