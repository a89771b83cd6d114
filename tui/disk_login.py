"""Logging in to the disk with its PIN, shared by F6 and the F4 wizard.

The PIN is a secret: it goes from the box straight to one LOGIN and is forgotten; never stored,
never logged. An empty box uses the keyring's PIN where one is kept. A wrong PIN shows the
tries left and is never sent again by the app (a keyring PIN that failed is removed from the
keyring; the same PIN typed again is refused unsent, ``devices.pin``); a PIN that is not 6–8
digits is refused unsent. Blocking: call it from a thread worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.language import Said, msg, said_of

if TYPE_CHECKING:
    from tui.disk_live import DiskLive

KEYRING_SERVICE = "fapiao"  # the same entry ``fapiao sync`` reads
KEYRING_PIN = "disk-pin"


def keyring_pin() -> str | None:
    try:
        import keyring
        import keyring.errors

        return keyring.get_password(KEYRING_SERVICE, KEYRING_PIN)
    except (ImportError, RuntimeError, keyring.errors.KeyringError):
        return None  # no keyring backend on a headless box: the clerk types it


def forget_keyring_pin() -> None:
    try:
        import keyring
        import keyring.errors

        keyring.delete_password(KEYRING_SERVICE, KEYRING_PIN)
    except (ImportError, RuntimeError, keyring.errors.KeyringError):
        pass


def log_in_with_pin(
    live: DiskLive, typed: str, on_send: Callable[[], None] | None = None
) -> tuple[Said, bool]:
    """One LOGIN with ``typed`` (or the keyring's PIN), through ``devices.pin.login_with_pin``:
    the words to show, and whether it worked. ``on_send`` is called when the LOGIN goes out
    (not for a PIN refused unsent: not 6–8 digits, or rejected by this disk before)."""
    from devices.errors import DiskError, DiskProblem, PinLocked, WrongPin
    from devices.pin import PinNotSent, login_with_pin

    from_keyring = not typed
    pin = typed or keyring_pin()
    if not pin:
        return msg("disk_live.no_pin"), False
    client = live.client
    if client is None:
        return msg("tui.disk.disconnected"), False
    try:
        login_with_pin(client, pin, rejected=live.rejected_pins, on_send=on_send,
                       device_id=live.info.device_id if live.info is not None else None)  # fmt: skip
    except PinNotSent as exc:
        return said_of(exc), False
    except WrongPin as exc:
        if from_keyring:
            forget_keyring_pin()
        left = exc.tries_left if exc.tries_left is not None else "?"
        return msg("disk_live.wrong_pin", n=left), False
    except PinLocked:
        return msg("disk_live.pin_locked"), False
    except DiskError as exc:
        return exc.message or exc.code, False
    except DiskProblem as exc:
        return str(exc), False
    finally:
        del pin
    return msg("disk_live.login_ok"), True
