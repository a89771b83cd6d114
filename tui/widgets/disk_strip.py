"""The disk strip in the header: ``税控盘 ● 已连接 | 004 已抄税未清卡 截止12-15(剩23天) | 库存 120``.

The state is always spelled out (○/● and words), never carried by colour alone. The poller
(``tui.disk_live``) posts the state (``tui.disk_state``); ``app.disk_state`` changes only when
the value does, so an idle terminal receives nothing. Words are looked up at render time (the
language switch).

The strip takes the room the header leaves beside the user, branch and ``[演示]`` (which are
never cut while the strip can give way) and shows the richest form that fits: every type with
its deadline; else as many as fit, most urgent first, with a count of the others; then without that count, then
with only the days left (or the date), then without it. 已连接 / 未连接 and the stock stay in every form (SPEC's
example). While the disk is busy each form says ``正忙：抄税``, else ``正忙``; last comes
``正忙`` and the stock without the types. From ``clear_remind_days`` before a deadline the deadline reads ``!截止04-15(剩3天)``
in reverse video: the reminder every terminal shows.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from tui.disk_state import URGENCY, DiskState, TypeLine, due_soon
from tui.language import t


def state_word(state: str) -> str:
    return t(f"disk_live.state.{state}") if state in URGENCY else state


def type_text(line: TypeLine, remind_days: int | None = None, *, deadline: str = "full") -> str:
    """``004 已抄税未清卡 截止12-15(剩23天)``: the deadline only where something is due,
    marked ``!`` from ``remind_days`` before it. Where room is short, ``deadline="days"`` gives
    ``!剩3天``, ``"date"`` gives ``!12-15``, and ``"none"`` leaves it out."""
    text = f"{line.type} {state_word(line.state)}"
    if deadline == "none" or line.state not in ("report_due", "reported") or line.deadline is None:
        return text
    day = f"{line.deadline.month:02d}-{line.deadline.day:02d}"
    mark = "!" if due_soon(line, remind_days) else ""
    left = line.days_left is not None and line.days_left >= 0
    if deadline == "date":
        return f"{text} {mark}{day}"
    if deadline == "days":
        words = t("disk_live.strip.days_left", days=line.days_left) if left else (
            t("disk_live.strip.overdue_short"))  # fmt: skip
        return f"{text} {mark}{words}"
    if left:
        key = "tui.notices.strip_remind" if mark else "disk_live.strip.due"
        return text + " " + t(key, deadline=day, days=line.days_left)
    return text + " " + t("disk_live.strip.overdue", deadline=day)


def _line_style(line: TypeLine, remind_days: int | None) -> str:
    if line.state == "issuing":
        return ""
    return "bold reverse" if due_soon(line, remind_days) and line.state != "locked" else "bold"


def strip_text(state: DiskState, room: int, remind_days: int | None = None) -> Text:
    """The richest form of the strip that fits in ``room`` cells (the leanest when none does)."""
    forms = list(_forms(state, remind_days))
    return next((form for form in forms if form.cell_len <= room), forms[-1])


def _forms(state: DiskState, remind_days: int | None) -> list[Text]:
    head = Text(t("tui.disk.name") + " ")
    if not state.configured:
        return [head + Text("○ " + t("tui.disk.not_configured"))]
    if not state.connected:
        return [head + Text("○ " + t("tui.disk.disconnected"), style="bold")]
    head.append("● " + t("tui.disk.connected"), style="bold")
    if not state.busy:
        return _forms_after(head, state, remind_days)
    # Busy: each form with the command's name, else with "busy" alone (the types and their
    # deadlines matter more than the command's name), and last "busy" and the stock without
    # the types. In English at 80 columns "busy: reporting" pushed the stock off the line and
    # cut the user's name.
    named, short = (
        _forms_after(head + Text(" | ") + Text(busy, style="bold"), state, remind_days)
        for busy in (t("disk_live.strip.busy", cmd=t(f"disk_live.cmd.{state.busy}")),
                     t("disk_live.strip.busy_short"))
    )  # fmt: skip
    forms = [form for pair in zip(named, short, strict=True) for form in pair]
    leanest = head.copy()
    leanest.append(" | ").append(t("disk_live.strip.busy_short"), style="bold")
    urgent = state.most_urgent()
    if urgent is not None and urgent.stock is not None:
        leanest.append(" " + t("disk_live.strip.stock", n=urgent.stock))
    return [*forms, leanest]


def _forms_after(head: Text, state: DiskState, remind_days: int | None) -> list[Text]:
    """The strip's forms after ``head`` (the disk's name, the connection and what it is busy
    with), richest first."""
    tail = " | " + state.detail if state.detail else ""  # free-form words a caller set
    urgent = state.most_urgent()
    if urgent is None:
        return [head + tail]
    stock = t("disk_live.strip.stock", n=urgent.stock) if urgent.stock is not None else ""

    def form(lines: list[TypeLine], deadline: str, count_others: bool, sep: str) -> Text:
        text = head.copy()
        for line in lines:
            text.append(sep)
            text.append(type_text(line, remind_days, deadline=deadline),
                        style=_line_style(line, remind_days))  # fmt: skip
        hidden = len(state.types) - len(lines)
        if count_others and hidden:
            text.append(" " + t("disk_live.strip.others", n=hidden))
        if stock:
            text.append(sep + stock)
        return text + tail

    every = sorted(state.types, key=lambda line: line.urgency)
    return [
        *(form(every[:n], "full", True, " | ") for n in range(len(every), 0, -1)),
        form([urgent], "full", True, " "),
        form([urgent], "full", False, " "),
        form([urgent], "days", False, " "),
        form([urgent], "date", False, " "),
        form([urgent], "none", False, " "),
    ]


class DiskStrip(Widget):
    DEFAULT_CSS = """
    DiskStrip { width: auto; height: 1; }
    """

    state: reactive[DiskState] = reactive(DiskState, layout=True)

    def render(self) -> Text:
        remind_days = getattr(self.app, "clear_remind_days", None)  # None: no reminder window
        beside = getattr(self.parent, "who_cells", 0)  # the user, branch and [演示] beside it
        room = self.app.size.width - beside - 4  # the padding of both
        return strip_text(self.state, room, remind_days)
