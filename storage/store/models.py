"""The store's tables (SPEC "Invoices", "Users").

Schema changes go through ``storage/store/migrations`` (peewee's migration runner), never through
``create_tables`` on a live store.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import peewee

from storage.store.database import database_proxy
from storage.store.money_field import MoneyField


class InvoiceStatus(StrEnum):
    NORMAL = "normal"  # 正常
    VOID = "void"  # 作废
    RED = "red"  # 红冲 (a red-letter invoice, or one reversed by one)
    OUT_OF_CONTROL = "out_of_control"  # 失控
    ABNORMAL = "abnormal"  # 异常


class Direction(StrEnum):
    ISSUED = "issued"  # 销项
    RECEIVED = "received"  # 进项


class Source(StrEnum):
    DISK = "disk"
    IMPORT = "import"
    SCAN = "scan"
    MANUAL = "manual"


class Role(StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"


def _now() -> dt.datetime:
    return dt.datetime.now()


class BaseModel(peewee.Model):  # type: ignore[misc]  # peewee is untyped
    class Meta:
        database = database_proxy
        legacy_table_names = False


class Party(BaseModel):
    """A counterparty (对方单位) as named on invoices: the buyer of an issued invoice, the
    seller of a received one. Names repeat across thousands of invoices, so name search runs
    over this small table and then walks one index of invoices."""

    name = peewee.CharField(max_length=200)
    tax_id = peewee.CharField(max_length=20, default="")

    class Meta:
        indexes = ((("name", "tax_id"), True), (("tax_id",), False))


class PartyGram(BaseModel):
    """Every two-character piece of a party's name: finds 2-character Chinese names, which
    FTS5's trigram tokenizer cannot."""

    gram = peewee.CharField(max_length=2)
    party = peewee.ForeignKeyField(Party, on_delete="CASCADE", index=False)

    class Meta:
        primary_key = peewee.CompositeKey("gram", "party")


class Invoice(BaseModel):
    type = peewee.CharField(
        max_length=2, default=""
    )  # verification type, storage.rules.invoice_types
    code = peewee.CharField(max_length=12, default="")  # 发票代码; "" for 数电
    number = peewee.CharField(max_length=20)  # 发票号码 (8) or 数电票号码 (20)
    date = peewee.DateField()
    check_code = peewee.CharField(max_length=20, default="")  # 校验码
    amount = MoneyField()  # 不含税金额
    tax = MoneyField()
    total = MoneyField()  # 价税合计
    rate = peewee.CharField(max_length=8, default="")  # one rate, or "" when lines differ
    buyer_name = peewee.CharField(max_length=200, default="")
    buyer_tax_id = peewee.CharField(max_length=20, default="")
    seller_name = peewee.CharField(max_length=200, default="")
    seller_tax_id = peewee.CharField(max_length=20, default="")
    counterparty = peewee.ForeignKeyField(Party, null=True, index=False, on_delete="SET NULL")
    status = peewee.CharField(max_length=16, default=InvoiceStatus.NORMAL.value)
    red_of = peewee.CharField(max_length=20, default="")  # the original's number, for a red one
    direction = peewee.CharField(max_length=8, default=Direction.ISSUED.value)
    # 入账 as the tax bureau's digital account names it (storage.tracking.states), and 报销;
    # who and when of the latest mark here, every mark in ``InvoiceMark`` (migration 0008).
    booking = peewee.CharField(max_length=32, default="unbooked")
    booking_period = peewee.CharField(max_length=7, default="")  # YYYY-MM
    booked_by = peewee.CharField(max_length=50, default="")
    booked_at = peewee.DateTimeField(null=True)
    reimbursed = peewee.BooleanField(default=False)  # 报销
    claim_ref = peewee.CharField(max_length=64, default="")  # the expense claim it went on
    reimbursed_by = peewee.CharField(max_length=50, default="")
    reimbursed_at = peewee.DateTimeField(null=True)
    branch = peewee.CharField(max_length=50)
    source = peewee.CharField(max_length=8, default=Source.IMPORT.value)
    disk_seq = peewee.IntegerField(null=True)
    synced_at = peewee.DateTimeField(null=True)
    remark = peewee.TextField(default="")
    created_at = peewee.DateTimeField(default=_now)
    updated_at = peewee.DateTimeField(default=_now)

    class Meta:
        indexes = (
            (("number", "code"), True),  # identity; number alone uses its prefix
            (("counterparty", "date"), False),
            (("date",), False),
            # migration 0002: lookup walks these newest first
            (("code", "date"), False),
            (("branch", "date"), False),
            (("amount", "date"), False),
            (("total", "date"), False),
        )


class InvoiceLine(BaseModel):
    invoice = peewee.ForeignKeyField(Invoice, backref="lines", on_delete="CASCADE")
    line_no = peewee.IntegerField()
    item = peewee.CharField(max_length=200, default="")
    spec = peewee.CharField(max_length=100, default="")
    unit = peewee.CharField(max_length=20, default="")
    quantity = peewee.CharField(max_length=40, default="")  # exact decimal text, any precision
    unit_price = peewee.CharField(max_length=40, default="")
    amount = MoneyField()
    rate = peewee.CharField(max_length=8, default="")
    tax = MoneyField()

    class Meta:
        indexes = ((("invoice", "line_no"), True),)


class InvoiceMark(BaseModel):
    """One change of an invoice's 入账 or 报销 state: append-only (the database refuses
    updates and deletes), so the history of every invoice survives later marks."""

    invoice = peewee.ForeignKeyField(Invoice, index=False)
    kind = peewee.CharField(max_length=16)  # "booking" | "reimbursement"
    state = peewee.CharField(max_length=32)  # a booking state, or "reimbursed" / "not_reimbursed"
    period = peewee.CharField(max_length=7, default="")
    claim_ref = peewee.CharField(max_length=64, default="")
    by_user = peewee.CharField(max_length=50)
    at = peewee.DateTimeField(default=_now)
    batch = peewee.CharField(max_length=32, default="")  # one bulk mark; its audit entry names it

    class Meta:
        indexes = ((("invoice", "at"), False),)


class User(BaseModel):
    username = peewee.CharField(max_length=50, unique=True)
    password_hash = peewee.CharField(max_length=200)
    role = peewee.CharField(max_length=16, default=Role.CLERK.value)
    branch = peewee.CharField(max_length=50)
    all_branches = peewee.BooleanField(default=False)
    failed_logins = peewee.IntegerField(default=0)
    locked_until = peewee.DateTimeField(null=True)
    demo = peewee.BooleanField(default=False)  # demo accounts work only in demo mode
    active = peewee.BooleanField(default=True)
    created_at = peewee.DateTimeField(default=_now)


class ImportedFile(BaseModel):
    """A file already imported, by content hash: re-importing it changes nothing."""

    sha256 = peewee.CharField(max_length=64, unique=True)
    name = peewee.CharField(max_length=500)
    imported_at = peewee.DateTimeField(default=_now)
    added = peewee.IntegerField(default=0)
    updated = peewee.IntegerField(default=0)
    rejected = peewee.IntegerField(default=0)
    username = peewee.CharField(max_length=50, default="")


ALL_MODELS: tuple[type[BaseModel], ...] = (
    Party,
    PartyGram,
    Invoice,
    InvoiceLine,
    InvoiceMark,
    User,
    ImportedFile,
)
