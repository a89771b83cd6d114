"""Saving invoices: the one write path for import, disk sync, scan and the demo.

Rows go in with ``executemany`` on the driver's cursor inside one write transaction per
batch: peewee's ``insert_many`` builds one statement per batch in Python and runs at about a
ninth of the raw rate, which a 1M-row import cannot afford.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice

import peewee

from storage.rules.money import from_fen, to_fen
from storage.rules.party_names import name_grams
from storage.store.database import database_proxy, is_sqlite, write
from storage.store.models import Invoice, InvoiceStatus, Source
from storage.store.records import InvoiceRecord

BATCH = 2000
# Fields that may change on a stored invoice without it being a different invoice.
_MUTABLE = ("status", "red_of", "remark", "disk_seq")
# Fields that identify what was invoiced: a stored invoice that differs here is a conflict.
_FIXED = ("date", "amount", "tax", "total", "buyer_tax_id", "seller_tax_id")

_INVOICE_COLUMNS = (
    "type", "code", "number", "date", "check_code", "amount", "tax", "total", "rate",
    "buyer_name", "buyer_tax_id", "seller_name", "seller_tax_id", "counterparty_id", "status",
    "red_of", "direction", "booking", "reimbursed", "branch", "source", "disk_seq", "synced_at",
    "remark", "created_at", "updated_at",
)  # fmt: skip
_LINE_COLUMNS = (
    "invoice_id", "line_no", "item", "spec", "unit", "quantity", "unit_price", "amount", "rate",
    "tax",
)  # fmt: skip


@dataclass(frozen=True)
class Conflict:
    record: InvoiceRecord
    field: str  # "branch": it belongs to another branch, and nothing of it may be shown
    stored: str
    given: str

    @property
    def other_branch(self) -> bool:
        return self.field == "branch"


@dataclass
class SaveResult:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    conflicts: list[Conflict] = field(default_factory=list)

    def merge(self, other: SaveResult) -> None:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.conflicts.extend(other.conflicts)


def _chunks(items: Iterable[InvoiceRecord], size: int) -> Iterator[list[InvoiceRecord]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _placeholders(n: int) -> str:
    param = database_proxy.obj.param
    return ", ".join([param] * n)


def _executemany(sql: str, rows: Sequence[Sequence[object]]) -> None:
    if rows:
        cursor = database_proxy.obj.cursor()
        cursor.executemany(sql, rows)


def resolve_parties(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Ids for counterparties (name, tax id), adding the new ones with their name grams.

    Must run inside a write transaction.
    """
    pairs = {p for p in pairs if p[0] or p[1]}
    found = _party_ids(pairs)
    new = sorted(pairs - found.keys())
    if new:
        # Raw executemany: one peewee INSERT per party costs ~1 ms of SQL building.
        _executemany(f'INSERT INTO "party" (name, tax_id) VALUES ({_placeholders(2)})', new)
        added = _party_ids(set(new))
        found.update(added)
        grams = [(g, added[pair]) for pair in new for g in sorted(name_grams(pair[0]))]
        _executemany(
            f'INSERT INTO "party_gram" (gram, party_id) VALUES ({_placeholders(2)})', grams
        )
    return found


def _party_ids(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    names = sorted({name for name, _ in pairs})
    for i in range(0, len(names), 500):
        part = names[i : i + 500]
        sql = f'SELECT id, name, tax_id FROM "party" WHERE name IN ({_placeholders(len(part))})'
        for party_id, name, tax_id in database_proxy.obj.execute_sql(sql, part).fetchall():
            if (name, tax_id) in pairs:
                found[(name, tax_id)] = party_id
    return found


_FILLABLE = ("buyer_tax_id", "seller_tax_id", "buyer_name", "seller_name", "check_code", "type")
# The fields of the counterparty for an issued (False) and a received (True) invoice.
_PARTY_FIELDS = {False: ("buyer_name", "buyer_tax_id"), True: ("seller_name", "seller_tax_id")}
_STORED_COLUMNS = ("id", "number", "code", "branch", "direction", "synced_at", *_MUTABLE, *_FIXED,
                   "buyer_name", "seller_name", "check_code", "type")  # fmt: skip
_STORED_MONEY = ("amount", "tax", "total")


def _stored(chunk: list[InvoiceRecord]) -> dict[tuple[str, str], dict[str, object]]:
    # Raw SQL: peewee builds a 2000-value IN list at ~10 µs a value, the query itself is cheap.
    numbers = sorted({r.number for r in chunk})
    sql = (
        f'SELECT {", ".join(_STORED_COLUMNS)} FROM "invoice" '
        f"WHERE number IN ({_placeholders(len(numbers))})"
    )
    found: dict[tuple[str, str], dict[str, object]] = {}
    for values in database_proxy.obj.execute_sql(sql, numbers).fetchall():
        row = dict(zip(_STORED_COLUMNS, values, strict=True))
        for name in _STORED_MONEY:
            row[name] = from_fen(row[name])
        found[(row["number"], row["code"])] = row
    return found


def _save_chunk(
    chunk: list[InvoiceRecord], branch: str, now: dt.datetime, own_branch_only: bool
) -> SaveResult:
    result = SaveResult()
    stored = _stored(chunk)
    new: dict[tuple[str, str], InvoiceRecord] = {}
    for record in chunk:
        identity = record.identity
        row = stored.get(identity)
        if row is None:
            new[identity] = record  # a later duplicate in the same batch wins
            continue
        if own_branch_only and row["branch"] != branch:
            # Neither shown nor touched: another branch's invoice is none of this counter's.
            result.conflicts.append(Conflict(record, "branch", "", ""))
            continue
        diff = next((f for f in _FIXED if _differs(row, record, f)), None)
        if diff is not None:
            result.conflicts.append(
                Conflict(record, diff, str(row[diff]), str(getattr(record, diff)))
            )
            continue
        changes = {
            f: getattr(record, f)
            for f in _MUTABLE
            if getattr(record, f) not in (None, "") and getattr(record, f) != row[f]
        }
        # What the first source lacked (a scanned QR carries no tax ids, a PDF's text no
        # names) is filled in from a later one; what it stated is never overwritten.
        changes.update({f: getattr(record, f) for f in _FILLABLE
                        if getattr(record, f) and not row[f]})  # fmt: skip
        if any(f in changes for f in _PARTY_FIELDS[row["direction"] == "received"]):
            side = _side(row, record, changes)
            changes["counterparty"] = resolve_parties({side}).get(side)
        # A void or red status is final: a stale record never turns it back to normal.
        if row["status"] != InvoiceStatus.NORMAL.value and changes.get("status") == "normal":
            changes.pop("status")
        # An invoice the disk now reports (imported or scanned first) counts as synced from now.
        if record.disk_seq is not None and (row["synced_at"] is None or "disk_seq" in changes):
            changes["synced_at"] = now
        if changes:
            Invoice.update(**changes, updated_at=now).where(Invoice.id == row["id"]).execute()
            result.updated += 1
        else:
            result.unchanged += 1
    if not new:
        return result
    result.added += _insert(list(new.values()), branch, now)
    return result


def _insert(records: list[InvoiceRecord], branch: str, now: dt.datetime) -> int:
    """Insert ``records``, none of them stored yet, with their lines and counterparties."""
    sides = [r.counterparty for r in records]
    parties = resolve_parties(set(sides))
    # SQLite's driver would turn each datetime into this same text in a Python adapter, row
    # by row; PostgreSQL's gets the datetime itself.
    stamp: dt.datetime | str = now.isoformat(" ") if is_sqlite() else now
    rows = [
        (
            r.type,
            r.code,
            r.number,
            r.date.isoformat(),
            r.check_code,
            to_fen(r.amount),
            to_fen(r.tax),
            to_fen(r.total),
            r.rate,
            r.buyer_name,
            r.buyer_tax_id,
            r.seller_name,
            r.seller_tax_id,
            parties.get(side),
            r.status,
            r.red_of,
            r.direction,
            "unbooked",
            False,
            r.branch or branch,
            r.source,
            r.disk_seq,
            stamp if r.disk_seq is not None or r.source == Source.DISK.value else None,
            r.remark,
            stamp,
            stamp,
        )
        for r, side in zip(records, sides, strict=True)
    ]
    sql = (
        f'INSERT INTO "invoice" ({", ".join(_INVOICE_COLUMNS)}) '
        f"VALUES ({_placeholders(len(_INVOICE_COLUMNS))})"
    )
    _executemany(sql, rows)
    with_lines = [r for r in records if r.lines]
    if with_lines:
        # Raw SQL, as in ``_stored``: peewee's IN list cost ~10 µs a number.
        numbers = sorted({r.number for r in with_lines})
        found = database_proxy.obj.execute_sql(
            f'SELECT id, number, code FROM "invoice" '
            f"WHERE number IN ({_placeholders(len(numbers))})",
            numbers,
        )
        ids = {(number, code): invoice_id for invoice_id, number, code in found.fetchall()}
        line_rows = [
            (
                ids[r.identity],
                n,
                line.item,
                line.spec,
                line.unit,
                line.quantity,
                line.unit_price,
                to_fen(line.amount),
                line.rate,
                to_fen(line.tax),
            )
            for r in with_lines
            for n, line in enumerate(r.lines, start=1)
        ]
        _executemany(
            f'INSERT INTO "invoice_line" ({", ".join(_LINE_COLUMNS)}) '
            f"VALUES ({_placeholders(len(_LINE_COLUMNS))})",
            line_rows,
        )
    return len(rows)


def _side(
    row: dict[str, object], record: InvoiceRecord, changes: dict[str, object]
) -> tuple[str, str]:
    """The counterparty (name, tax id) once ``changes`` are applied to the stored ``row``."""
    name, tax_id = _PARTY_FIELDS[row["direction"] == "received"]
    return (str(changes.get(name, row[name]) or ""), str(changes.get(tax_id, row[tax_id]) or ""))


def _differs(row: dict[str, object], record: InvoiceRecord, name: str) -> bool:
    given = getattr(record, name)
    if name.endswith("tax_id") and not (given and row[name]):
        return False  # a tax id missing on either side contradicts nothing (it is filled in)
    stored = row[name]
    if isinstance(stored, dt.datetime):
        stored = stored.date()
    if isinstance(stored, str) and isinstance(given, dt.date):
        return stored != given.isoformat()
    return bool(stored != given)


def save_invoices(
    records: Iterable[InvoiceRecord],
    *,
    branch: str,
    batch: int = BATCH,
    own_branch_only: bool = False,
) -> SaveResult:
    """Add new invoices, update the status of known ones, report conflicting ones.

    ``own_branch_only`` (a user's import): an invoice already stored for another branch is
    reported as a ``branch`` conflict, with none of its fields, and left untouched. Disk sync
    leaves it off: the disk's record is the truth whoever's branch holds it.

    Each batch is its own write transaction; call inside ``storage.store.database.write`` to make
    the whole save one transaction (all or nothing).
    """
    total = SaveResult()
    now = dt.datetime.now().replace(microsecond=0)
    for chunk in _chunks(records, batch):
        total.merge(write(partial(_save_chunk, chunk, branch, now, own_branch_only)))
    return total


def seed_invoices(records: Iterable[InvoiceRecord], *, branch: str, batch: int = BATCH) -> int:
    """Store invoices we generated ourselves (the demo) in a store holding none of them: the
    rows ``save_invoices`` would write, without its look-up of stored invoices (there is
    nothing to update or report). An identity already stored, or given twice, fails on the
    unique index: nothing is silently merged. Returns how many were added."""
    now = dt.datetime.now().replace(microsecond=0)
    return sum(write(partial(_insert, chunk, branch, now)) for chunk in _chunks(records, batch))


def complete_placeholders(records: Sequence[InvoiceRecord], *, marker: str) -> int:
    """Stored invoices whose remark is ``marker`` came from a source that knew one figure
    (a QR: 不含税金额 for a classic invoice, 价税合计 for 数电) and held it as both amount and
    total with tax 0. Each takes the amounts (and remark) of a fuller record of the same
    identity that agrees with that figure and the date; one that disagrees is left for
    ``save_invoices`` to report as a conflict. Returns how many were completed; call inside
    the write transaction of the save that follows."""
    wanted = {r.identity: r for r in records}
    if not wanted:
        return 0
    completed = 0
    numbers = sorted({number for number, _ in wanted})
    for start in range(0, len(numbers), 500):
        query = Invoice.select().where(
            Invoice.number.in_(numbers[start : start + 500]) & (Invoice.remark == marker)
        )
        for stored in query:
            record = wanted.get((stored.number, stored.code))
            if record is None or stored.date != record.date:
                continue
            known = record.total if not stored.code else record.amount
            if stored.total != known or stored.tax != 0:
                continue
            Invoice.update(amount=record.amount, tax=record.tax, total=record.total,
                           remark=record.remark, updated_at=dt.datetime.now().replace(microsecond=0)
                           ).where(Invoice.id == stored.id).execute()  # fmt: skip
            completed += 1
    return completed


def find_invoice(number: str, code: str) -> Invoice | None:
    """The stored invoice with this identity: a 20-digit 数电 number stands alone, a classic
    number goes with its code."""
    number = number.strip()
    if not number:
        return None
    code = "" if len(number) == 20 else code.strip()
    found: Invoice | None = Invoice.get_or_none((Invoice.number == number) & (Invoice.code == code))
    return found


def count_invoices() -> int:
    return int(Invoice.select(peewee.fn.COUNT(Invoice.id)).scalar() or 0)
