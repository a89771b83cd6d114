"""The header's disk strip at 80 columns: the leanest form keeps the connection and the stock
(SPEC's example) beside the whole user, in both languages, the disk busy or not."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable
from typing import TypeVar

import pytest
from rich.cells import cell_len

from devices.type_state import TypeState
from storage.messages import set_language
from tui.disk_state import DiskState, TypeLine
from tui.widgets.disk_strip import strip_text

T = TypeVar("T")

TYPES = (
    TypeLine("004", TypeState.REPORT_DUE, dt.date(2026, 3, 15), 3, 120),
    TypeLine("007", TypeState.REPORTED, dt.date(2026, 3, 15), 3, 80),
    TypeLine("026", TypeState.ISSUING, None, None, 300),
)
# the demo's supervisor beside the strip (the branch keeps its name in English)
WHO = {"en": "super (supervisor) · 总部 [demo]", "zh": "super（主管）· 总部 [演示]"}


def _in(language: str, shown: Callable[[], T]) -> T:
    """``shown()`` rendered in ``language``, the test's own context left as it was."""

    def run() -> T:
        set_language(language)
        return shown()

    return contextvars.copy_context().run(run)


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("busy", ["", "REPORT", "CLEAR", "UPLOAD"])
def test_at_80_columns_the_strip_fits_beside_the_user_with_connection_and_stock(
    language: str, busy: str
) -> None:
    state = DiskState(configured=True, connected=True, types=TYPES, busy=busy)
    room = 80 - cell_len(WHO[language]) - 4
    text = _in(language, lambda: strip_text(state, room).plain)
    connected = "已连接" if language == "zh" else "connected"
    stock = "库存 120" if language == "zh" else "stock 120"
    busy_word = "正忙" if language == "zh" else "busy"
    assert cell_len(text) <= room, text
    assert connected in text and text.endswith(stock), text
    assert (busy_word in text) == bool(busy), text


def test_the_busy_command_is_named_where_there_is_room() -> None:
    state = DiskState(configured=True, connected=True, types=TYPES, busy="REPORT")
    wide = _in("en", lambda: strip_text(state, 150).plain)
    narrow = _in("en", lambda: strip_text(state, 44).plain)
    assert wide.startswith("Disk ● connected | busy: ") and "004" in wide, wide
    assert narrow == "Disk ● connected | busy stock 120", narrow


def test_a_busy_disk_keeps_the_deadline_before_the_commands_name() -> None:
    """At 80 columns beside the supervisor, "正忙" and the days left fit where "正忙：抄税" and
    the days left do not: the deadline stays, the command's name goes."""
    state = DiskState(configured=True, connected=True, types=TYPES, busy="REPORT")
    room = 80 - cell_len(WHO["zh"]) - 4
    text = _in("zh", lambda: strip_text(state, room).plain)
    assert text == "税控盘 ● 已连接 | 正忙 004 未抄税 剩3天 库存 120", text
