"""Logging in to the disk with its PIN, shared by F6, the F4 wizard and the lookup's "sync now".

The PIN is a secret: it goes from the box straight to one LOGIN and is forgotten; never stored,
never logged. An empty box uses the keyring's PIN where one is kept. A wrong PIN shows the
tries left and is never sent again by the app (a keyring PIN that failed is removed from the
keyring; the same PIN typed again is refused unsent: ``devices.pin`` does both); a PIN that is
not 6–8 digits is refused unsent. Blocking: call it from a thread worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from tui.language import Said, msg, said_of

if TYPE_CHECKING:
    from tui.disk_live import DiskLive


def log_in_with_pin(
    live: DiskLive, typed: str, on_send: Callable[[], None] | None = None
) -> tuple[Said, bool]:
    """One LOGIN with ``typed`` (or the keyring's PIN), through ``devices.pin``: the words to
    show, and whether it worked. ``on_send`` is called when the LOGIN goes out (not for a PIN
    refused unsent: not 6–8 digits, or rejected by this disk before)."""
    from devices.errors import DiskError, DiskProblem, PinLocked, WrongPin
    from devices.pin import PinNotSent, login_with_keyring_pin, login_with_pin

    client = live.client
    if client is None:
        return msg("tui.disk.disconnected"), False
    device_id = live.info.device_id if live.info is not None else None
    try:
        if typed:
            login_with_pin(client, typed, rejected=live.rejected_pins, on_send=on_send,
                           device_id=device_id)  # fmt: skip
        elif login_with_keyring_pin(client, rejected=live.rejected_pins, on_send=on_send,
                                    device_id=device_id) is None:  # fmt: skip
            return msg("disk_live.no_pin"), False
    except PinNotSent as exc:
        return said_of(exc), False
    except WrongPin as exc:  # a keyring PIN that failed is gone from the keyring already
        left = exc.tries_left if exc.tries_left is not None else "?"
        return msg("disk_live.wrong_pin", n=left), False
    except PinLocked:
        return msg("disk_live.pin_locked"), False
    except DiskError as exc:
        return exc.message or exc.code, False
    except DiskProblem as exc:
        return said_of(exc), False
    return msg("disk_live.login_ok"), True
