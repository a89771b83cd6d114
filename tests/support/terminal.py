"""The real ``fapiao`` in a real pty, drawn by tmux: keys go in as single writes of any size
(``send_batch``), the screen comes back as text (``screen``)."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support.paths import ROOT

FAPIAO = Path(sys.executable).parent / "fapiao"


class RelayedTerminal:
    """One tmux server of our own (``-L``), its one pane running the command through
    ``tests.support.pty_relay``."""

    def __init__(self, socket: str, fifo: Path) -> None:
        self.socket = socket
        self.fifo = fifo
        self.session = "relay"

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True, text=True, timeout=10, check=True,
        )  # fmt: skip
        return done.stdout

    def send_batch(self, keys: bytes) -> None:
        """``keys`` reach the app in one write to its pty, as one SSH packet would bring them."""
        fd = os.open(self.fifo, os.O_WRONLY)
        try:
            os.write(fd, keys)
        finally:
            os.close(fd)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def wait_for(self, text: str, timeout: float = 20, *, gone: str = "") -> str:
        """Poll the pane until ``text`` is on it (and ``gone`` is not)."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen and not (gone and gone in screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")
            time.sleep(0.1)


@contextmanager
def relayed_demo(tmp_path: Path, *, term: str = "xterm") -> Iterator[RelayedTerminal]:
    """``fapiao --demo`` at 80×24 in a pty of its own, with a clean environment."""
    env = {
        "FAPIAO_DATA_DIR": str(tmp_path / "data"),
        "FAPIAO_CONFIG": str(tmp_path / "no-config.toml"),
        "HOME": str(tmp_path / "home"),
        "TERM": term,
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(ROOT),  # for the relay module; the app is installed
    }
    fifo = tmp_path / "keys.fifo"
    os.mkfifo(fifo)
    relay = [sys.executable, "-m", "tests.support.pty_relay", str(fifo), "--", str(FAPIAO)]
    command = " ".join(
        ["env", "-i", *(f"{k}={shlex.quote(v)}" for k, v in env.items()), *relay, "--demo"]
    )
    terminal = RelayedTerminal(f"fapiao-relay-{uuid.uuid4().hex[:8]}", fifo)
    terminal.tmux(
        "new-session", "-d", "-x", "80", "-y", "24", "-s", terminal.session,
        f"cd {shlex.quote(str(ROOT))} && {command}; sleep 60",
    )  # fmt: skip
    try:
        yield terminal
    finally:
        subprocess.run(
            ["tmux", "-L", terminal.socket, "kill-server"], capture_output=True, timeout=10
        )
