"""The terminal driver: Textual's own, with only the changed lines sent (``tui.screen_diff``)."""

from __future__ import annotations

import os

from textual.drivers.linux_driver import LinuxDriver

from tui.screen_diff import ScreenDiff


class DiffingDriver(LinuxDriver):
    """``LinuxDriver`` whose output goes through a ``ScreenDiff``."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._diff = ScreenDiff()
        self._drawn_size: os.terminal_size | None = None

    def write(self, data: str) -> None:
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
