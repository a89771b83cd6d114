"""The serial scanner over a real pty: scans arrive, unplugging is survived, stop is prompt."""

from __future__ import annotations

import os
import queue
import time

from devices.scanner import ScannerState, SerialScanner

QR = "01,10,044001500111,81966722,173.79,20170524,17884534745749991611,BE2D,"


def test_scans_arrive_line_by_line_over_a_pty() -> None:
    master, slave = os.openpty()
    scans: queue.Queue[str] = queue.Queue()
    states: list[ScannerState] = []
    scanner = SerialScanner(os.ttyname(slave), scans.put, states.append)
    scanner.start()
    try:
        deadline = time.monotonic() + 3
        while scanner.state is not ScannerState.CONNECTED and time.monotonic() < deadline:
            time.sleep(0.01)  # opening the port flushes what was typed before
        os.write(master, QR[:20].encode())
        time.sleep(0.05)
        os.write(master, (QR[20:] + "\r\n").encode() + b"01,32,,24312000000136634917,0.01\r")
        assert scans.get(timeout=3) == QR
        assert scans.get(timeout=3) == "01,32,,24312000000136634917,0.01"
        assert states == [ScannerState.CONNECTED]
    finally:
        started = time.monotonic()
        scanner.stop()
        assert time.monotonic() - started < 1.0  # the read timeout lets it exit promptly
        os.close(master)
        os.close(slave)


def test_a_missing_scanner_reports_disconnected_and_stops_promptly(tmp_path: object) -> None:
    states: list[ScannerState] = []
    scanner = SerialScanner(f"{tmp_path}/no-such-tty", lambda s: None, states.append,
                            max_backoff=0.2)  # fmt: skip
    scanner.start()
    time.sleep(0.5)
    started = time.monotonic()
    scanner.stop()
    assert time.monotonic() - started < 1.0
    assert scanner.state is ScannerState.DISCONNECTED
