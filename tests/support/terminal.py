"""The real ``fapiao`` in a real pty, drawn by tmux: keys go in as single writes of any size
(``send_batch``), the screen comes back as text (``screen``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.paths import ROOT
from tests.support.tmux import Pane, Tmux

FAPIAO = Path(sys.executable).parent / "fapiao"


class RelayedTerminal(Pane):
    """A pane running its command through ``tests.support.pty_relay``, which writes whatever
    comes through ``fifo`` to the command's pty at once."""

    def __init__(self, server: Tmux, session: str, fifo: Path) -> None:
        super().__init__(server, session)
        self.fifo = fifo

    def send_batch(self, keys: bytes) -> None:
        """``keys`` reach the app in one write to its pty, as one SSH packet would bring them."""
        fd = os.open(self.fifo, os.O_WRONLY)
        try:
            os.write(fd, keys)
        finally:
            os.close(fd)


@contextmanager
def relayed_demo(tmp_path: Path, *, term: str = "xterm") -> Iterator[RelayedTerminal]:
    """``fapiao --demo`` at 80×24 in a pty of its own, with a clean environment."""
    env = {
        "FAPIAO_DATA_DIR": str(tmp_path / "data"),
        "FAPIAO_CONFIG": str(tmp_path / "no-config.toml"),
        "HOME": str(tmp_path / "home"),
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),  # for the relay module; the app is installed
    }
    fifo = tmp_path / "keys.fifo"
    os.mkfifo(fifo)
    relay = [sys.executable, "-m", "tests.support.pty_relay", str(fifo), "--", str(FAPIAO)]
    with Tmux("fapiao-relay") as server:
        server.start("relay", [*relay, "--demo"], term=term, env=env, cwd=ROOT)
        yield RelayedTerminal(server, "relay", fifo)
