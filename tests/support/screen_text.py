"""The screen as the clerk reads it: the lines of text the app shows now, one string a row.

Read through Textual's public ``App.export_screenshot()`` (an SVG that rich draws one
``<text>`` per run of characters, placed by cell and clipped to its row), so the test sees
exactly what a terminal would show, overlays and dialogs included.
"""

from __future__ import annotations

import html
import re
from typing import Any

from rich.cells import cell_len
from textual.app import App

# rich's export_svg: a cell is 20 × 0.61 units wide; each run is clipped to "…-line-<row>".
_CELL = 20 * 0.61
_RUN = re.compile(
    r'<text class="[^"]*" x="(?P<x>[\d.]+)" y="[^"]*" textLength="[^"]*" '
    r'clip-path="url\(#[^"]*-line-(?P<row>\d+)\)">(?P<text>.*?)</text>',
    re.S,
)


def screen_lines(app: App[Any]) -> list[str]:
    """Every row of the screen as plain text (wide characters take their two cells)."""
    height = app.size.height
    rows: list[list[tuple[int, str]]] = [[] for _ in range(height)]
    for run in _RUN.finditer(app.export_screenshot()):
        row = int(run["row"])
        if row < height:
            rows[row].append((round(float(run["x"]) / _CELL), html.unescape(run["text"])))
    lines = []
    for runs in rows:
        line = ""
        for cell, text in sorted(runs):
            line += " " * max(0, cell - cell_len(line)) + text.replace("\xa0", " ")
        lines.append(line.rstrip())
    return lines
