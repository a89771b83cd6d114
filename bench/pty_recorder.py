"""A pty recorder: what an SSH client would receive from a program, byte for byte, per key and
per frame, saved so it can be replayed and read again.

A session runs the command in a pty of its own (80×24 unless told), records every write to it
(``in``) and every read from it (``out``) with its time, and saves them as JSON lines. Frames are
the output split at silences of ``FRAME_GAP`` (Textual writes a frame at once from its writer
thread; a pty hands it over in pieces of at most 4 KiB, microseconds apart).

    python -m bench.pty_recorder record FILE [--cols 80 --rows 24] -- COMMAND…
        (your terminal drives the command; everything is recorded)
    python -m bench.pty_recorder show FILE      # bytes per key and per frame
    python -m bench.pty_recorder replay FILE [--speed 1] [--frames]
        (draws the recorded output on your terminal, with its timing or a frame per Enter)
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import time
import tty
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

FRAME_GAP = 0.008  # seconds of silence that end a frame


#: The baseline of the start-up and traffic benches: a bare Textual app with one Input.
BARE_APP = """
from textual.app import App
from textual.widgets import Input

class Bare(App):
    def compose(self):
        yield Input(placeholder="name")

    def on_mount(self):
        self.query_one(Input).focus()

Bare().run()
"""


def app_env(home: Path, **extra: str) -> dict[str, str]:
    """A clean environment for an app under measurement: its own home, data and (no) config
    under ``home``, TERM=xterm as an SSH client's terminal, plus ``extra``."""
    return {
        "TERM": "xterm",
        "LANG": "C.UTF-8",
        "HOME": str(home / "home"),
        "FAPIAO_DATA_DIR": str(home / "data"),
        "FAPIAO_CONFIG": str(home / "no-config.toml"),
        "PATH": os.environ.get("PATH", ""),
        **extra,
    }


@dataclass(frozen=True)
class Chunk:
    at: float  # seconds since the command started
    direction: str  # "in": written to the program (keys); "out": read from it (screen)
    data: bytes


@dataclass
class Frame:
    start: float
    data: bytes


@dataclass
class PtySession:
    """One command in a pty; every byte both ways kept in ``chunks``."""

    argv: Sequence[str]
    env: dict[str, str]
    cols: int = 80
    rows: int = 24
    chunks: list[Chunk] = field(default_factory=list)
    pid: int = 0
    fd: int = -1
    started: float = 0.0

    def start(self) -> None:
        self.started = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:  # the child, on the pty's slave end
            try:
                os.execvpe(self.argv[0], list(self.argv), self.env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))

    def now(self) -> float:
        return time.monotonic() - self.started

    def send(self, data: bytes) -> None:
        """``data`` in one write, as one SSH packet would bring it."""
        self.chunks.append(Chunk(self.now(), "in", data))
        os.write(self.fd, data)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0))
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the program has gone
            data = b""
        if not data:
            raise EOFError
        self.chunks.append(Chunk(self.now(), "out", data))
        return True

    def pump(self, seconds: float) -> None:
        """Read for ``seconds``."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            self._read(left)

    def wait_quiet(self, quiet: float, timeout: float, *, after_output: bool = False) -> bool:
        """Read until nothing came for ``quiet`` seconds (True) or ``timeout`` passed; with
        ``after_output``, the quiet counts only once something has come."""
        end = time.monotonic() + timeout
        if after_output:
            while not self._read(end - time.monotonic()):
                if time.monotonic() >= end:
                    return False
        last = time.monotonic()
        while time.monotonic() < end:
            if self._read(min(quiet, end - time.monotonic())):
                last = time.monotonic()
            elif time.monotonic() - last >= quiet:
                return True
        return False

    def wait_for(self, text: bytes | re.Pattern[bytes], timeout: float) -> bool:
        """Read until ``text`` (or a match of the pattern) appears in the output (True) or
        ``timeout`` passed."""
        end = time.monotonic() + timeout
        seen = len(self.chunks)
        tail = b""
        while time.monotonic() < end:
            self._read(end - time.monotonic())
            for chunk in self.chunks[seen:]:
                if chunk.direction == "out":
                    tail = (tail + chunk.data)[-65536:]
            seen = len(self.chunks)
            if text.search(tail) if isinstance(text, re.Pattern) else text in tail:
                return True
        return False

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            with contextlib.suppress(EOFError):
                self._read(0.05)
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)

    def mark(self) -> int:
        return len(self.chunks)

    def output_since(self, mark: int, until: int | None = None) -> bytes:
        return b"".join(c.data for c in self.chunks[mark:until] if c.direction == "out")

    def save(self, path: Path) -> None:
        save(path, self.chunks, cols=self.cols, rows=self.rows, argv=list(self.argv))


def frames(chunks: Iterable[Chunk], gap: float = FRAME_GAP) -> list[Frame]:
    """The output, split where it paused for ``gap`` seconds or a key was sent."""
    found: list[Frame] = []
    last_end = -1.0
    for chunk in chunks:
        if chunk.direction == "in":
            last_end = -1.0
            continue
        if found and last_end >= 0 and chunk.at - last_end < gap:
            found[-1].data += chunk.data
        else:
            found.append(Frame(chunk.at, chunk.data))
        last_end = chunk.at
    return found


def save(path: Path, chunks: Iterable[Chunk], **header: object) -> None:
    with path.open("w") as out:
        out.write(json.dumps({"pty_recording": 1, **header}) + "\n")
        for chunk in chunks:
            line = {"at": round(chunk.at, 6), "dir": chunk.direction, "hex": chunk.data.hex()}
            out.write(json.dumps(line) + "\n")


def load(path: Path) -> tuple[dict[str, object], list[Chunk]]:
    with path.open() as lines:
        header = json.loads(next(lines))
        chunks = [
            Chunk(float(row["at"]), row["dir"], bytes.fromhex(row["hex"]))
            for row in map(json.loads, lines)
        ]
    return header, chunks


def per_key(chunks: Sequence[Chunk]) -> list[tuple[bytes, int, int]]:
    """(key bytes, output bytes until the next key, frames) for each write to the program."""
    rows: list[tuple[bytes, int, int]] = []
    for index, chunk in enumerate(chunks):
        if chunk.direction != "in":
            continue
        following: list[Chunk] = []
        for later in chunks[index + 1 :]:
            if later.direction == "in":
                break
            following.append(later)
        rows.append((chunk.data, sum(len(c.data) for c in following), len(frames(following))))
    return rows


def _show(path: Path) -> None:
    header, chunks = load(path)
    print(f"{path}: {header.get('argv')} at {header.get('cols')}x{header.get('rows')}")
    first_key = next((i for i, c in enumerate(chunks) if c.direction == "in"), len(chunks))
    start = frames(chunks[:first_key])
    print(f"before the first key: {sum(len(f.data) for f in start)} B in {len(start)} frames")
    for frame in start:
        print(f"  {frame.start:8.3f}s  {len(frame.data):6d} B")
    for key, size, count in per_key(chunks):
        print(f"key {key!r:>14}: {size:6d} B in {count} frames")


def _replay(path: Path, speed: float, by_frame: bool) -> None:
    _, chunks = load(path)
    out = sys.stdout.buffer
    if by_frame:
        for frame in frames(chunks):
            out.write(frame.data)
            out.flush()
            input()
        return
    started = time.monotonic()
    for chunk in chunks:
        if chunk.direction == "out":
            time.sleep(max(0.0, chunk.at / speed - (time.monotonic() - started)))
            out.write(chunk.data)
            out.flush()


def _record(path: Path, argv: list[str], cols: int, rows: int) -> None:
    session = PtySession(argv, dict(os.environ), cols, rows)
    session.start()
    stdin = sys.stdin.fileno()
    saved = termios.tcgetattr(stdin)
    tty.setraw(stdin)
    try:
        while True:
            ready, _, _ = select.select([session.fd, stdin], [], [])
            if stdin in ready:
                session.send(os.read(stdin, 4096))
            if session.fd in ready:
                try:
                    session._read(0)
                except EOFError:
                    break
                os.write(sys.stdout.fileno(), session.chunks[-1].data)
    finally:
        termios.tcsetattr(stdin, termios.TCSADRAIN, saved)
        os.waitpid(session.pid, 0)
        session.save(path)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pty_recorder")
    commands = parser.add_subparsers(dest="command", required=True)
    record = commands.add_parser("record")
    record.add_argument("file", type=Path)
    record.add_argument("--cols", type=int, default=80)
    record.add_argument("--rows", type=int, default=24)
    record.add_argument("argv", nargs=argparse.REMAINDER)
    show = commands.add_parser("show")
    show.add_argument("file", type=Path)
    replay = commands.add_parser("replay")
    replay.add_argument("file", type=Path)
    replay.add_argument("--speed", type=float, default=1.0)
    replay.add_argument("--frames", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "record":
        command = args.argv[1:] if args.argv[:1] == ["--"] else args.argv
        _record(args.file, command, args.cols, args.rows)
    elif args.command == "show":
        _show(args.file)
    else:
        _replay(args.file, args.speed, args.frames)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
