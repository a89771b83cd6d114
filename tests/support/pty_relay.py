"""Run a command in a pty of its own and pass bytes to it as a terminal would, with one extra
door: every chunk read from a FIFO is written to the command's pty in ONE ``os.write``, so a
test can send several keys exactly as they arrive together over SSH.

Meant to run inside a tmux pane (``python -m tests.support.pty_relay FIFO -- command…``): the
command's output goes to the pane, which draws it (``tmux capture-pane`` reads the screen);
the pane's replies to the command's terminal queries come back through stdin.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import sys
import termios
import tty


def _copy_size(to_fd: int) -> None:
    size = fcntl.ioctl(sys.stdout.fileno(), termios.TIOCGWINSZ, b"\0" * 8)
    fcntl.ioctl(to_fd, termios.TIOCSWINSZ, size)


def relay(fifo: str, command: list[str]) -> int:
    pid, master = pty.fork()
    if pid == 0:  # the child: its stdin/out/err are the pty's slave end
        os.execvp(command[0], command)
    _copy_size(master)
    stdin = sys.stdin.fileno()
    tty.setraw(stdin)
    batches = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    keep_open = os.open(fifo, os.O_WRONLY)  # no EOF spin between the test's writes
    try:
        while True:
            ready, _, _ = select.select([master, stdin, batches], [], [])
            if master in ready:
                try:
                    data = os.read(master, 65536)
                except OSError:  # the command has ended
                    break
                if not data:
                    break
                os.write(sys.stdout.fileno(), data)
            if stdin in ready:
                os.write(master, os.read(stdin, 4096))
            if batches in ready:
                chunk = os.read(batches, 4096)
                if chunk:
                    os.write(master, chunk)  # the whole batch in one write
    finally:
        os.close(keep_open)
        os.close(batches)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    args = sys.argv[1:]
    split = args.index("--")
    code = relay(args[0], args[split + 1 :])
    sys.stdout.write(f"\r\nRELAY-EXITED-{code}\r\n")
    sys.stdout.flush()
