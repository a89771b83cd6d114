"""The counter's way in, end to end: a real ``sshd`` on 127.0.0.1 (a spare port, a host key and
a config made here, Debian's ``openssh-server``) with the shipped ``deploy/ssh`` Match block and
ForceCommand; a real ``ssh -tt`` in tmux at 80×24 with TERM=linux.

The counter account logs in with a key and gets the app — and nothing else: a remote command,
scp, sftp, port forwarding either way and a session without a terminal are refused. The store
cannot be read by another (staff) account.

Needs root (sshd switches to the accounts it makes here; they are removed afterwards).
"""

from __future__ import annotations

import os
import shlex
import shutil
import socket
import subprocess
import sysconfig
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.paths import ROOT
from tests.support.tmux import Tmux
from tests.support.tui import NORMAL_NUMBER, demo_template

SSHD = Path("/usr/sbin/sshd")
TYPO = "26112000000000090001"  # NORMAL_NUMBER with a digit slipped

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not SSHD.exists(), reason="openssh-server is not installed"),
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(shutil.which("ssh") is None, reason="the ssh client is not installed"),
    pytest.mark.skipif(os.geteuid() != 0, reason="sshd with accounts of its own needs root"),
]


@dataclass
class Server:
    port: int
    counter: str
    staff: str
    home: Path
    store: Path
    key: Path
    known_hosts: Path

    def ssh(self, *args: str, pty: bool = False) -> list[str]:
        return [
            "ssh", "-F", "/dev/null", "-i", str(self.key), "-p", str(self.port),
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new",
            "-o", f"UserKnownHostsFile={self.known_hosts}", "-o", "ConnectTimeout=10",
            *(["-tt"] if pty else []), *args, f"{self.counter}@127.0.0.1",
        ]  # fmt: skip


def _run(*command: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, timeout=30, **kwargs)  # type: ignore[call-overload, no-any-return]


def _spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _shipped_match_block(counter: str, shell: Path) -> str:
    """deploy/ssh's Match block as shipped, for this test's account and install path."""
    text = (ROOT / "deploy/ssh/sshd_config.d-fapiao.conf").read_text(encoding="utf-8")
    assert "Match User fapiao\n" in text and "/usr/local/lib/fapiao/fapiao-shell" in text
    return text.replace("Match User fapiao\n", f"Match User {counter}\n").replace(
        "/usr/local/lib/fapiao/fapiao-shell", str(shell)
    )


def _app_launcher(home: Path) -> Path:
    """``fapiao`` for the counter account: this checkout with its installed packages, run by the
    system's Python 3.11 (the test's own interpreter may sit where other accounts cannot go)."""
    launcher = home / "bin" / "fapiao"
    launcher.parent.mkdir()
    site = sysconfig.get_paths()["purelib"]
    code = (
        f"import site, sys; site.addsitedir({site!r}); sys.path.insert(0, {str(ROOT)!r}); "
        "from tui.cli.main import main; sys.exit(main())"
    )
    launcher.write_text(f'#!/bin/sh\nexec /usr/bin/python3 -c {shlex.quote(code)} "$@"\n')
    launcher.chmod(0o755)
    return launcher


def _store_for(home: Path, counter: str) -> Path:
    """The demo's invoices in the counter's store, with one (non-demo) clerk account, laid out as
    docs/deployment.md says: a 0700 data folder of the account's own."""
    from storage.accounts.users import add_user
    from storage.store.database import close_database, open_database
    from storage.store.models import Role

    data = home / "data"
    data.mkdir(mode=0o700)
    store = data / "fapiao.db"
    shutil.copyfile(demo_template(), store)
    open_database(f"sqlite:///{store}")
    add_user("wang", "wang-pw-2026", role=Role.CLERK, branch="总部")
    close_database()
    store.chmod(0o600)
    _run("chown", "-R", f"{counter}:{counter}", str(data))
    return store


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    if not Path("/usr/bin/python3").exists():
        pytest.skip("the system Python runs the app for the counter account")
    tag = uuid.uuid4().hex[:6]
    counter, staff = f"fpdesk{tag}", f"fpstaff{tag}"
    base = Path(tempfile.mkdtemp(prefix="fapiao-sshd-"))
    base.chmod(0o755)
    home = base / "counter"
    home.mkdir()
    made: list[str] = []
    sshd: subprocess.Popen[bytes] | None = None
    try:
        for name in (counter, staff):
            # no password ("*", not "!": sshd turns away a locked account even for a key)
            added = _run("useradd", "--system", "--no-create-home", "--home-dir", str(home),
                         "--shell", "/bin/sh", "--password", "*", name)  # fmt: skip
            assert added.returncode == 0, added.stderr
            made.append(name)
        launcher = _app_launcher(home)
        store = _store_for(home, counter)
        config = home / "config.toml"
        config.write_text(f'database_url = "sqlite:///{store}"\nbranch = "总部"\n')
        config.chmod(0o600)
        shell = base / "fapiao-shell"
        shutil.copyfile(ROOT / "deploy/ssh/fapiao-shell", shell)
        shell.chmod(0o755)
        _run("chown", "-R", f"{counter}:{counter}", str(home))

        keys = base / "keys"
        keys.mkdir(mode=0o700)
        host_key, client_key = keys / "host_ed25519", keys / "client_ed25519"
        for key in (host_key, client_key):
            made_key = _run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key))
            assert made_key.returncode == 0, made_key.stderr
        authorized = base / "authorized_keys"
        authorized.write_text(client_key.with_suffix(".pub").read_text())
        authorized.chmod(0o644)

        port = _spare_port()
        sshd_config = keys / "sshd_config"
        sshd_config.write_text(
            f"Port {port}\nListenAddress 127.0.0.1\nHostKey {host_key}\n"
            f"PidFile {keys / 'sshd.pid'}\nAuthorizedKeysFile {authorized}\n"
            "StrictModes no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
            f"UsePAM no\nPermitRootLogin no\nAllowUsers {counter}\n"
            "Subsystem sftp internal-sftp\n"
            f"SetEnv FAPIAO_BIN={launcher} FAPIAO_CONFIG={config} HOME={home}\n"
            + _shipped_match_block(counter, shell)
        )
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege-separation dir
        checked = _run(str(SSHD), "-t", "-f", str(sshd_config))
        assert checked.returncode == 0, checked.stderr
        sshd = subprocess.Popen(
            [str(SSHD), "-D", "-e", "-f", str(sshd_config)],
            stdout=subprocess.DEVNULL, stderr=open(keys / "sshd.log", "wb"),  # noqa: SIM115
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline and sshd.poll() is None, "sshd did not start"
            time.sleep(0.05)
        yield Server(port, counter, staff, home, store, client_key, keys / "known_hosts")
    finally:
        if sshd is not None:
            sshd.terminate()
            sshd.wait(10)
        for name in made:
            _run("pkill", "-KILL", "-u", name)  # the account's leftover sessions, if any
            _run("userdel", name)
        shutil.rmtree(base, ignore_errors=True)


def test_the_counter_logs_in_over_ssh_and_finds_a_mistyped_number(server: Server) -> None:
    with Tmux("fapiao-ssh") as tmux:
        pane = tmux.start("ssh", server.ssh(pty=True), term="linux", exit_marker="SSH-EXITED")
        pane.wait_for("用户名", "密码", "F1 帮助", timeout=60)
        time.sleep(1)  # the store opens behind the form
        pane.type("wang")
        pane.wait_for("▊  wang", timeout=30)
        pane.send("Enter")
        time.sleep(0.5)  # the focus moves to the password box
        pane.type("wang-pw-2026")
        pane.send("Enter")
        pane.wait_for("wang（前台）· 总部", "F2 查询", timeout=30)
        pane.type(TYPO)
        # the invoice meant, offered
        screen = pane.wait_for("可能是", f"没有找到：{TYPO}", NORMAL_NUMBER, timeout=30)
        assert all(len(line) <= 80 for line in screen.splitlines())
        pane.send("C-q")
        screen = pane.wait_for("SSH-EXITED-", timeout=30)
        assert "SSH-EXITED-0" in screen and "Traceback" not in screen


def test_a_remote_command_scp_and_sftp_are_refused(server: Server, tmp_path: Path) -> None:
    listed = _run(*server.ssh(), "ls", "/")
    assert listed.returncode == 2
    assert "no commands" in listed.stderr and "bin" not in listed.stdout
    local = tmp_path / "payload.txt"
    local.write_text("x")
    target = server.home / "copied.txt"
    copied = _run("scp", "-F", "/dev/null", "-i", str(server.key), "-P", str(server.port),
                  "-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={server.known_hosts}",
                  "-o", "StrictHostKeyChecking=accept-new",
                  str(local), f"{server.counter}@127.0.0.1:{target}")  # fmt: skip
    assert copied.returncode != 0 and not target.exists()
    sftp = _run("sftp", "-F", "/dev/null", "-i", str(server.key), "-P", str(server.port),
                "-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={server.known_hosts}",
                "-o", "StrictHostKeyChecking=accept-new", "-b", "-",
                f"{server.counter}@127.0.0.1", input=f"get {server.store}\n", cwd=tmp_path)  # fmt: skip
    assert sftp.returncode != 0 and not (tmp_path / server.store.name).exists()


def test_a_session_without_a_terminal_is_refused(server: Server) -> None:
    done = _run(*server.ssh("-T"), input="")
    assert done.returncode == 2
    assert "terminal" in done.stderr


def test_forwarding_either_way_is_refused(server: Server) -> None:
    with socket.socket() as target:
        target.bind(("127.0.0.1", 0))
        target.listen()
        target.settimeout(0.5)
        target_port = target.getsockname()[1]
        local_port = _spare_port()
        tunnel = subprocess.Popen(
            server.ssh("-N", "-L", f"{local_port}:127.0.0.1:{target_port}"),
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 10
            while True:  # the client listens locally; the server must refuse the channel
                with socket.socket() as client:
                    if client.connect_ex(("127.0.0.1", local_port)) == 0:
                        client.settimeout(5)
                        assert client.recv(1) == b""  # closed at once, nothing forwarded
                        break
                assert time.monotonic() < deadline, "ssh -L never listened"
                time.sleep(0.1)
            with pytest.raises(TimeoutError):
                target.accept()
        finally:
            tunnel.terminate()
            tunnel.wait(10)
    remote = _run(*server.ssh("-N", "-o", "ExitOnForwardFailure=yes",
                              "-R", f"{_spare_port()}:127.0.0.1:22"))  # fmt: skip
    assert remote.returncode != 0
    assert "forwarding failed" in remote.stderr.lower()


def test_the_store_cannot_be_read_by_a_staff_account(server: Server) -> None:
    as_staff = _run("runuser", "-u", server.staff, "--", "cat", str(server.store))
    assert as_staff.returncode != 0
    assert "Permission denied" in as_staff.stderr
    as_counter = _run("runuser", "-u", server.counter, "--", "head", "-c", "15", str(server.store))
    assert as_counter.returncode == 0 and as_counter.stdout == "SQLite format 3"
