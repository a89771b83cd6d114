"""One invoice record for tests, with any field overridden (a real 电普 from the samples)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from storage.store.records import InvoiceRecord


def make_record(number: str = "81966722", **overrides: object) -> InvoiceRecord:
    fields: dict[str, object] = dict(
        number=number, code="044001500111", date=dt.date(2026, 3, 2), type="10",
        amount=Decimal("173.79"), tax=Decimal("22.59"), total=Decimal("196.38"),
        buyer_name="北京华信商贸有限公司", buyer_tax_id="91110105MA005AEF36",
    )  # fmt: skip
    fields.update(overrides)
    return InvoiceRecord(**fields)  # type: ignore[arg-type]
