"""Backup failures, each naming its message key (``storage/messages/backup.py``)."""

from __future__ import annotations

from storage.messages import t


class BackupError(Exception):
    """A backup operation that cannot go on; ``str()`` is the text in the user's language."""

    exit_code = 1  # the CLI's exit code: 1 failed, 2 bad usage, 3 unreachable

    def __init__(self, message_key: str, /, **fields: object) -> None:
        super().__init__(t(message_key, **fields))
        self.key = message_key
        self.fields = fields


class WrongPassphrase(BackupError):
    """The passphrase does not unwrap the key files."""


class BackupCorrupt(BackupError):
    """A backup file fails its checksums or cannot be decrypted."""


class BackupUsageError(BackupError):
    exit_code = 2


class BackupUnreachable(BackupError):
    exit_code = 3
