"""Reading newline-delimited messages from a socket: the device service and its clients speak
one JSON object a line over a Unix socket."""

from __future__ import annotations

import socket
from collections.abc import Callable

MAX_LINE = 1_048_576  # one message; the disk's own frames are far smaller


def read_lines(
    sock: socket.socket, keep_going: Callable[[], bool], on_line: Callable[[bytes], None]
) -> None:
    """Call ``on_line`` for each complete line until the peer closes, ``keep_going()`` turns
    false, or a line grows past ``MAX_LINE``. The socket must have a timeout, so
    ``keep_going`` is checked at least that often."""
    buffer = b""
    while keep_going():
        try:
            chunk = sock.recv(262_144)
        except TimeoutError:
            continue
        if not chunk:
            return
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            on_line(line)
        if len(buffer) > MAX_LINE:
            return
