"""An error nothing else caught ends the app with one line for the clerk and the traceback in
the log. Textual has no public hook for this: ``FapiaoApp`` overrides its private
``_handle_exception`` and ``_print_error_renderables``, and this test is what fails when a
Textual upgrade renames or reshapes them (the clerk would then see a traceback again)."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest
from rich.console import Console

from tests.support.tui import demo_app, wait_for


async def test_an_unhandled_error_ends_the_app_with_one_line_and_the_traceback_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = demo_app(tmp_path, demo_disk=False)
    shown = io.StringIO()
    app.error_console = Console(file=shown, width=80, force_terminal=False)

    def broken() -> None:
        raise RuntimeError("boom in a handler")

    with caplog.at_level(logging.ERROR), pytest.raises(RuntimeError, match="boom in a handler"):
        async with app.run_test(size=(80, 24)) as pilot:
            await wait_for(pilot, lambda: app.store_state == "ready")
            app.call_later(broken)
            await wait_for(pilot, lambda: app.return_code == 1)
    # The clerk's terminal: one line in both languages, no traceback, no exception text.
    lines = shown.getvalue().strip().splitlines()
    assert len(lines) == 1, shown.getvalue()
    assert "程序内部错误" in lines[0] and "internal error" in lines[0]
    assert "Traceback" not in shown.getvalue() and "boom" not in shown.getvalue()
    # The log: the whole exception, for whoever reads it later.
    (record,) = [r for r in caplog.records if r.getMessage() == "unhandled error in the app"]
    assert record.exc_info is not None and isinstance(record.exc_info[1], RuntimeError)
