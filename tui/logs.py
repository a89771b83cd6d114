"""Logging to a file in the data directory (never to the clerk's screen)."""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path
from typing import Any

from storage.config.settings import data_dir
from storage.private_folder import private_folder
from storage.rules.log_redaction import RedactingFilter


def setup_logging() -> logging.Handler | None:
    """The app's log file (once per process); returns the handler added, None if there was one."""
    level = os.environ.get("FAPIAO_LOG_LEVEL", "INFO").upper()
    path = os.environ.get("FAPIAO_LOG_FILE") or str(data_dir() / "fapiao.log")
    root = logging.getLogger()
    if any(getattr(h, "_fapiao", False) for h in root.handlers):
        return None
    try:
        private_folder(Path(path).parent)
        handler: logging.Handler = PrivateRotatingFileHandler(
            path, maxBytes=5_000_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()  # a read-only home must not stop the app
    configure_handler(handler)
    root.addHandler(handler)
    root.setLevel(getattr(logging, level, logging.INFO))
    # peewee logs every statement with its parameters at DEBUG: our own ids say enough.
    logging.getLogger("peewee").setLevel(logging.INFO)
    return handler


def teardown_logging(handler: logging.Handler | None) -> None:
    """Close a handler ``setup_logging`` added (a demo's log goes with its folder)."""
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()


class PrivateRotatingFileHandler(logging.handlers.RotatingFileHandler):
    """Log files (the current one and each after a rollover) created 0600 whatever the umask:
    they name users and invoice ids."""

    def _open(self) -> Any:
        opener = self._builtin_open  # type: ignore[attr-defined]  # open() may be gone at exit
        return opener(self.baseFilename, self.mode, encoding=self.encoding, errors=self.errors,
                      opener=lambda path, flags: os.open(path, flags, 0o600))  # fmt: skip


def configure_handler(handler: logging.Handler) -> logging.Handler:
    """Our format, and the redaction filter: no name, tax id or amount reaches the file."""
    handler._fapiao = True  # type: ignore[attr-defined]
    handler.addFilter(RedactingFilter())
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    return handler
