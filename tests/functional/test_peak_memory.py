"""Peak memory of the installed ``fapiao`` (issue 12: ≤ 80 MiB after log-in), as a counter's
terminal runs it: a pty of its own at 80×24, log in, look a number up, quit. The peak is the
app's ``VmHWM`` read once the number is found (its whole life so far, the password hash
included). Not ``ru_maxrss`` from ``os.wait4``: Linux carries the spawning process's resident
size across ``exec`` into it, so from pytest it reads ~90 MiB for an app whose own peak is 65."""

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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from storage.accounts.users import add_user
from storage.store.database import close_database, open_database
from storage.store.invoice_store import save_invoices
from storage.store.models import Role
from storage.store.schema import upgrade
from tests.support.invoices import make_record

FAPIAO = Path(sys.executable).parent / "fapiao"
PEAK_GOAL_MIB = 80
# Well below anything that imports Textual and the store: the number read is a real one.
PLAUSIBLE_MIB = 30
CTRL_Q = b"\x11"


class Counter:
    """``fapiao`` in a pty; ``output`` holds every byte it wrote."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.child = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                      start_new_session=True)  # fmt: skip
        os.close(slave)
        self.master = master
        self.output = b""

    def wait_for(self, text: str, timeout: float = 60) -> None:
        wanted = text.encode()
        start = len(self.output)
        deadline = time.monotonic() + timeout
        while wanted not in self.output[start:]:
            assert time.monotonic() < deadline, f"{text!r} never came: {self.output[-1500:]!r}"
            self.read(0.1)

    def read(self, timeout: float) -> None:
        if select.select([self.master], [], [], timeout)[0]:
            try:
                self.output += os.read(self.master, 65536)
            except OSError:  # the app has gone
                time.sleep(timeout)

    def settle(self, quiet: float = 0.5, timeout: float = 20) -> None:
        """Read until nothing came for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        size = -1
        while size != len(self.output) and time.monotonic() < deadline:
            size = len(self.output)
            self.read(quiet)

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def high_water_mib(self) -> float:
        for line in Path(f"/proc/{self.child.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmHWM for the app")

    def quit(self) -> int:
        """Ctrl+Q, then the exit status."""
        self.send(CTRL_Q)
        deadline = time.monotonic() + 15
        while self.child.poll() is None:
            assert time.monotonic() < deadline, "the app did not quit on Ctrl+Q"
            self.read(0.1)
        return self.child.returncode

    def close(self) -> None:
        if self.child.returncode is None:
            os.killpg(self.child.pid, signal.SIGKILL)
            self.child.wait()
        os.close(self.master)


@contextmanager
def counter(tmp_path: Path, *args: str, **env: str) -> Iterator[Counter]:
    app = Counter(
        [str(FAPIAO), *args],
        {
            "TERM": "xterm",
            "LANG": "C.UTF-8",
            "HOME": str(tmp_path / "home"),
            "FAPIAO_DATA_DIR": str(tmp_path / "data"),
            "FAPIAO_CONFIG": str(tmp_path / "no-config.toml"),
            "PATH": os.environ.get("PATH", ""),
            **env,
        },
    )
    try:
        yield app
    finally:
        app.close()


def log_in_and_look_up(app: Counter, user: str, password: str, number: str) -> float:
    """Log in, look ``number`` up until it is found; the app's peak so far (MiB)."""
    app.wait_for("登录")  # the login screen's title
    app.settle()
    app.send(user.encode() + b"\r")
    app.settle(0.3)
    app.send(password.encode() + b"\r")
    app.wait_for("票号码")  # the lookup box's placeholder (its 发 under the cursor)
    app.settle()
    app.send(number.encode())
    app.wait_for("找到 1 张")
    app.settle()
    return app.high_water_mib()


@pytest.mark.e2e
def test_the_demo_after_log_in_and_a_lookup_stays_within_80_mib(tmp_path: Path) -> None:
    with counter(tmp_path, "--demo") as app:
        peak = log_in_and_look_up(app, "clerk", "clerk", "10002620")  # a 总部 invoice
        assert app.quit() == 0
    assert PLAUSIBLE_MIB < peak <= PEAK_GOAL_MIB, f"peak {peak:.1f} MiB"


@pytest.mark.e2e
def test_a_real_store_after_log_in_and_a_lookup_stays_within_80_mib(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    upgrade(open_database(url))
    add_user("clerk1", "counter-pass-1", role=Role.CLERK, branch="总部")
    save_invoices([make_record("81966722")], branch="总部")
    close_database()
    with counter(tmp_path, FAPIAO_DATABASE_URL=url) as app:
        peak = log_in_and_look_up(app, "clerk1", "counter-pass-1", "81966722")
        assert app.quit() == 0
    assert PLAUSIBLE_MIB < peak <= PEAK_GOAL_MIB, f"peak {peak:.1f} MiB"
