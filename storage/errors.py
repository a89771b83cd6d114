"""One error tree: every failure the user is told about is a ``FapiaoError``.

An error carries a message key with its fields (rendered from ``storage/messages/`` only when
shown, in the reader's language) and the command line's exit code (SPEC "CLI"). Each area
derives its own errors from the root, or from ``BadInput`` / ``Unreachable`` where the exit
code says what kind of failure it is; a front-end catches ``FapiaoError`` once and shows it.
(harlequin's ``exception.py`` is the model: one root, a class per area, one place that prints.)
"""

from __future__ import annotations

import errno
import os
from enum import IntEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from storage.messages import Language, Message


class Exit(IntEnum):
    """The command line's exit codes (SPEC "CLI")."""

    OK = 0
    FAILED = 1  # the operation failed (device refused, verify failed …)
    USAGE = 2  # bad usage or bad input
    UNREACHABLE = 3  # device or store unreachable


class FapiaoError(Exception):
    """A failure with a catalogue message: ``FapiaoError(key, **fields)``.

    ``exit_code`` is the class's (an instance may set its own); ``str()`` is the text in the
    current language.
    """

    exit_code: int = Exit.FAILED

    def __init__(self, key: str, /, **fields: object) -> None:
        super().__init__(key)
        self.key = key
        self.fields = fields

    def as_message(self) -> Message:
        # Imported here: the catalogue's package imports this module (MessageError).
        from storage.messages import Message

        return Message(self.key, self.fields)

    def render(self, language: Language) -> str:
        return self.as_message().render(language)

    def text(self) -> str:
        """The text in the current language."""
        return self.as_message().text()

    def both(self) -> str:
        return self.as_message().both()

    def __str__(self) -> str:
        return self.text()


class BadInput(FapiaoError):
    """Bad usage or bad input: what the user gave cannot be used as it is."""

    exit_code = Exit.USAGE


class Unreachable(FapiaoError):
    """The store or the device cannot be reached."""

    exit_code = Exit.UNREACHABLE


class FileProblem(FapiaoError):
    """A file that cannot be read or written, named, with why in the reader's words (never the
    C library's English text)."""

    def __init__(self, key: str, /, *, path: str, reason: Message, exit_code: int) -> None:
        super().__init__(key, path=path, reason=reason)
        self.exit_code = exit_code


# errno → the catalogue's reason; any other is named by its errno symbol.
_REASONS = {
    errno.ENOENT: "system.reason.missing",
    errno.EISDIR: "system.reason.is_folder",
    errno.ENOTDIR: "system.reason.not_folder",
    errno.EACCES: "system.reason.denied",
    errno.EPERM: "system.reason.denied",
    errno.ENOSPC: "system.reason.no_space",
    errno.EROFS: "system.reason.read_only",
    errno.EEXIST: "system.reason.exists",
    errno.ECONNREFUSED: "system.reason.refused",
    errno.ETIMEDOUT: "system.reason.timed_out",
    errno.EHOSTUNREACH: "system.reason.no_route",
    errno.ENETUNREACH: "system.reason.no_route",
}
# A path the user named that is not there, or not a file: their input is wrong (exit 2).
_BAD_INPUT = frozenset({errno.ENOENT, errno.EISDIR, errno.ENOTDIR})


def os_errno(exc: BaseException) -> int:
    """The errno of ``exc``, or of the OSError it was raised from (a library wrapping one);
    0 for none."""
    cause: BaseException | None = exc
    seen: set[int] = set()
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, OSError) and cause.errno:
            return int(cause.errno)
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return 0


def system_reason(exc: BaseException) -> Message:
    """Why ``exc`` happened, as a catalogue message ("文件不存在", "是文件夹" …), never the C
    library's English text."""
    from storage.messages import Message

    number = os_errno(exc)
    key = _REASONS.get(number)
    if key is not None:
        return Message(key)
    code = errno.errorcode.get(number, type(exc).__name__)
    return Message("system.reason.other", {"code": code})


def file_error(exc: OSError, path: str | os.PathLike[str] | None = None, *,
               writing: bool = False) -> FileProblem:  # fmt: skip
    """``exc`` as a ``FileProblem`` naming the file (``path``, else the one ``exc`` names):
    exit 2 when the path given is missing or not a file, 1 otherwise (no room, no permission)."""
    from storage.messages import Message

    named = path if path is not None else exc.filename
    code = Exit.USAGE if exc.errno in _BAD_INPUT else Exit.FAILED
    # Writing, "no such file" means the folder it goes in is missing.
    reason = (Message("system.reason.no_folder") if writing and exc.errno == errno.ENOENT
              else system_reason(exc))  # fmt: skip
    return FileProblem("file.cannot_write" if writing else "file.problem", exit_code=code,
                       path=os.fspath(named or "?"), reason=reason)  # fmt: skip
