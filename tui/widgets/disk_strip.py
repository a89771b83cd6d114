"""The disk strip in the header: ``税控盘 ● 已连接 | 004 已抄税未清卡 截止12-15(剩23天) | 库存 120``.

The state is always spelled out (○/● and words), never carried by colour alone. The poller
(``tui.disk_live``) posts the state (``tui.disk_state``); ``app.disk_state`` changes only when
the value does, so an idle
terminal receives nothing. Words are looked up at render time (the language switch).
Narrower than ``WIDE`` columns (80×24), the strip shows the most urgent type and a count of
the others, and leaves "已连接" to the ●. From ``clear_remind_days`` before a deadline the
deadline reads ``!截止04-15(剩3天)`` in reverse video: the reminder every terminal shows.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.disk_state import URGENCY, DiskState, TypeLine, due_soon
from tui.language import t

WIDE = 110  # columns from which every type is listed
LOW_STOCK = 10  # blank invoices left at which the stock shows even at 80 columns


def state_word(state: str) -> str:
    return t(f"disk_live.state.{state}") if state in URGENCY else state


def type_text(line: TypeLine, remind_days: int | None = None) -> str:
    """``004 已抄税未清卡 截止12-15(剩23天)``: the deadline only where something is due,
    marked ``!`` from ``remind_days`` before it."""
    text = f"{line.type} {state_word(line.state)}"
    if line.state in ("report_due", "reported") and line.deadline is not None:
        deadline = f"{line.deadline.month:02d}-{line.deadline.day:02d}"
        if line.days_left is not None and line.days_left >= 0:
            key = (
                "tui.notices.strip_remind" if due_soon(line, remind_days) else "disk_live.strip.due"
            )
            text += " " + t(key, deadline=deadline, days=line.days_left)
        else:
            text += " " + t("disk_live.strip.overdue", deadline=deadline)
    return text


def _line_style(line: TypeLine, remind_days: int | None) -> str:
    if line.state == "issuing":
        return ""
    return "bold reverse" if due_soon(line, remind_days) and line.state != "locked" else "bold"


def strip_text(state: DiskState, width: int, remind_days: int | None = None) -> Text:
    text = Text(t("tui.disk.name") + " ")
    if not state.configured:
        text.append("○ " + t("tui.disk.not_configured"))
        return text
    if not state.connected:
        text.append("○ " + t("tui.disk.disconnected"), style="bold")
        return text
    urgent = state.most_urgent()
    wide = width >= WIDE
    if urgent is None or wide:
        text.append("● " + t("tui.disk.connected"), style="bold")
    else:
        text.append("●", style="bold")
    if state.busy:
        text.append(" | " if wide or urgent is None else " ")
        text.append(t("disk_live.strip.busy", cmd=t(f"disk_live.cmd.{state.busy}")), style="bold")
    if urgent is not None:
        shown = sorted(state.types, key=lambda line: line.urgency) if wide else [urgent]
        for line in shown:
            text.append(" | " if wide else " ")
            text.append(type_text(line, remind_days), style=_line_style(line, remind_days))
        if not wide and len(state.types) > 1:
            text.append(" " + t("disk_live.strip.others", n=len(state.types) - 1))
        # at 80 columns the stock shows only when it runs low (F6 always shows it)
        if urgent.stock is not None and (wide or urgent.stock <= LOW_STOCK):
            text.append((" | " if wide else " ") + t("disk_live.strip.stock", n=urgent.stock))
    if state.detail:
        text.append(" | " + state.detail)
    return text


class DiskStrip(Widget):
    DEFAULT_CSS = """
    DiskStrip { width: auto; height: 1; }
    """

    state: reactive[DiskState] = reactive(DiskState, layout=True)

    def render(self) -> Text:
        remind_days = getattr(self.app, "clear_remind_days", None)  # None: no reminder window
        return strip_text(self.state, self.app.size.width, remind_days)
