"""Keys that arrive together, as over SSH: the installed ``fapiao --demo`` in a real pty gets
several keys in ONE write, and the lookup box ends as if they had been typed one by one.

Textual alone reorders them (a bound key such as Backspace is applied after the printable keys
read with it; see ``tui.key_order``): with ``10002620`` in the box, Backspace×8 + ``10002602``
left the box unchanged, and ``C-a C-k 10002620`` left it empty.
"""

from __future__ import annotations

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


def box_text(screen: str) -> str:
    line = next(line for line in screen.splitlines() if line.startswith(BOX_EDGE))
    return line.removeprefix(BOX_EDGE).rstrip(" ▎")


@pytest.fixture
def lookup(tmp_path: Path) -> Iterator[RelayedTerminal]:
    with relayed_demo(tmp_path) as terminal:
        terminal.wait_for("演示账户：clerk/clerk", gone="正在准备演示数据")
        terminal.send_batch(b"clerk\r")
        terminal.wait_for("密码")
        terminal.wait_for("用户名    ▊  clerk")
        terminal.send_batch(b"clerk\r")
        terminal.wait_for("F2 查询")
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
