"""Exit codes (SPEC "CLI") and the error that carries one."""

from __future__ import annotations

from enum import IntEnum


class Exit(IntEnum):
    OK = 0
    FAILED = 1  # the operation failed (device refused, verify failed …)
    USAGE = 2  # bad usage or bad input
    UNREACHABLE = 3  # device or store unreachable


class CliError(Exception):
    """A failure to report to the user: ``message`` is already in the user's words."""

    def __init__(self, message: str, code: Exit = Exit.FAILED) -> None:
        super().__init__(message)
        self.code = code
