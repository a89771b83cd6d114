"""The stop-and-wait link to the disk over any pyserial port (PROTOCOL.md "Link rules").

One request at a time: send, wait for the reply with the same SEQ, resend the *same* frame
after ``REPLY_TIMEOUT`` of silence up to ``RESENDS`` times, then give up with
``DiskNotAnswering``. A ``PROGRESS`` event for the awaited SEQ counts as a sign of life.
Every wait is bounded, so no call blocks forever. A dropped connection (TCP closed, pty gone)
is reopened before the next resend; the disk's reply memory makes that safe.
"""

from __future__ import annotations

import contextlib
import io
import logging
import random
import select
import threading
import time
from collections.abc import Callable
from typing import Any

import serial

from devices.errors import DiskNotAnswering, DiskUnreachable, RequestTooLong
from devices.frames import (
    MAX_SEQ,
    ErrorReply,
    Event,
    FrameReader,
    FrameTooLong,
    JsonObject,
    Reply,
    Request,
    encode,
)

log = logging.getLogger(__name__)

REPLY_TIMEOUT = 1.0  # seconds without a reply or PROGRESS before the same frame is resent
RESENDS = 5  # resends of one frame before the disk is reported as not answering
LONGEST_COMMAND = 150.0  # PROTOCOL.md: long commands run up to 120 s; a little slack
BAUDRATE = 115_200
_CHUNK = 65_536
_POLL = 0.05  # ports without a file descriptor (loop://) are polled this often

EventHandler = Callable[[Event], None]


def _is_device_path(url: str) -> bool:
    return "://" not in url


class Link:
    """A stop-and-wait request/reply channel to one disk.

    ``reply_timeout`` and ``resends`` are the protocol's constants; tests may shrink the
    timeout to run faster, nothing else should change them.
    """

    def __init__(
        self,
        url: str,
        *,
        on_event: EventHandler | None = None,
        reply_timeout: float = REPLY_TIMEOUT,
        resends: int = RESENDS,
        longest_command: float = LONGEST_COMMAND,
        first_seq: int | None = None,
    ) -> None:
        self.url = url
        self.on_event = on_event
        self.reply_timeout = reply_timeout
        self.resends = resends
        self.longest_command = longest_command
        # A random start: a restarted app must not hit the disk's memory of an old SEQ.
        self._seq = random.randrange(MAX_SEQ + 1) if first_seq is None else first_seq
        self._port: serial.SerialBase | None = None
        self._reader = FrameReader()
        self._lock = threading.Lock()
        self.sent_frames = 0  # frames written, resends included (for tests and the bench)
        self.bytes_sent = 0
        self.bytes_received = 0

    # -- opening -------------------------------------------------------------------------

    def open(self) -> None:
        """Open the port; ``DiskUnreachable`` names the problem (missing, in use …)."""
        if self._port is not None:
            return
        kwargs: dict[str, Any] = dict(baudrate=BAUDRATE, timeout=0, write_timeout=2.0)
        if _is_device_path(self.url):
            # 8N1, no flow control; one process at a time on a real port.
            kwargs.update(bytesize=serial.EIGHTBITS, parity=serial.PARITY_NONE,
                          stopbits=serial.STOPBITS_ONE, xonxoff=False, rtscts=False,
                          dsrdtr=False, exclusive=True)  # fmt: skip
        try:
            port = serial.serial_for_url(self.url, **kwargs)
        except serial.SerialException as exc:
            text = str(exc)
            raise DiskUnreachable(self.url, text, in_use="exclusively lock" in text) from exc
        except (OSError, ValueError) as exc:
            raise DiskUnreachable(self.url, str(exc)) from exc
        self._port = port
        self._reader = FrameReader()

    def close(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            with contextlib.suppress(serial.SerialException, OSError):
                port.close()

    def __enter__(self) -> Link:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def is_open(self) -> bool:
        return self._port is not None

    # -- requests ------------------------------------------------------------------------

    def next_seq(self) -> int:
        self._seq = (self._seq + 1) % (MAX_SEQ + 1)
        return self._seq

    def request(
        self, cmd: str, body: JsonObject | None = None, *, progress: EventHandler | None = None
    ) -> Reply | ErrorReply:
        """Send one request and return its reply (``OK`` or ``ERR``).

        Raises ``DiskNotAnswering`` after ``resends`` silent resends of the same frame, and
        ``DiskUnreachable`` when the port cannot be (re)opened.
        """
        with self._lock:
            self._ensure_open()  # a port that never opened fails at once, not after resends
            seq = self.next_seq()
            try:
                frame = encode(Request(seq, cmd, body or {}))
            except FrameTooLong as exc:  # e.g. an UPLOAD of thousands of numbers at once
                raise RequestTooLong(cmd) from exc
            return self._exchange(seq, frame, progress)

    def _exchange(
        self, seq: int, frame: bytes, progress: EventHandler | None
    ) -> Reply | ErrorReply:
        started = time.monotonic()
        silent_resends = 0
        unreachable: DiskUnreachable | None = None
        while True:
            try:
                self._send(frame)
                unreachable = None
            except DiskUnreachable as exc:
                unreachable = exc
            deadline = time.monotonic() + self.reply_timeout
            while unreachable is None:
                now = time.monotonic()
                if now >= deadline:
                    break
                if now - started > self.longest_command:
                    raise DiskNotAnswering(silent_resends)
                try:
                    got = self._receive(deadline - now)
                except DiskUnreachable as exc:
                    unreachable = exc
                    break
                for item in got:
                    if isinstance(item, Reply | ErrorReply):
                        if item.seq == seq:
                            return item
                        log.debug("stale reply for SEQ %d ignored", item.seq)
                    elif isinstance(item, Event):
                        if item.name == "PROGRESS" and item.body.get("seq") == seq:
                            deadline = time.monotonic() + self.reply_timeout
                            silent_resends = 0  # the disk is alive and working on it
                            if progress is not None:
                                progress(item)
                        elif self.on_event is not None:
                            self.on_event(item)
            if unreachable is not None:
                # Give the disk the time a reply would have had before reopening.
                time.sleep(max(0.0, deadline - time.monotonic()))
            if silent_resends >= self.resends:
                if unreachable is not None:
                    raise unreachable
                raise DiskNotAnswering(silent_resends)
            silent_resends += 1
            log.debug("no reply to SEQ %d, resend %d", seq, silent_resends)

    # -- bytes ---------------------------------------------------------------------------

    def _ensure_open(self) -> serial.SerialBase:
        if self._port is None:
            self.open()
        assert self._port is not None
        return self._port

    def _send(self, frame: bytes) -> None:
        port = self._ensure_open()
        try:
            port.write(frame)  # no flush(): tcdrain on a pty waits for the far end to read
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise DiskUnreachable(self.url, str(exc)) from exc
        self.sent_frames += 1
        self.bytes_sent += len(frame)

    def _receive(self, timeout: float) -> list[Event | Reply | ErrorReply]:
        """Frames that arrive within ``timeout`` (returns at the first batch)."""
        port = self._ensure_open()
        try:
            if not self._wait_readable(port, timeout):
                return []
            data = port.read(_CHUNK)
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise DiskUnreachable(self.url, str(exc)) from exc
        self.bytes_received += len(data)
        return [f for f, _ in self._reader.feed(data) if not isinstance(f, Request)]

    @staticmethod
    def _wait_readable(port: serial.SerialBase, timeout: float) -> bool:
        try:
            fd = port.fileno()
        except (AttributeError, io.UnsupportedOperation, NotImplementedError):
            # loop:// and the like: no descriptor to wait on, so poll.
            end = time.monotonic() + timeout
            while not getattr(port, "in_waiting", 0):
                if time.monotonic() >= end:
                    return False
                time.sleep(min(_POLL, max(0.0, end - time.monotonic())))
            return True
        ready, _, _ = select.select([fd], [], [], max(0.0, timeout))
        return bool(ready)
