"""The same invoice from several sources → one record.

Sources of one identity are taken strongest first (``Rank``); each field comes from the
strongest source that has it, so a better source fills what a weaker one left empty. Where
two sources both state a date, an amount or a tax id and disagree, nothing is chosen: the
invoice is a conflict, reported with both values and where each came from.

A classic invoice whose code a weak source could not read (a PDF's text) joins the one
invoice of that number that has a code, if there is exactly one.

A name no source of the invoice states (a PDF's Info dictionary has tax ids, no names) is
the name that tax id has elsewhere in the run or in the store, when it has exactly one;
only failing that is the PDF's text read for it (~5 ms of CPU a PDF).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal

from storage.importing import fields as f
from storage.importing.einvoice.found import RANK_NAMES, Found, Rank
from storage.importing.report import Problem, RowError
from storage.rules.invoice_types import infer_type_from_code
from storage.store.models import InvoiceStatus
from storage.store.records import InvoiceRecord

_SIDES = (("buyer_name", "buyer_tax_id"), ("seller_name", "seller_tax_id"))
_AMOUNTS = frozenset({"amount", "tax", "total"})
CONFLICTING = ("date", "amount", "tax", "total", "buyer_tax_id", "seller_tax_id")
_FIELDS = ("type", "check_code", "rate", "buyer_name", "buyer_tax_id", "seller_name",
           "seller_tax_id", "remark")  # fmt: skip


@dataclass
class Merged:
    """One invoice and every source that named it, strongest first."""

    sources: list[Found]
    record: InvoiceRecord | None = None
    problem: Problem | None = None  # why there is no record
    warnings: list[Problem] = field(default_factory=list)

    @property
    def best(self) -> Found:
        return self.sources[0]


def group(sources: list[Found]) -> list[list[Found]]:
    """Sources by identity, in the order each invoice first appeared."""
    groups: dict[tuple[str, str], list[Found]] = defaultdict(list)
    for source in sources:
        groups[source.identity].append(source)
    coded: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for number, code in groups:
        if code:
            coded[number].append((number, code))
    for identity in [i for i in groups if not i[1] and len(i[0]) == 8]:
        targets = coded.get(identity[0], [])
        if len(targets) == 1:
            groups[targets[0]].extend(groups.pop(identity))
    return list(groups.values())


def known_names(sources: list[Found]) -> dict[str, str]:
    """Tax id → name, as the sources state them together; a tax id seen with two names is
    left out (which is right cannot be told)."""
    seen: dict[str, set[str]] = defaultdict(set)
    for source in sources:
        for name, tax_id in _SIDES:
            if name in source.values and tax_id in source.values:
                seen[str(source.values[tax_id])].add(str(source.values[name]))
    return {tax_id: names.pop() for tax_id, names in seen.items() if len(names) == 1}


def merge(sources: list[Found], *, direction: str, names: dict[str, str] | None = None) -> Merged:
    """``names``: tax id → name known beyond these sources; names learnt here are added."""
    names = {} if names is None else names
    ordered = sorted(_with_more(sources, names), key=lambda s: -s.rank)
    merged = Merged(ordered)
    conflict = _conflict(ordered)
    if conflict is not None:
        merged.problem = conflict
        return merged
    try:
        merged.record = _named(_record(ordered, direction), names)
    except RowError as exc:
        merged.problem = exc.problem
        return merged
    merged.warnings.extend(_warnings(merged.record))
    return merged


def _with_more(sources: list[Found], names: dict[str, str]) -> list[Found]:
    """The sources, and what the costly ones add when none gave the date, two of the three
    amounts, or a name that is not known by its tax id."""
    stated = {name for s in sources for name in s.values}
    named = all(n in stated or (t in stated and _known(sources, t, names)) for n, t in _SIDES)
    if named and "date" in stated and len(stated & _AMOUNTS) >= 2:
        return sources
    out = list(sources)
    for source in sources:
        if source.more is not None:
            extra = source.more()
            if extra:
                values = {**extra, "number": source.values["number"],
                          "code": source.values.get("code", "")}  # fmt: skip
                out.append(Found(source.origin, Rank.PDF_TEXT, values, source.file_index))
    return out


def _known(sources: list[Found], tax_id_field: str, names: dict[str, str]) -> bool:
    return any(str(s.values[tax_id_field]) in names for s in sources if tax_id_field in s.values)


def _named(record: InvoiceRecord, names: dict[str, str]) -> InvoiceRecord:
    """Names from ``names`` where the sources gave a tax id only; what the record states
    (from its own sources) is added to ``names`` for the invoices still to come."""
    buyer = _name(record.buyer_name, record.buyer_tax_id, names)
    seller = _name(record.seller_name, record.seller_tax_id, names)
    if (buyer, seller) == (record.buyer_name, record.seller_name):
        return record
    return replace(record, buyer_name=buyer, seller_name=seller)


def _name(name: str, tax_id: str, names: dict[str, str]) -> str:
    if name and tax_id:
        names.setdefault(tax_id, name)
    return name or names.get(tax_id, "") if tax_id else name


def _conflict(ordered: list[Found]) -> Problem | None:
    for name in CONFLICTING:
        stated = [(s, s.values[name]) for s in ordered if name in s.values]
        for source, value in stated[1:]:
            first, first_value = stated[0]
            if value != first_value:
                return Problem("import.einvoice.conflict", {
                    "column": f"@import.column.{name}",
                    "a": _shown(first_value), "a_from": first.origin,
                    "a_kind": "@" + RANK_NAMES[first.rank],
                    "b": _shown(value), "b_from": source.origin,
                    "b_kind": "@" + RANK_NAMES[source.rank],
                })  # fmt: skip
    return None


def _shown(value: object) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _value(ordered: list[Found], name: str) -> object:
    return next((s.values[name] for s in ordered if name in s.values), None)


def _record(ordered: list[Found], direction: str) -> InvoiceRecord:
    number = ordered[0].identity[0]
    code = next((str(s.values["code"]) for s in ordered if s.values.get("code")), "")
    code = f.check_code(code, number)
    date = _value(ordered, "date")
    if not isinstance(date, dt.date):
        raise RowError("import.row.date_missing")
    amount, tax, total = _amounts(ordered)
    values = {name: _value(ordered, name) for name in _FIELDS}
    type_code = infer_type_from_code(code) or str(values["type"] or "")
    if not type_code and len(number) == 20:
        type_code = "32"
    lines = next((s.lines for s in ordered if s.lines), ())
    rate = str(values["rate"] or "")
    if not rate and lines:
        rates = {line.rate for line in lines}
        rate = rates.pop() if len(rates) == 1 else ""
    return InvoiceRecord(
        number=number, code=code, date=date, amount=amount, tax=tax, total=total,
        type=type_code, rate=rate, check_code=str(values["check_code"] or ""),
        buyer_name=str(values["buyer_name"] or ""),
        buyer_tax_id=str(values["buyer_tax_id"] or ""),
        seller_name=str(values["seller_name"] or ""),
        seller_tax_id=str(values["seller_tax_id"] or ""),
        remark=str(values["remark"] or ""), direction=direction, lines=lines,
        status=InvoiceStatus.RED.value if total < 0 else InvoiceStatus.NORMAL.value,
    )  # fmt: skip


def _amounts(ordered: list[Found]) -> tuple[Decimal, Decimal, Decimal]:
    """Amount, tax and total; the third follows from two (a PDF's text may show two)."""
    amount, tax, total = (_value(ordered, n) for n in ("amount", "tax", "total"))
    if total is None and isinstance(amount, Decimal) and isinstance(tax, Decimal):
        total = amount + tax
    elif tax is None and isinstance(amount, Decimal) and isinstance(total, Decimal):
        tax = total - amount
    elif amount is None and isinstance(tax, Decimal) and isinstance(total, Decimal):
        amount = total - tax
    if not (isinstance(amount, Decimal) and isinstance(tax, Decimal)
            and isinstance(total, Decimal)):  # fmt: skip
        missing = next(n for n, v in (("amount", amount), ("tax", tax), ("total", total))
                       if v is None)  # fmt: skip
        raise RowError("import.row.money_missing", column=f"@import.column.{missing}")
    if amount + tax != total:
        raise RowError("import.row.sum", amount=amount, tax=tax, total=total)
    return amount, tax, total


def _warnings(record: InvoiceRecord) -> list[Problem]:
    out = []
    if len(record.number) == 20 and record.number[:2] != f"{record.date.year % 100:02d}":
        out.append(Problem("import.einvoice.number_year", {
            "yy": record.number[:2], "year": record.date.year}))  # fmt: skip
    return out
