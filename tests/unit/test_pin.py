"""``devices.pin``: the memory of PINs a disk rejected, bound to that disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.errors import WrongPin
from devices.pin import (
    KEYRING_PIN,
    KEYRING_SERVICE,
    MalformedPin,
    RejectedPins,
    check_pin_shape,
    forget_keyring_pin,
    keyring_pin,
    login_with_keyring_pin,
)


def test_a_rejection_is_bound_to_its_disk_and_its_pin(tmp_path: Path) -> None:
    memory = RejectedPins(tmp_path / "rejected.json")
    memory.remember("661620039941", "11112222")
    again = RejectedPins(tmp_path / "rejected.json")  # the next night's run
    assert again.was_rejected("661620039941", "11112222")
    assert not again.was_rejected("661620039941", "11112223")
    assert not again.was_rejected("661620039999", "11112222")  # another disk: never refused
    again.forget("661620039941")
    assert not RejectedPins(tmp_path / "rejected.json").was_rejected("661620039941", "11112222")


def test_an_unreadable_memory_forgets_rather_than_blocks(tmp_path: Path) -> None:
    path = tmp_path / "rejected.json"
    path.write_text("{not json", encoding="utf-8")
    assert not RejectedPins(path).was_rejected("661620039941", "11112222")


@pytest.mark.parametrize("pin", ["123456", "1234567", "88888888"])
def test_six_to_eight_digits_pass(pin: str) -> None:
    check_pin_shape(pin)


@pytest.mark.parametrize("pin", ["", "12345", "123456789", "12345a", "1234 5678", "٨٨٨٨٨٨٨٨"])
def test_anything_else_is_malformed(pin: str) -> None:
    with pytest.raises(MalformedPin):
        check_pin_shape(pin)


class _Disk:
    """Just enough of a ``DiskClient`` for one LOGIN: takes ``right``, rejects anything else."""

    def __init__(self, right: str) -> None:
        self.right = right
        self.sent: list[str] = []

    def login(self, pin: str) -> object:
        self.sent.append(pin)
        if pin != self.right:
            raise WrongPin("E_PIN", "PIN错误", {"tries_left": 4})
        return object()


def _keyring(monkeypatch: pytest.MonkeyPatch, kept: dict[tuple[str, str], str]) -> None:
    import keyring

    monkeypatch.setattr(keyring, "get_password", lambda service, user: kept.get((service, user)))
    monkeypatch.setattr(keyring, "delete_password", lambda service, user: kept.pop((service, user)))


def test_the_keyrings_pin_logs_in_and_stays(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = {(KEYRING_SERVICE, KEYRING_PIN): "11112222"}
    _keyring(monkeypatch, kept)
    disk = _Disk("11112222")
    assert login_with_keyring_pin(disk, rejected=RejectedPins.in_memory(),  # type: ignore[arg-type]
                                  device_id="661620039941") is not None  # fmt: skip
    assert disk.sent == ["11112222"] and kept == {(KEYRING_SERVICE, KEYRING_PIN): "11112222"}


def test_a_keyring_pin_the_disk_rejects_leaves_the_keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    kept = {(KEYRING_SERVICE, KEYRING_PIN): "11112222"}
    _keyring(monkeypatch, kept)
    disk = _Disk("33334444")
    with pytest.raises(WrongPin):
        login_with_keyring_pin(disk, rejected=RejectedPins.in_memory(),  # type: ignore[arg-type]
                               device_id="661620039941")  # fmt: skip
    assert kept == {} and keyring_pin() is None
    # nothing kept: nothing is sent, and the caller hears there is no PIN
    assert login_with_keyring_pin(disk, device_id="661620039941") is None  # type: ignore[arg-type]
    assert disk.sent == ["11112222"]


def test_no_keyring_backend_reads_as_no_pin(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    import keyring.errors

    def broken(service: str, user: str) -> str:
        raise keyring.errors.NoKeyringError("no backend")

    monkeypatch.setattr(keyring, "get_password", broken)
    monkeypatch.setattr(keyring, "delete_password", broken)
    assert keyring_pin() is None
    forget_keyring_pin()  # says nothing either
