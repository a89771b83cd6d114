"""The troubleshooting checklist: seven items, each with its state in words, what was checked
and the next step. Items only the clerk can confirm are ticked with space or Enter."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from storage.checklist.troubleshooting import ChecklistItem, ItemState
from tui.language import t, text_of

#: States the clerk may tick (and untick): the machine could not decide them.
TICKABLE = frozenset({ItemState.MANUAL, ItemState.UNKNOWN, ItemState.TICKED})

_STYLE = {
    ItemState.PASS: "",
    ItemState.WARN: "bold yellow",
    ItemState.FAIL: "bold red",
    ItemState.UNKNOWN: "bold",
    ItemState.MANUAL: "bold",
    ItemState.TICKED: "",
}


def item_prompt(item: ChecklistItem) -> RenderableType:
    head = Text(text_of(item.title), style="bold")
    head.append("  ")
    head.append(t(f"trouble.state.{item.state.value}"), style=_STYLE[item.state])
    parts: list[RenderableType] = [head]
    checked = text_of(item.checked)
    if checked:
        parts.append(Padding(checked, (0, 0, 0, 3)))
    if item.state is not ItemState.PASS:
        parts.append(Padding(t("tui.checklist.next", step=item.next_step), (0, 0, 0, 3)))
    return Group(*parts)


class ChecklistItems(OptionList):
    DEFAULT_CSS = """
    ChecklistItems, ChecklistItems:focus { border: none; padding: 0 1; height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "select", show=False, id="checklist_items.tick"),
    ]

    class Ticked(Message):
        """The clerk ticked or unticked the item ``key``."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[ChecklistItem] = []

    def show(self, items: list[ChecklistItem]) -> None:
        """List ``items``, keeping the highlighted one where it was."""
        highlighted = self.highlighted
        self.items = items
        self.clear_options()
        self.add_options([Option(item_prompt(item), id=item.key) for item in items])
        if items:
            self.highlighted = min(highlighted or 0, len(items) - 1)

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        item = next((i for i in self.items if i.key == event.option.id), None)
        if item is not None and item.state in TICKABLE:
            self.post_message(self.Ticked(item.key))
        else:
            self.app.bell()
