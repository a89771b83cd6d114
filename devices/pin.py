"""The one way the app sends a PIN to the disk (``fapiao sync``, F6, the clearing flow).

The disk allows five wrong PINs, then locks until a trip to the tax office. A nightly job with
a wrong PIN file would spend one try a night, so a PIN the disk rejected is remembered (a
salted scrypt hash bound to the disk's device_id, never the PIN) and not sent to that disk
again until the PIN changes. A PIN that is not 6–8 digits is refused without being sent.

A PIN may also be kept in the keyring (``keyring_pin``); one the disk rejected is removed from
it (``forget_keyring_pin``) so no unattended run spends another try with it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devices.client import DiskClient, LoginResult
from devices.errors import DiskProblem, PinLocked, WrongPin
from storage.backup.atomic_files import write_atomic
from storage.config.settings import data_dir
from storage.errors import Exit
from storage.messages import MessageError
from storage.private_folder import private_folder

KEYRING_SERVICE = "fapiao"  # ``fapiao sync``, F6 and the sync's re-login all read this entry
KEYRING_PIN = "disk-pin"
PIN_SHAPE = re.compile(r"[0-9]{6,8}", re.ASCII)
REJECTED_FILE = "disk-pin-rejected.json"
KEPT_PER_DISK = 8  # rejected PINs remembered per disk; the oldest go first
# scrypt at 16 MiB: a stolen file costs ~50 ms per guess instead of nanoseconds.
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


class PinNotSent(MessageError, DiskProblem):
    """The PIN was not sent: nothing reached the disk, no try was spent."""


class MalformedPin(PinNotSent):
    """Not 6–8 digits: the disk would only count it as a wrong try."""

    exit_code = Exit.USAGE


class PinRejectedBefore(PinNotSent):
    """This disk rejected this PIN before; sending it again would spend another try."""


def _digest(device_id: str, pin: str, salt: bytes) -> bytes:
    return hashlib.scrypt(f"{device_id}\0{pin}".encode(), salt=salt, maxmem=64 * 2**20, **_SCRYPT)


@dataclass
class RejectedPins:
    """PINs each disk rejected, as salted hashes; in a 0600 file, or in memory (``path=None``,
    the demo and tests)."""

    path: Path | None
    _memory: dict[str, list[dict[str, str]]] | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    @classmethod
    def default(cls) -> RejectedPins:
        return cls(data_dir() / REJECTED_FILE)

    @classmethod
    def in_memory(cls) -> RejectedPins:
        return cls(None, {})

    def _load(self) -> dict[str, list[dict[str, str]]]:
        if self._memory is not None:
            return self._memory
        assert self.path is not None
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            return {}  # unreadable: forgetting errs towards one more try, never towards none
        return data if isinstance(data, dict) else {}

    def _save(self, data: dict[str, list[dict[str, str]]]) -> None:
        if self._memory is not None:
            self._memory = data
            return
        assert self.path is not None
        private_folder(self.path.parent)
        write_atomic(self.path, json.dumps(data, sort_keys=True).encode())

    def was_rejected(self, device_id: str, pin: str) -> bool:
        with self._lock:
            entries = self._load().get(device_id, [])
        for entry in entries:
            try:
                salt, digest = bytes.fromhex(entry["salt"]), bytes.fromhex(entry["hash"])
            except (KeyError, TypeError, ValueError):
                continue
            if hmac.compare_digest(_digest(device_id, pin, salt), digest):
                return True
        return False

    def remember(self, device_id: str, pin: str) -> None:
        salt = os.urandom(16)
        entry = {"salt": salt.hex(), "hash": _digest(device_id, pin, salt).hex()}
        with self._lock:
            data = self._load()
            kept = [e for e in data.get(device_id, []) if isinstance(e, dict)]
            data[device_id] = [*kept, entry][-KEPT_PER_DISK:]
            self._save(data)

    def forget(self, device_id: str) -> None:
        """After a login the disk accepted: the PIN is right now, earlier refusals are moot."""
        with self._lock:
            data = self._load()
            if device_id in data:
                del data[device_id]
                self._save(data)


def check_pin_shape(pin: str, source: str = "") -> None:
    if not PIN_SHAPE.fullmatch(pin):
        if source:
            raise MalformedPin("disk.pin_malformed_file", path=source, length=len(pin))
        raise MalformedPin("disk.pin_malformed", length=len(pin))


def login_with_pin(
    client: DiskClient, pin: str, *, source: str = "", rejected: RejectedPins | None = None,
    device_id: str | None = None, on_send: Callable[[], None] | None = None,
) -> LoginResult:  # fmt: skip
    """Send ``pin`` in one LOGIN, unless it cannot be right.

    ``source`` names where the PIN came from (the PIN file's path; "" for a typed one), for
    the messages. ``rejected`` defaults to the data dir's file; ``device_id`` saves a HELLO
    when the caller knows it; ``on_send`` is called just before the LOGIN goes out (a PIN
    refused unsent never calls it). Raises ``MalformedPin`` or
    ``PinRejectedBefore`` (nothing sent), else whatever ``DiskClient.login`` raises; a
    ``WrongPin`` or ``PinLocked`` is remembered so the same PIN is not sent to this disk again.
    """
    pin = pin.strip()
    check_pin_shape(pin, source)
    memory = rejected if rejected is not None else RejectedPins.default()
    disk = device_id or client.hello().device_id
    if memory.was_rejected(disk, pin):
        if source:
            raise PinRejectedBefore("disk.pin_rejected_before_file", path=source, device=disk)
        raise PinRejectedBefore("disk.pin_rejected_before", device=disk)
    if on_send is not None:
        on_send()
    try:
        result = client.login(pin)
    except (WrongPin, PinLocked):
        memory.remember(disk, pin)
        raise
    memory.forget(disk)
    return result


# -- the keyring's PIN ------------------------------------------------------------------------


def keyring_pin() -> str | None:
    """The PIN kept in the keyring, or None (none kept, or no keyring backend on a headless
    box: then it is typed or comes from a 0600 file)."""
    try:
        import keyring
        import keyring.errors

        return keyring.get_password(KEYRING_SERVICE, KEYRING_PIN)
    except (ImportError, RuntimeError, keyring.errors.KeyringError):
        return None


def forget_keyring_pin() -> None:
    """Remove the keyring's PIN after the disk rejected it: it is not tried again."""
    try:
        import keyring
        import keyring.errors

        keyring.delete_password(KEYRING_SERVICE, KEYRING_PIN)
    except (ImportError, RuntimeError, keyring.errors.KeyringError):
        pass


def login_with_keyring_pin(
    client: DiskClient, *, rejected: RejectedPins | None = None,
    device_id: str | None = None, on_send: Callable[[], None] | None = None,
) -> LoginResult | None:  # fmt: skip
    """One LOGIN with the keyring's PIN (``login_with_pin``); None when no PIN is kept. A PIN
    the disk rejects is removed from the keyring before the ``WrongPin`` goes on up."""
    pin = keyring_pin()
    if not pin:
        return None
    try:
        return login_with_pin(client, pin, rejected=rejected, device_id=device_id,
                              on_send=on_send)  # fmt: skip
    except WrongPin:
        forget_keyring_pin()
        raise
    finally:
        del pin
