"""The terminal driver: Textual's own, with only the changed lines sent (``tui.screen_diff``),
and nothing the Linux console would print as garbage.

On a thin client's Linux console (TERM=linux) the kernel's terminal ends a control sequence
at the first byte it does not expect: Textual's DECRQM queries (``ESC[?2026$p`` for
synchronised output, ``ESC[?2048$p`` for in-band resize) leave a stray "p" on the screen,
and the kitty keyboard protocol's push and pop (``ESC[>…u``, ``ESC[<u``) mean nothing there.
None of them is sent to such a terminal; everything the console does understand still is.
"""

from __future__ import annotations

import os
import re

from textual.drivers.linux_driver import LinuxDriver

from tui.screen_diff import ScreenDiff

# xterm-only sequences a Linux console can't take: DECRQM queries and kitty keyboard flags.
CONSOLE_UNSAFE = re.compile(r"\x1b\[\?\d+\$p|\x1b\[>\d*u|\x1b\[<\d*u")


def linux_console(term: str | None = None) -> bool:
    """The terminal is the Linux console (TERM=linux, or a variant like linux-16color)."""
    term = os.environ.get("TERM", "") if term is None else term
    return term == "linux" or term.startswith("linux-")


class DiffingDriver(LinuxDriver):
    """``LinuxDriver`` whose output goes through a ``ScreenDiff``."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._diff = ScreenDiff()
        self._drawn_size: os.terminal_size | None = None
        self._console = linux_console()

    def write(self, data: str) -> None:
        if self._console:
            data = CONSOLE_UNSAFE.sub("", data)
        size = self._terminal_size()
        if size != self._drawn_size:  # a resized terminal keeps only part of what it showed
            self._drawn_size = size
            self._diff.forget()
        data = self._diff.filter(data)
        if data:
            super().write(data)

    def _terminal_size(self) -> os.terminal_size | None:
        try:
            return os.get_terminal_size(self.fileno)
        except OSError:
            return None
