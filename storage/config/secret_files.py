"""Secrets for unattended runs come from files only their owner can read (mode 0600)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from storage.errors import Exit, system_reason
from storage.messages import Message, MessageError


class SecretFileError(MessageError):
    """A secret file that is missing, unreadable, or readable by others."""

    exit_code = Exit.USAGE


def read_secret_file(path: str | os.PathLike[str]) -> str:
    """The first line of ``path``, refusing a file group or others may read or write."""
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except OSError as exc:
        raise SecretFileError("secret_file.missing", path=p, reason=system_reason(exc)) from exc
    if stat.S_ISDIR(mode):
        raise SecretFileError(
            "secret_file.missing", path=p, reason=Message("system.reason.is_folder")
        )
    if stat.S_IMODE(mode) & 0o077:
        raise SecretFileError("secret_file.too_open", path=p, mode=f"{stat.S_IMODE(mode):o}")
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretFileError("secret_file.unreadable", path=p) from exc
    return text.splitlines()[0] if text else ""
