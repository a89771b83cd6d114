"""The real ``fapiao --demo`` in a real terminal (tmux, 80×24, TERM=linux): log in as the
clerk, look an invoice up, quit with ctrl+q, and the process is gone."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.tmux import Pane, Tmux
from tests.support.tui import NORMAL_NUMBER

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]

FAPIAO = Path(sys.executable).parent / "fapiao"


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Pane]:
    data = tmp_path / "data"  # the demo never writes here: it seeds a throwaway folder per run
    env = {
        "FAPIAO_DATA_DIR": str(data),
        "FAPIAO_CONFIG": str(tmp_path / "no-config.toml"),
        "HOME": str(tmp_path / "home"),
        "PATH": os.environ.get("PATH", ""),
    }
    # TERM=linux: 16 colours, as on a thin client's console. After the app ends, the pane
    # says how it ended and stays for capture-pane.
    with Tmux("fapiao-test") as server:
        yield server.start(
            "fapiao", [str(FAPIAO), "--demo"], term="linux", env=env, exit_marker="FAPIAO-EXITED"
        )


def _row(screen: str) -> str | None:
    return next(
        (line for line in screen.splitlines() if NORMAL_NUMBER in line and "正常" in line), None
    )


def test_log_in_look_up_and_quit_in_a_real_terminal(tmux: Pane) -> None:
    # the form takes input once the store is open and the progress line has gone
    tmux.wait_for(
        "演示账户：clerk/clerk（前台）super/super（主管）", "F1 帮助", gone="正在准备演示数据"
    )
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
    tmux.wait_for("clerk（前台）· 总部", "F2 查询", "^Q 退出")
    tmux.type(NORMAL_NUMBER)
    screen = tmux.wait_until(
        lambda screen: "找到 1 张" in screen and _row(screen) is not None, "the invoice's row"
    )
    row = _row(screen) or ""
    assert "1,130.00" in row and "青岛同创" in row
    assert all(len(line) <= 80 for line in screen.splitlines())
    tmux.send("Down")
    tmux.send("Enter")
    tmux.wait_for("状态：正常", "购方名称", "青岛同创信息技术有限公司")
    tmux.send("Escape")
    tmux.wait_for("找到 1 张")
    tmux.send("C-q")
    screen = tmux.wait_for("FAPIAO-EXITED-")
    assert "FAPIAO-EXITED-0" in screen
    assert "Traceback" not in screen
