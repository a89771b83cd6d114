"""A real terminal for end-to-end tests: a tmux server of the test's own draws a command's
screen at a given size and TERM, takes keys, and gives the screen back as text.

    with Tmux("fapiao-e2e") as tmux:
        pane = tmux.start("app", [str(FAPIAO), "--demo"], env={...}, exit_marker="FAPIAO-EXITED")
        pane.wait_for("用户名")
        pane.type("clerk")
        pane.send("Enter")
"""

from __future__ import annotations

import shlex
import subprocess
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType


class Tmux:
    """One tmux server of our own (``-L``, no config file), so a user's sessions are never
    touched; ``kill`` (or leaving the ``with`` block) ends it and everything it runs."""

    def __init__(self, name: str = "fapiao") -> None:
        self.socket = f"{name}-{uuid.uuid4().hex[:8]}"

    def run(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True, text=True, timeout=10, check=True,
        )  # fmt: skip
        return done.stdout

    def start(
        self,
        session: str,
        command: Sequence[str],
        *,
        size: tuple[int, int] = (80, 24),
        term: str = "linux",
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        exit_marker: str = "",
        poll: float = 0.1,
        never_shown: Sequence[str] = (),
    ) -> Pane:
        """Run ``command`` in a new session of ``size`` (columns, rows) with ``TERM=term``.

        With ``env`` the command gets that environment and nothing else (``env -i``); without,
        the test's own. With ``exit_marker`` the pane prints ``{exit_marker}-{exit code}`` when
        the command ends. The pane then stays a minute, so its last screen can still be read.
        """
        if env is None:
            launch = ["env", f"TERM={term}", *command]
        else:
            variables = {**env, "TERM": term}
            launch = ["env", "-i", *(f"{k}={v}" for k, v in variables.items()), *command]
        shell = shlex.join(launch)
        if cwd is not None:
            shell = f"cd {shlex.quote(str(cwd))} && {shell}"
        if exit_marker:
            shell += f"; echo {exit_marker}-$?"
        shell += "; sleep 60"
        columns, rows = size
        self.run("new-session", "-d", "-x", str(columns), "-y", str(rows), "-s", session, shell)
        return Pane(self, session, poll=poll, never_shown=never_shown)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)

    def __enter__(self) -> Tmux:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.kill()


class Pane:
    """One session's screen and keyboard.

    ``never_shown``: texts that fail the test whenever a capture of the screen shows one
    (a traceback, "database is locked"), not only when a test looks for them.
    """

    def __init__(
        self, server: Tmux, session: str, *, poll: float = 0.1, never_shown: Sequence[str] = ()
    ) -> None:
        self.server = server
        self.session = session
        self.poll = poll
        self.never_shown = tuple(never_shown)

    def send(self, *keys: str) -> None:
        """Keys by tmux's names (``Enter``, ``C-q``, ``BSpace``…)."""
        self.server.run("send-keys", "-t", self.session, *keys)

    def type(self, text: str) -> None:
        """``text`` as typed, character by character (no key names)."""
        self.server.run("send-keys", "-t", self.session, "-l", text)

    def screen(self) -> str:
        text = self.server.run("capture-pane", "-p", "-t", self.session)
        shown = [word for word in self.never_shown if word in text]
        assert not shown, f"terminal {self.session} showed {shown}:\n{text}"
        return text

    def wait_for(self, *texts: str, timeout: float = 20, gone: str = "") -> str:
        """The screen once every one of ``texts`` is on it (and ``gone`` is not).

        Wait for all a check needs at once: a frame reaches the terminal in pieces (over ssh
        in several reads), so the header can be on a capture whose footer is not yet.
        """
        return self.wait_until(
            lambda screen: all(text in screen for text in texts) and not (gone and gone in screen),
            " and ".join(map(repr, texts)) + (f" without {gone!r}" if gone else ""),
            timeout,
        )

    def wait_until(self, ready: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        """The screen once ``ready(screen)``; after ``timeout`` seconds an AssertionError naming
        ``what`` and showing the last screen."""
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if ready(screen):
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.session}: no {what} after {timeout:g} s; the screen was:\n{screen}"
                )
            time.sleep(self.poll)
