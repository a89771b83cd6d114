"""The deployment files do what docs/deployment.md says."""

from __future__ import annotations

import itertools
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT

SHELL = ROOT / "deploy" / "ssh" / "fapiao-shell"
FAPIAO = Path(sys.executable).with_name("fapiao")


def _run_shell(
    tmp_path: Path, *, terminal: bool = True, **env: str
) -> subprocess.CompletedProcess[str]:
    """The ForceCommand script as sshd runs it for ``ssh -t``: on a terminal (a pty of its
    own), or with ``terminal=False`` on pipes, as for ``ssh -T``."""
    fake = tmp_path / "fake-fapiao"
    fake.write_text(
        '#!/bin/sh\necho "app started as $FAPIAO_CONFIG with $LC_ALL"\n', encoding="utf-8"
    )
    fake.chmod(0o755)
    env = {"PATH": os.environ["PATH"], "FAPIAO_BIN": str(fake), **env}
    if not terminal:
        return subprocess.run([str(SHELL)], capture_output=True, text=True, timeout=10,
                              check=False, stdin=subprocess.DEVNULL, env=env)  # fmt: skip
    master, slave = os.openpty()
    with subprocess.Popen([str(SHELL)], stdin=slave, stdout=slave, stderr=subprocess.PIPE,
                          env=env) as child:  # fmt: skip
        os.close(slave)
        output = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the script has ended and the pty is closed
                break
            if not chunk:
                break
            output += chunk
        assert child.stderr is not None
        errors = child.stderr.read()
        child.wait(10)
    os.close(master)
    return subprocess.CompletedProcess(
        child.args, child.returncode, output.decode().replace("\r\n", "\n"), errors.decode()
    )


def test_force_command_starts_the_app_with_a_utf8_locale(tmp_path: Path) -> None:
    done = _run_shell(tmp_path)
    assert done.returncode == 0
    assert done.stdout.strip() == "app started as /etc/fapiao/config.toml with C.UTF-8"


def test_force_command_refuses_remote_commands(tmp_path: Path) -> None:
    done = _run_shell(tmp_path, SSH_ORIGINAL_COMMAND="cat /var/lib/fapiao/fapiao.db")
    assert done.returncode == 2 and done.stdout == ""
    assert "只能使用发票柜台助手" in done.stderr


def test_force_command_refuses_a_session_without_a_terminal(tmp_path: Path) -> None:
    done = _run_shell(tmp_path, terminal=False)
    assert done.returncode == 2 and done.stdout == ""
    assert "需要终端" in done.stderr


def test_sshd_snippet_forbids_forwarding_and_forces_the_app() -> None:
    text = (ROOT / "deploy" / "ssh" / "sshd_config.d-fapiao.conf").read_text(encoding="utf-8")
    for line in ("ForceCommand /usr/local/lib/fapiao/fapiao-shell", "AllowTcpForwarding no",
                 "X11Forwarding no", "AllowAgentForwarding no", "PermitTunnel no"):  # fmt: skip
        assert line in text


@pytest.mark.parametrize("unit", sorted((ROOT / "deploy" / "systemd").glob("*.service")))
def test_every_systemd_command_is_a_real_subcommand(unit: Path) -> None:
    commands = [
        line.split("=", 1)[1] for line in unit.read_text(encoding="utf-8").splitlines()
        if line.startswith(("ExecStart=", "ExecStartPost="))
    ]  # fmt: skip
    assert commands
    for command in commands:
        words = shlex.split(command)
        assert words[0] == "/usr/local/bin/fapiao"
        subcommand = list(itertools.takewhile(lambda w: not w.startswith("-"), words[1:]))
        done = subprocess.run([str(FAPIAO), *subcommand, "--help"], capture_output=True,
                              text=True, timeout=60, check=False)  # fmt: skip
        assert done.returncode == 0, (command, done.stderr)
