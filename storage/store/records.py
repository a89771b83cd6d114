"""``InvoiceRecord``: one invoice as it arrives from any source, before it is stored.

Import, disk sync, scan and the demo all build these; ``storage.store.invoice_store`` saves them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from storage.store.models import Direction, InvoiceStatus, Source

_RECEIVED = Direction.RECEIVED.value  # an enum's .value is a Python-level lookup: hot here


@dataclass(frozen=True)
class LineRecord:
    item: str
    amount: Decimal
    rate: str
    tax: Decimal
    spec: str = ""
    unit: str = ""
    quantity: str = ""
    unit_price: str = ""


@dataclass(frozen=True)
class InvoiceRecord:
    number: str
    date: dt.date
    amount: Decimal
    tax: Decimal
    total: Decimal
    code: str = ""
    type: str = ""
    check_code: str = ""
    rate: str = ""
    buyer_name: str = ""
    buyer_tax_id: str = ""
    seller_name: str = ""
    seller_tax_id: str = ""
    status: str = InvoiceStatus.NORMAL.value
    red_of: str = ""
    direction: str = Direction.ISSUED.value
    source: str = Source.IMPORT.value
    remark: str = ""
    disk_seq: int | None = None
    branch: str = ""  # "" = the saving counter's branch
    lines: tuple[LineRecord, ...] = field(default=())

    @property
    def identity(self) -> tuple[str, str]:
        """(number, code): the 20-digit 数电 number alone, or classic code + number."""
        return (self.number, self.code)

    @property
    def counterparty(self) -> tuple[str, str]:
        """The other side's (name, tax id): the buyer of an issued invoice, else the seller."""
        if self.direction == _RECEIVED:
            return (self.seller_name, self.seller_tax_id)
        return (self.buyer_name, self.buyer_tax_id)
