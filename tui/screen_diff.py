"""Send the terminal only the cells that changed (issue 12: a key in ≤ 2 KB over SSH).

The upstream cause (Textual 8.2.8, ``textual/_compositor.py`` and ``textual/app.py``
``_display``): Textual repaints every line of a widget's region whenever the widget is
refreshed, whatever the terminal already shows, and keeps no copy of what it sent. A
``DataTable`` given the same rows again, a scrollbar redrawn because its widget was, a screen
laid out again to hide one status line (the same lines, cut into different pieces): each goes
out in full. And Rich renders every segment as ``SGR text SGR-reset``, so a run of cells in one
style (a scrollbar, a padded blank row) costs ~15 bytes a cell.

``ScreenDiff`` sits between Textual and the terminal (``tui.driver.DiffingDriver``). Textual's
frames are runs of ``CUP(row, col)`` + styled text; the diff keeps the screen's cells (a
character and the SGR sequence it was drawn with), and writes out only the cells that differ,
each span once with its colours. Anything it does not understand (a clear, a mode switch, a
control character) passes through unchanged and makes it forget the screen, so the worst case
is Textual's own output.
"""

from __future__ import annotations

import re

from rich.cells import cell_len

_CUP = re.compile(r"\x1b\[(\d+);(\d+)H")
_SGR = re.compile(r"\x1b\[[0-9;]*m")
_RESET = "\x1b[0m"
# What may come before a frame's first CUP without the screen changing: colours, the cursor
# shown or hidden, the synchronised-update brackets.
_HARMLESS_HEAD = re.compile(r"(?:\x1b\[[0-9;]*m|\x1b\[\?25[hl]|\x1b\[\?2026[hl])*")
_WIDE_TAIL = ""  # the right half of a two-cell character
_GAP = 6  # unchanged cells between two changes sent anyway: cheaper than another CUP

Cell = tuple[str, str]  # (SGR since the last reset, character)


def _cells(line: str) -> list[Cell] | None:
    """The cells a run of styled text draws; None if it holds anything else."""
    cells: list[Cell] = []
    style = ""
    position = 0
    for match in [*_SGR.finditer(line), None]:
        text = line[position : match.start() if match else len(line)]
        for ch in text:
            if ord(ch) < 32 or ch == "\x7f" or ch == "\x1b":
                return None
            width = cell_len(ch)
            if width == 0:
                if not cells:
                    return None
                last_style, last_ch = cells[-1]
                cells[-1] = (last_style, last_ch + ch)
            elif width == 2:
                cells.extend(((style, ch), (style, _WIDE_TAIL)))
            else:
                cells.append((style, ch))
        if match is None:
            break
        position = match.end()
        sgr = match.group(0)
        style = "" if sgr == _RESET else style + sgr
    return cells


class ScreenDiff:
    """What the terminal shows, as far as this output has told it; ``filter`` turns a frame
    into what is not already there."""

    def __init__(self) -> None:
        self._rows: dict[int, list[Cell | None]] = {}
        self._cursor = ""

    def forget(self) -> None:
        """The terminal's content is unknown (resized, cleared): send everything again."""
        self._rows.clear()
        self._cursor = ""

    def filter(self, data: str) -> str:
        first = _CUP.search(data)
        head = data if first is None else data[: first.start()]
        if not _HARMLESS_HEAD.fullmatch(head):
            self.forget()  # a clear, an alternate screen, a reset: start afresh
        if first is None:
            return data
        out = [head]
        cursor = ""
        matches = list(_CUP.finditer(data, first.start()))
        for index, match in enumerate(matches):
            end = matches[index + 1].start() if index + 1 < len(matches) else len(data)
            body = data[match.end() : end]
            line = body.rstrip("\r\n")
            if not line:
                cursor = match.group(0)  # where the cursor is left: only the last one counts
                continue
            row, col = int(match[1]), int(match[2])
            cells = _cells(line)
            if cells is None:
                self.forget()
                out.append(match.group(0) + body)
                continue
            out.append(self._changes(row, col - 1, cells))
        changed = any(out[1:])
        if cursor and (changed or cursor != self._cursor):
            out.append(cursor)
            self._cursor = cursor
        elif changed and self._cursor:
            out.append(self._cursor)  # the cursor goes back where Textual had left it
        return "".join(out)

    def _changes(self, row: int, start: int, cells: list[Cell]) -> str:
        """Draws ``cells`` at (``row``, ``start``) into the kept screen; returns the output
        for the cells that differ."""
        shown = self._rows.setdefault(row, [])
        end = start + len(cells)
        if len(shown) < end + 1:
            shown.extend([None] * (end + 1 - len(shown)))
        # Half a wide character overwritten loses its other half as well.
        first, after = shown[start], shown[end]
        if start > 0 and first is not None and first[1] == _WIDE_TAIL:
            shown[start - 1] = None
        if after is not None and after[1] == _WIDE_TAIL:
            shown[end] = None
        changed = [i for i, cell in enumerate(cells) if shown[start + i] != cell]
        shown[start:end] = cells
        if not changed:
            return ""
        spans: list[list[int]] = []
        for i in changed:
            if spans and i - spans[-1][1] <= _GAP:
                spans[-1][1] = i + 1
            else:
                spans.append([i, i + 1])
        out: list[str] = []
        for span in spans:
            if cells[span[0]][1] == _WIDE_TAIL:
                span[0] -= 1  # never start on the right half of a character
            if span[1] < len(cells) and cells[span[1]][1] == _WIDE_TAIL:
                span[1] += 1
            out.append(f"\x1b[{row};{start + span[0] + 1}H")
            style = ""
            for cell_style, ch in cells[span[0] : span[1]]:
                if cell_style != style:
                    out.append(_RESET if cell_style == "" else _RESET * bool(style) + cell_style)
                    style = cell_style
                out.append(ch)
            if style:
                out.append(_RESET)
        return "".join(out)
