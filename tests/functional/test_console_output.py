"""What reaches a thin client's Linux console (TERM=linux): none of the xterm-only queries the
kernel's terminal would print as a stray "p", while an xterm still gets them."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

FAPIAO = Path(sys.executable).parent / "fapiao"


def _first_screen(tmp_path: Path, term: str) -> bytes:
    """Every byte ``fapiao --demo`` writes until its log-in screen is up."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {
        "TERM": term,
        "HOME": str(tmp_path / "home"),
        "FAPIAO_DATA_DIR": str(tmp_path / "data"),
        "FAPIAO_CONFIG": str(tmp_path / "no-config.toml"),
        "PATH": os.environ.get("PATH", ""),
    }
    child = subprocess.Popen([str(FAPIAO), "--demo"], stdin=slave, stdout=slave, stderr=slave,
                             env=env, start_new_session=True)  # fmt: skip
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and "演示账户".encode() not in seen:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    break
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        os.close(master)
    assert "演示账户".encode() in seen, seen[-2000:]
    return seen


@pytest.mark.e2e
def test_the_linux_console_gets_no_xterm_only_queries(tmp_path: Path) -> None:
    console = _first_screen(tmp_path / "linux", "linux")
    assert b"$p" not in console  # DECRQM: the console would print its final "p"
    assert b"\x1b[>" not in console and b"\x1b[<u" not in console  # kitty keyboard flags
    assert b"\x1b[?1049h" in console  # what it does understand is still sent
    xterm = _first_screen(tmp_path / "xterm", "xterm")
    assert b"\x1b[?2026$p" in xterm and b"\x1b[>" in xterm
