"""``devices.pin``: the memory of PINs a disk rejected, bound to that disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices.pin import MalformedPin, RejectedPins, check_pin_shape


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
