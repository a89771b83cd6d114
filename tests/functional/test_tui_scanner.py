"""The serial scanner in the running app, over a real pty: a scan fills the checklist form or
becomes the lookup's query; unplugging shows a notice and the app still exits promptly."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from textual.widgets import Input

from devices.scanner import ScannerState, SerialScanner
from storage.config.settings import Settings
from tests.support.checklist import TOLL_QR, open_checklist
from tests.support.tui import NORMAL_NUMBER, TODAY, fresh_demo_store, log_in, wait_for
from tui.app import FapiaoApp
from tui.scanner_bridge import start_scanner, stop_scanner
from tui.screens.lookup import LookupScreen
from tui.widgets.invoice_table import InvoiceTable

SIZE = (80, 24)


class ScannerApp(FapiaoApp):
    """The app with the two lines that start and stop the scanner, and its notices kept."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scanner: SerialScanner | None = None
        self.notices: list[str] = []

    def on_mount(self) -> None:  # Textual also runs FapiaoApp.on_mount
        self.scanner = start_scanner(self)

    def on_unmount(self) -> None:
        stop_scanner(self.scanner)

    def notify(self, message: str, *args: Any, **kwargs: Any) -> None:
        self.notices.append(message)
        super().notify(message, *args, **kwargs)


def scanner_app(directory: Path, url: str) -> ScannerApp:
    settings = Settings(scanner_url=url).with_defaults()
    return ScannerApp(settings, demo=True, today=TODAY, demo_path=fresh_demo_store(directory))


async def test_a_serial_scan_fills_the_checklist_and_unplugging_is_told(tmp_path: Path) -> None:
    master, slave = os.openpty()
    app = scanner_app(tmp_path, os.ttyname(slave))
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_checklist(pilot)
            scanner = app.scanner
            assert scanner is not None and start_scanner(app) is scanner  # one per app
            await wait_for(pilot, lambda: scanner.state is ScannerState.CONNECTED)
            os.write(master, (TOLL_QR + "\r\n").encode())
            await wait_for(pilot, lambda: screen.box("number").value == "12345678")
            assert screen.box("code").value == "044001900112"
            assert screen.box("check_code").value == "12345678901234567890"
            # something that is not an invoice QR is said, and fills nothing
            os.write(master, b"6901234567892\r\n")
            await wait_for(pilot, lambda: any("不是发票二维码" in n for n in app.notices))
            assert screen.box("number").value == "12345678"
            os.close(master)  # unplugged
            master = -1
            await wait_for(pilot, lambda: "扫码枪已断开，正在重新连接…" in app.notices)
            started = time.monotonic()
        assert time.monotonic() - started < 2  # the exit does not wait on the scanner
        assert not scanner.running  # the reader thread (connected above) has ended
    finally:
        if master >= 0:
            os.close(master)
        os.close(slave)


async def test_a_serial_scan_on_the_lookup_is_a_query(tmp_path: Path) -> None:
    master, slave = os.openpty()
    app = scanner_app(tmp_path, os.ttyname(slave))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await log_in(pilot)
            screen = app.screen
            assert isinstance(screen, LookupScreen) and app.scanner is not None
            scanner = app.scanner
            await wait_for(pilot, lambda: scanner.state is ScannerState.CONNECTED)
            os.write(master, (NORMAL_NUMBER + "\r").encode())
            await wait_for(pilot, lambda: screen.result is not None
                           and screen.result.query == NORMAL_NUMBER)  # fmt: skip
            assert screen.query_one("#query", Input).value == NORMAL_NUMBER
            assert screen.query_one(InvoiceTable).row_count == 1
    finally:
        os.close(master)
        os.close(slave)


def test_no_scanner_configured_starts_nothing(tmp_path: Path) -> None:
    app = FapiaoApp(Settings().with_defaults())
    assert start_scanner(app) is None
    stop_scanner(None)  # and stopping nothing is fine
