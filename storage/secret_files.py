"""Secrets for unattended runs come from files only their owner can read (mode 0600)."""

from __future__ import annotations

import os
import stat
from pathlib import Path


class SecretFileError(Exception):
    """A secret file that is missing, unreadable, or readable by others."""


def read_secret_file(path: str | os.PathLike[str]) -> str:
    """The first line of ``path``, refusing a file group or others may read or write."""
    p = Path(path)
    try:
        mode = p.stat().st_mode
    except OSError as exc:
        raise SecretFileError(f"无法读取密钥文件 {p}：{exc.strerror} / cannot read secret file") from exc
    if stat.S_IMODE(mode) & 0o077:
        raise SecretFileError(
            f"密钥文件 {p} 权限过宽（{stat.S_IMODE(mode):o}），须为 600 / "
            f"secret file {p} must be mode 0600, is {stat.S_IMODE(mode):o}"
        )
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretFileError(f"无法读取密钥文件 {p} / cannot read secret file {p}") from exc
    return text.splitlines()[0] if text else ""
