"""How values read on screen: unit prices as money, their extra decimals kept."""

from __future__ import annotations

import pytest

from tui.display import unit_price


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("7651.7", "7,651.70"),  # beside 4,074.17 in the same column, it reads the same way
        ("4074.17", "4,074.17"),
        ("12345.678", "12,345.678"),
        ("3.14159265", "3.14159265"),
        ("-19797.5", "-19,797.50"),
        ("", ""),
        ("面议", "面议"),
    ],
)
def test_a_unit_price_reads_as_money_with_its_decimals(stored: str, shown: str) -> None:
    assert unit_price(stored) == shown
