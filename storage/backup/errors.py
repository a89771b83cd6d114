"""Backup failures, each naming its message key (``storage/messages/backup.py``)."""

from __future__ import annotations

from storage.errors import Exit, FapiaoError


class BackupError(FapiaoError):
    """A backup operation that cannot go on; ``str()`` is the text in the user's language."""


class WrongPassphrase(BackupError):
    """The passphrase does not unwrap the key files."""


class BackupCorrupt(BackupError):
    """A backup file fails its checksums or cannot be decrypted."""


class BackupUsageError(BackupError):
    exit_code = Exit.USAGE


class BackupUnreachable(BackupError):
    exit_code = Exit.UNREACHABLE
