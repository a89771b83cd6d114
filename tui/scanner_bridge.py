"""The serial scanner (``scanner_url``) wired to the app: each scan arrives in the screen on
top as a ``Scanned`` message; unplugging and plugging back in are told as notices.

The scanner reads in its own thread. Nothing here ever waits on the event loop from that
thread (a blocking hand-over could hang the app's exit): each scan and each plug or unplug is
posted to the app (``ScannerRead``, ``ScannerStateChanged``), whose handlers call ``deliver``
and ``state_changed`` on the loop; a scan that arrives while the app is closing is dropped.
"""

from __future__ import annotations

import logging
import weakref
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message

from tui.language import t
from tui.messages import ScannerRead, ScannerStateChanged, post_from_thread

if TYPE_CHECKING:  # pyserial loads only when a scanner is configured
    from devices.scanner import ScannerState, SerialScanner

log = logging.getLogger("fapiao.tui")

_running: weakref.WeakKeyDictionary[App[object], SerialScanner] = weakref.WeakKeyDictionary()


class Scanned(Message):
    """One scan from the serial scanner: the text of one line."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def deliver(app: App[Any], text: str) -> None:
    """On the loop: the scan goes to the screen on top."""
    app.screen.post_message(Scanned(text))


def state_changed(app: App[Any], state: ScannerState) -> None:
    from devices.scanner import ScannerState

    if state is ScannerState.DISCONNECTED:
        app.notify(t("tui.scanner.lost"), severity="warning", timeout=6)
    else:
        app.notify(t("tui.scanner.back"), timeout=3)


def start_scanner(app: App[Any], url: str | None = None) -> SerialScanner | None:
    """Start reading the scanner at ``url`` (default: the app's ``settings.scanner_url``);
    None when none is configured. Calling it again for the same app returns the same one."""
    if url is None:
        url = getattr(getattr(app, "settings", None), "scanner_url", "")
    if not url:
        return None
    running = _running.get(app)
    if running is not None:
        return running
    from devices.scanner import SerialScanner

    scanner = SerialScanner(
        url,
        on_scan=lambda text: post_from_thread(app, ScannerRead(text)),
        on_state=lambda state: post_from_thread(app, ScannerStateChanged(state)),
    )
    scanner.start()
    _running[app] = scanner
    log.info("scanner reading from %s", url)
    return scanner


def stop_scanner(scanner: SerialScanner | None) -> None:
    """Stop ``scanner`` (returns within its read timeout); None is fine."""
    if scanner is None:
        return
    scanner.stop()
    for app, running in list(_running.items()):
        if running is scanner:
            del _running[app]
