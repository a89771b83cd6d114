"""Where the backup passphrase comes from: the keyring where a real backend exists, else a
0600 credentials file (``FAPIAO_BACKUP_PASSPHRASE_FILE`` or ``backup_passphrase_file`` in the
config), else the terminal. The app never writes the passphrase in plaintext itself."""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass

from storage.backup.errors import BackupUsageError
from storage.config.secret_files import SecretFileError, read_secret_file
from storage.config.settings import Settings

KEYRING_SERVICE = "fapiao"
KEYRING_USER = "backup-passphrase"
ENV_FILE = "FAPIAO_BACKUP_PASSPHRASE_FILE"
CONFIG_FILE_KEY = "backup_passphrase_file"


def keyring_usable() -> bool:
    """False on a headless box where keyring falls back to its fail or null backend, and
    during a demo (its keys live and die in its own folder)."""
    if os.environ.get("FAPIAO_DEMO_DIR"):  # storage.demo.space.DEMO_DIR_ENV
        return False
    try:
        import keyring
        from keyring.backends import chainer, fail, null
    except ImportError:
        return False
    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring | null.Keyring):
        return False
    return not (isinstance(backend, chainer.ChainerBackend) and not backend.backends)


@dataclass(frozen=True)
class PassphraseSource:
    where: str  # "file", "keyring", "terminal"
    detail: str  # the file's path, or ""


def _file_path(settings: Settings) -> str:
    configured = settings.extra.get(CONFIG_FILE_KEY)
    return os.environ.get(ENV_FILE) or (configured if isinstance(configured, str) else "")


def describe(settings: Settings) -> PassphraseSource:
    """Where the passphrase would be read from now (for the screen's 'secrets are kept …')."""
    path = _file_path(settings)
    if path:
        return PassphraseSource("file", path)
    if keyring_usable():
        return PassphraseSource("keyring", KEYRING_SERVICE)
    return PassphraseSource("terminal", "")


def configured(settings: Settings) -> bool:
    """True when the passphrase comes without anyone typing it: the 0600 file, or the keyring
    holding one (both set up by whoever configured the box)."""
    source = describe(settings)
    if source.where == "file":
        return True
    if source.where == "keyring":
        import keyring

        return bool(keyring.get_password(KEYRING_SERVICE, KEYRING_USER))
    return False


def read_passphrase(settings: Settings, *, confirm: bool = False) -> str:
    """The passphrase; ``confirm`` asks twice on a terminal (a new key folder)."""
    source = describe(settings)
    if source.where == "file":
        try:
            text = read_secret_file(source.detail)
        except SecretFileError as exc:
            raise BackupUsageError("backup.secret_file", detail=exc) from exc
        if not text:
            raise BackupUsageError("backup.empty_passphrase")
        return text
    if source.where == "keyring":
        import keyring

        stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
        if stored:
            return stored
    return ask_on_terminal(confirm=confirm)


def ask_on_terminal(*, confirm: bool = False, prompt_key: str = "backup.passphrase_prompt") -> str:
    from storage.messages import t

    if not sys.stdin.isatty():
        raise BackupUsageError("backup.no_passphrase", env=ENV_FILE)
    first = getpass.getpass(t(prompt_key))
    if confirm and getpass.getpass(t("backup.passphrase_repeat")) != first:
        raise BackupUsageError("backup.passphrase_mismatch")
    if not first:
        raise BackupUsageError("backup.empty_passphrase")
    return first


def store_in_keyring(passphrase: str) -> bool:
    """Keep the passphrase in the keyring if there is a real one; never in a plain file."""
    if not keyring_usable():
        return False
    import keyring

    keyring.set_password(KEYRING_SERVICE, KEYRING_USER, passphrase)
    return True
