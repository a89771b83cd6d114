"""The real ``fapiao --demo`` in a real terminal (tmux, 80×24, TERM=linux): log in as the
clerk, look an invoice up, quit with ctrl+q, and the process is gone."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.tui import NORMAL_NUMBER

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

FAPIAO = Path(sys.executable).parent / "fapiao"


class Tmux:
    """One tmux server of our own (``-L``), so a user's sessions are never touched."""

    def __init__(self, socket: str) -> None:
        self.socket = socket
        self.session = "fapiao"

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True, text=True, timeout=10, check=True,
        )  # fmt: skip
        return done.stdout

    def send(self, *keys: str) -> None:
        self.run("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        self.run("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.session)

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


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    data = tmp_path / "data"  # the demo never writes here: it seeds a throwaway folder per run
    env = {
        "FAPIAO_DATA_DIR": str(data),
        "FAPIAO_CONFIG": str(tmp_path / "no-config.toml"),
        "HOME": str(tmp_path / "home"),
        "TERM": "linux",  # 16 colours, as on a thin client's console
        "PATH": os.environ.get("PATH", ""),
    }
    command = " ".join(
        ["env", "-i", *(f"{k}={shlex.quote(v)}" for k, v in env.items()), str(FAPIAO), "--demo"]
    )
    # After the app ends, the pane says how it ended and stays for capture-pane.
    shell = f"{command}; echo FAPIAO-EXITED-$?; sleep 60"
    server = Tmux(f"fapiao-test-{uuid.uuid4().hex[:8]}")
    server.run("new-session", "-d", "-x", "80", "-y", "24", "-s", server.session, shell)
    try:
        yield server
    finally:
        subprocess.run(
            ["tmux", "-L", server.socket, "kill-server"], capture_output=True, timeout=10
        )


def test_log_in_look_up_and_quit_in_a_real_terminal(tmux: Tmux) -> None:
    # the form takes input once the store is open and the progress line has gone
    screen = tmux.wait_for(
        "演示账户：clerk/clerk（前台）super/super（主管）", gone="正在准备演示数据"
    )
    assert "F1 帮助" in screen
    # the demo's own disk comes up live in the header: a type waiting for its clear
    tmux.wait_for("税控盘 ● 已连接 004 已抄税未清卡")
    tmux.type("clerk")
    tmux.wait_for("用户名    ▊  clerk")
    tmux.send("Enter")
    # Keys sent faster than the focus moves would land in the name box (a person types
    # slower than this); give the focus its moment, then check the dots are in the right box.
    time.sleep(0.3)
    tmux.type("clerk")
    tmux.wait_for("密码      ▊  •••••")
    tmux.send("Enter")
    screen = tmux.wait_for("clerk（前台）· 总部")
    assert "F2 查询" in screen and "^Q 退出" in screen
    tmux.type(NORMAL_NUMBER)
    screen = tmux.wait_for("找到 1 张")
    row = next(line for line in screen.splitlines() if NORMAL_NUMBER in line and "正常" in line)
    assert "1,130.00" in row and "青岛同创" in row
    assert all(len(line) <= 80 for line in screen.splitlines())
    tmux.send("Down")
    tmux.send("Enter")
    screen = tmux.wait_for("状态：正常")
    assert "购方名称" in screen and "青岛同创信息技术有限公司" in screen
    tmux.send("Escape")
    tmux.wait_for("找到 1 张")
    tmux.send("C-q")
    screen = tmux.wait_for("FAPIAO-EXITED-")
    assert "FAPIAO-EXITED-0" in screen
    assert "Traceback" not in screen
