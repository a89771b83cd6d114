"""80×24 SVG snapshot of the input checklist (F3) with a bad invoice typed in: the sum is
wrong, and the total differs from the invoice on file (``pytest --snapshot-update`` to
accept a deliberate change)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests.support.checklist import open_checklist
from tests.support.tui import demo_app, wait_for

SIZE = (80, 24)
SnapCompare = Callable[..., bool]

#: An invoice of the demo store with its total mistyped (17884.03 on file).
BAD_INVOICE = {
    "code": "1100263164", "number": "10000002", "date": "2026-02-14", "amount": "16407.37",
    "tax": "1476.66", "total": "17884.30", "rate": "9%", "buyer_name": "长沙智远电子有限公司",
    "buyer_tax_id": "91310115BWXPKX15FC", "seller_name": "北京某某商贸有限公司",
    "seller_tax_id": "91110105MA005AEF36",
}  # fmt: skip


async def fill_bad_invoice(pilot: Pilot[Any]) -> None:
    screen = await open_checklist(pilot)
    for name, value in BAD_INVOICE.items():
        screen.box(name).value = value
    screen.box("total").focus()
    await wait_for(pilot, lambda: screen.differences and screen.items)
    await pilot.pause(0.2)


def test_checklist_with_a_bad_invoice(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=fill_bad_invoice)
