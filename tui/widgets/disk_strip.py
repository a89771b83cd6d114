"""The disk strip in the header: ``税控盘 ○ 未配置`` today; the disk poller will drive it.

The state is always spelled out (○/● and words), never carried by colour alone, and the
strip re-renders only when the state changes, so an idle terminal receives nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from storage.messages import t


@dataclass(frozen=True)
class DiskState:
    configured: bool = False
    connected: bool = False
    # The disk's summary once connected, e.g. "004 已抄税未清卡 截止12-15(剩23天) | 库存 120".
    detail: str = ""


class DiskStrip(Widget):
    DEFAULT_CSS = """
    DiskStrip { width: auto; height: 1; }
    """

    state: reactive[DiskState] = reactive(DiskState, layout=True)

    def render(self) -> Text:
        state = self.state
        text = Text(t("tui.disk.name") + " ")
        if not state.configured:
            text.append("○ " + t("tui.disk.not_configured"))
        elif not state.connected:
            text.append("○ " + t("tui.disk.disconnected"), style="bold")
        else:
            text.append("● " + t("tui.disk.connected"), style="bold")
            if state.detail:
                text.append(" | " + state.detail)
        return text
