"""Keys that arrive together, as over SSH: the installed ``fapiao --demo`` in a real pty gets
several keys in ONE write, and the app ends as if they had been typed one by one.

Textual alone sends each key to the widget focused when the App takes it, before the keys
ahead of it are done (see ``tui.key_order``): with ``10002620`` in the lookup box, Backspace×8
+ ``10002602`` left the box unchanged, ``C-a C-k 10002620`` left it empty, and
``clerk⏎clerk⏎`` on the log-in screen put both words in the name box.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.terminal import RelayedTerminal, relayed_demo
from tests.support.tui import NORMAL_NUMBER

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

BOX_EDGE = "▊  "  # the lookup box's text starts after its tall left edge
F3 = b"\x1bOR"


def box_text(screen: str) -> str:
    line = next(line for line in screen.splitlines() if line.startswith(BOX_EDGE))
    return line.removeprefix(BOX_EDGE).rstrip(" ▎")


def log_in_key_by_key(terminal: RelayedTerminal) -> None:
    terminal.wait_for("演示账户：clerk/clerk", gone="正在准备演示数据")
    terminal.send_batch(b"clerk\r")
    terminal.wait_for("密码")
    terminal.wait_for("用户名    ▊  clerk")
    terminal.send_batch(b"clerk\r")
    terminal.wait_for("F2 查询")


@pytest.fixture
def lookup(tmp_path: Path) -> Iterator[RelayedTerminal]:
    with relayed_demo(tmp_path) as terminal:
        log_in_key_by_key(terminal)
        terminal.send_batch(b"10002620")
        terminal.wait_for("天津华信电子")  # the demo's 10002620
        yield terminal


def test_backspaces_then_digits_in_one_write_replace_the_number(lookup: RelayedTerminal) -> None:
    lookup.send_batch(b"\x7f" * 8 + b"10002602")
    screen = lookup.wait_for("武汉卓越医药")  # the demo's 10002602
    assert box_text(screen) == "10002602"
    assert "天津华信电子" not in screen


def test_home_kill_then_digits_in_one_write_retype_the_number(lookup: RelayedTerminal) -> None:
    lookup.send_batch(b"\x7f")
    screen = lookup.wait_for("1000262", gone="天津华信电子")
    assert box_text(screen) == "1000262"
    lookup.send_batch(b"\x01\x0b10002620")  # C-a C-k: to the start, cut to the end
    screen = lookup.wait_for("天津华信电子")
    assert box_text(screen) == "10002620"


def test_a_wedge_scanners_burst_is_one_query(lookup: RelayedTerminal) -> None:
    # a scan after clearing the box, with its Enter, all in one read
    lookup.send_batch(b"\x01\x0b" + NORMAL_NUMBER.encode() + b"\r")
    screen = lookup.wait_for("青岛同创")
    assert NORMAL_NUMBER in screen and "天津华信电子" not in screen


@pytest.mark.parametrize("typed", ["10002602", "武汉"])
def test_escape_then_the_next_query_in_one_write_clears_the_box_first(
    lookup: RelayedTerminal, typed: str
) -> None:
    # Esc and the next number (or name) typed right after it, in one read: a terminal sends
    # Alt+key as these same bytes, and Textual reads ESC 1 as macOS Option+1 ("¡").
    lookup.send_batch(b"\x1b" + typed.encode())
    screen = lookup.wait_for("武汉卓越医药")  # the demo's 10002602, its buyer 武汉…
    assert box_text(screen) == typed
    assert "¡" not in screen and "天津华信电子" not in screen


@pytest.fixture
def login(tmp_path: Path) -> Iterator[RelayedTerminal]:
    with relayed_demo(tmp_path) as terminal:
        terminal.wait_for("演示账户：clerk/clerk", gone="正在准备演示数据")
        yield terminal


def test_name_enter_password_enter_in_one_write_logs_in(login: RelayedTerminal) -> None:
    # Enter in the name box moves the focus to the password box: the password read with it
    # must go there, not into the name box
    login.send_batch(b"clerk\rclerk\r")
    # the header names the clerk a moment after the lookup screen's footer is drawn
    screen = login.wait_until(
        lambda shown: "F2 查询" in shown and "clerk（前台）" in shown,
        "'F2 查询' with 'clerk（前台）'",
    )
    assert "F2 查询" in screen and "clerk（前台）" in screen
    assert "用户名或密码错误" not in screen


def field_row(screen: str, label: str) -> str:
    """What the F3 form shows in the box of the row labelled ``label``."""
    row = next(line for line in screen.splitlines() if line.startswith(f" {label} "))
    match = re.match(r"\s*(?:\*查验)?\s*(\S*)", row.removeprefix(f" {label} "))
    assert match is not None
    return match.group(1)


def test_checklist_fields_with_tab_and_enter_between_in_one_write(tmp_path: Path) -> None:
    with relayed_demo(tmp_path) as terminal:
        log_in_key_by_key(terminal)
        # F3 opens the form (the focus goes to 发票代码); Tab and Enter each move to the next
        # field
        terminal.send_batch(F3 + b"3200231130\t12345678\r20240506\r")
        screen = terminal.wait_for("开票日期       *查验 20240506")
        assert field_row(screen, "发票代码") == "3200231130"
        assert field_row(screen, "发票号码") == "12345678"
        assert field_row(screen, "开票日期") == "20240506"
        assert field_row(screen, "校验码") == "20"  # its hint "20 位（普票）": still empty
        assert "发票号码 / 代码" not in screen  # the lookup's box is gone, nothing typed into it
