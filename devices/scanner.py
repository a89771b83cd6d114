"""A serial barcode scanner (``FAPIAO_SCANNER_URL``, any pyserial URL), read in a thread.

Each scan is one line (CR, LF or CR LF). Reads always time out, so ``stop()`` returns
promptly; an unplugged scanner is reported once and reopened with backoff.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import StrEnum

import serial

log = logging.getLogger(__name__)

MAX_SCAN = 4096  # a QR string is ~100 bytes; anything longer is noise


class ScannerState(StrEnum):
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"


class SerialScanner:
    def __init__(
        self,
        url: str,
        on_scan: Callable[[str], None],
        on_state: Callable[[ScannerState], None] | None = None,
        *,
        read_timeout: float = 0.2,
        max_backoff: float = 5.0,
    ) -> None:
        self.url = url
        self._on_scan = on_scan
        self._on_state = on_state or (lambda state: None)
        self._read_timeout = read_timeout
        self._max_backoff = max_backoff
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.state = ScannerState.DISCONNECTED

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="scanner", daemon=True)
        self._thread.start()

    @property
    def running(self) -> bool:
        """The reader thread is alive (started and not yet ended by ``stop``)."""
        return self._thread is not None and self._thread.is_alive()

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _set_state(self, state: ScannerState) -> None:
        if state is not self.state:
            self.state = state
            self._on_state(state)

    def _run(self) -> None:
        backoff = 0.2
        while not self._stop.is_set():
            try:
                port = serial.serial_for_url(self.url, baudrate=9600, timeout=self._read_timeout)
            except (serial.SerialException, OSError, ValueError) as exc:
                log.debug("scanner %s not available: %s", self.url, exc)
                self._set_state(ScannerState.DISCONNECTED)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, self._max_backoff)
                continue
            backoff = 0.2
            self._set_state(ScannerState.CONNECTED)
            try:
                self._read(port)
            except (serial.SerialException, OSError) as exc:
                log.info("scanner %s lost: %s", self.url, exc)
            finally:
                port.close()
            if not self._stop.is_set():
                self._set_state(ScannerState.DISCONNECTED)
                self._stop.wait(backoff)

    def _read(self, port: serial.SerialBase) -> None:
        buffer = bytearray()
        while not self._stop.is_set():
            chunk = port.read(256)  # returns after read_timeout with what arrived
            if not chunk:
                continue
            buffer += chunk
            while True:
                cut = min((i for i in (buffer.find(b"\r"), buffer.find(b"\n")) if i >= 0),
                          default=-1)  # fmt: skip
                if cut < 0:
                    break
                line, buffer = bytes(buffer[:cut]), buffer[cut + 1 :]
                text = line.decode("utf-8", errors="replace").strip()
                if text:
                    try:
                        self._on_scan(text)
                    except Exception:  # a bad scan handler must not end the reader
                        log.exception("scan handler failed")
            if len(buffer) > MAX_SCAN:
                buffer.clear()
