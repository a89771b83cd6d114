"""The terminal shows the same whether it gets Textual's frames or only their changes
(``tui.screen_diff``), and the changes are what changed."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tui.screen_diff import ScreenDiff

COLS, ROWS = 80, 24
RESET = "\x1b[0m"
STYLES = ["", "\x1b[39;49m", "\x1b[7;34;49m", "\x1b[1;33;49m", "\x1b[30;47m"]


class Terminal:
    """Just enough of a terminal for Textual's output: CUP, SGR, text (wide characters take two
    cells and overwriting half of one blanks the other), newline."""

    def __init__(self) -> None:
        self.cells = [[("", " ")] * COLS for _ in range(ROWS)]
        self.row = self.col = 0
        self.style = ""

    def feed(self, data: str) -> None:
        for token in re.findall(r"\x1b\[[0-9;?]*[A-Za-z]|.", data, flags=re.S):
            if token.startswith("\x1b["):
                if token.endswith("H"):
                    row, col = token[2:-1].split(";")
                    self.row, self.col = int(row) - 1, int(col) - 1
                elif token.endswith("m"):
                    self.style = "" if token == RESET else self.style + token
            elif token == "\n":
                self.row += 1
            elif token == "\r":
                self.col = 0
            else:
                self.put(token)

    def put(self, ch: str) -> None:
        wide = unicodedata.east_asian_width(ch) in "WF"
        line = self.cells[self.row]
        for col in range(self.col, self.col + (2 if wide else 1)):
            if col >= COLS:
                return
            if line[col][1] == "" and col > 0:  # the right half of a wide one
                line[col - 1] = ("", " ")
            if col + 1 < COLS and line[col][1] != "" and line[col + 1][1] == "":
                line[col + 1] = ("", " ")
        line[self.col] = (self.style, ch)
        if wide and self.col + 1 < COLS:
            line[self.col + 1] = (self.style, "")
        self.col += 2 if wide else 1

    def text(self) -> list[str]:
        return ["".join(ch for _, ch in line) for line in self.cells]


def run(row: int, col: int, pieces: list[tuple[str, str]]) -> str:
    """One of Textual's runs: CUP, then each piece as ``SGR text RESET``."""
    body = "".join(f"{style}{text}{RESET}" if style else text for style, text in pieces)
    return f"\x1b[{row};{col}H{body}"


def test_the_same_lines_cut_differently_send_nothing() -> None:
    diff = ScreenDiff()
    whole = run(3, 1, [("\x1b[39;49m", "用户名    "), ("\x1b[35;49m", "▊" + " " * 20)])
    assert diff.filter(whole + "\x1b[3;12H") != ""
    cut = run(3, 1, [("\x1b[39;49m", "用户名  ")]) + run(
        3, 9, [("\x1b[39;49m", "  "), ("\x1b[35;49m", "▊" + " " * 20)]
    )
    assert diff.filter(cut + "\x1b[3;12H") == ""


def test_a_changed_word_sends_that_word_and_cells_in_one_style_go_as_one_run() -> None:
    diff = ScreenDiff()
    diff.filter(run(5, 1, [("\x1b[39;49m", "找到 18 张  ·  作废/红冲：显示")]) + "\x1b[3;5H")
    out = diff.filter(run(5, 1, [("\x1b[39;49m", "找到 17 张  ·  作废/红冲：显示")]) + "\x1b[3;5H")
    assert "7" in out and "作废" not in out
    scrollbar = run(23, 1, [("\x1b[7;34;49m", " ")] * 40)
    assert len(ScreenDiff().filter(scrollbar)) < len(scrollbar) / 5


def test_a_clear_or_mode_switch_makes_it_send_everything_again() -> None:
    diff = ScreenDiff()
    frame = run(1, 1, [("\x1b[39;49m", "发票柜台助手")])
    diff.filter(frame)
    assert diff.filter("\x1b[?1049h") == "\x1b[?1049h"
    assert "发票柜台助手" in diff.filter(frame)


texts = st.text(alphabet="ab 状态号码…▊─", min_size=1, max_size=12)
pieces = st.lists(st.tuples(st.sampled_from(STYLES), texts), min_size=1, max_size=4)


@st.composite
def runs(draw: st.DrawFn) -> tuple[int, int, list[tuple[str, str]]]:
    """A run as Textual writes one: its text ends at the right edge at the latest (a wide
    character that would straddle the edge is left out, as Textual leaves it)."""
    row, col = draw(st.integers(1, ROWS)), draw(st.integers(1, 50))
    room = COLS - col + 1
    kept: list[tuple[str, str]] = []
    for style, text in draw(pieces):
        fits = ""
        for ch in text:
            width = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
            if width > room:
                break
            fits, room = fits + ch, room - width
        if fits:
            kept.append((style, fits))
        if fits != text:
            break
    return row, col, kept


frames = st.lists(st.lists(runs(), min_size=1, max_size=6), min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(frames)
def test_the_screen_ends_the_same_as_with_textuals_own_output(frames: list[Any]) -> None:
    direct, diffed, diff = Terminal(), Terminal(), ScreenDiff()
    for frame in frames:
        data = "".join(run(row, col, ps) for row, col, ps in frame) + "\x1b[3;5H"
        direct.feed(data)
        diffed.feed(diff.filter(data))
        assert diffed.cells == direct.cells
        assert (diffed.row, diffed.col) == (direct.row, direct.col)
