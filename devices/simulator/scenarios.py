"""Ready-made disk states: ``issuing``, ``report_due``, ``reported``, ``locked``, ``pin_locked``,
and ``due`` (a clear due today by the host's clock, ``clear_due``).

Invoices come from ``storage.demo.data`` (realistic names, valid tax ids), put in the disk's
own type codes; a few are voided after issue and so reappear with a higher record number.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from devices.simulator.state import CHINA, SimState, TypeRecord
from storage.demo.data import generate_invoices
from storage.rules.money import format_money
from storage.store.records import InvoiceRecord

SCENARIOS = ("issuing", "report_due", "reported", "locked", "pin_locked", "due")
DISK_TYPE_CODES = ("004", "007", "026", "028")
# Verification type (storage.rules.invoice_types) → the disk's code.
_TO_DISK = {"01": "004", "04": "007", "10": "026", "14": "026", "08": "028", "31": "028",
            "32": "026", "11": "025", "03": "005", "15": "006"}  # fmt: skip

_CLOCKS = {
    "issuing": dt.datetime(2026, 11, 22, 10, 0, tzinfo=CHINA),
    "report_due": dt.datetime(2026, 12, 3, 10, 0, tzinfo=CHINA),
    "reported": dt.datetime(2026, 12, 3, 10, 0, tzinfo=CHINA),
    "locked": dt.datetime(2026, 12, 18, 10, 0, tzinfo=CHINA),
    "pin_locked": dt.datetime(2026, 11, 22, 10, 0, tzinfo=CHINA),
}


def disk_record(record: InvoiceRecord, seq: int, uploaded: bool = True) -> dict[str, Any]:
    """An invoice as the disk sends it in ``INVOICES``."""
    return {
        "seq": seq, "type": _TO_DISK.get(record.type, "026"), "code": record.code,
        "number": record.number, "date": record.date.isoformat(), "check_code": record.check_code,
        "buyer_name": record.buyer_name, "buyer_tax_id": record.buyer_tax_id,
        "seller_name": record.seller_name, "seller_tax_id": record.seller_tax_id,
        "amount": format_money(record.amount), "tax": format_money(record.tax),
        "total": format_money(record.total), "rate": record.rate, "status": record.status,
        "red_of": record.red_of or None, "uploaded": uploaded,
    }  # fmt: skip


def add_invoices(state: SimState, count: int, *, end: dt.date, days: int = 30, seed: int = 7,
                 void_share: float = 0.02) -> None:  # fmt: skip
    """Issue ``count`` invoices; ``void_share`` of them are voided later (a higher seq)."""
    rng = random.Random(seed)
    generated = generate_invoices(count, seed=seed, end=end, days=days, with_lines=False,
                                  seller=(state.taxpayer_name, state.taxpayer_id))  # fmt: skip
    # A disk never issues the same (code, number) twice; the generator numbers from the start
    # again for each call, so a later batch moves past what the disk already holds.
    issued = {(r["code"], r["number"]) for r in state.invoices}
    for record in generated:
        state.last_seq += 1
        rec = disk_record(record, state.last_seq)
        while (rec["code"], rec["number"]) in issued:
            rec["number"] = str(int(rec["number"]) + 1).zfill(len(rec["number"]))
        issued.add((rec["code"], rec["number"]))
        if rec["status"] == "void":
            rec["status"] = "normal"  # issued first; voided below, as on a real disk
            voided_later = True
        else:
            voided_later = rng.random() < void_share and rec["status"] == "normal"
        state.invoices.append(rec)
        if voided_later:
            void_invoice(state, rec["number"], rec["code"])


def void_invoice(state: SimState, number: str, code: str = "") -> dict[str, Any] | None:
    """作废: the record moves to a new, higher seq with status ``void``."""
    for i, rec in enumerate(state.invoices):
        if rec["number"] == number and (not code or rec["code"] == code):
            del state.invoices[i]
            state.last_seq += 1
            voided = {**rec, "seq": state.last_seq, "status": "void"}
            state.invoices.append(voided)
            return voided
    return None


def build(scenario: str, *, invoices: int = 300, seed: int = 7) -> SimState:
    if scenario not in SCENARIOS:
        raise ValueError(f"unknown scenario {scenario!r}; one of {', '.join(SCENARIOS)}")
    if scenario == "due":  # a clear due today, on the host's own clock
        return clear_due(
            dt.datetime.now(CHINA).replace(microsecond=0), invoices=invoices, seed=seed
        )
    clock = _CLOCKS[scenario]
    state = SimState()
    state.set_clock(clock)
    open_period = "2026-11"
    reported = scenario == "reported"
    state.types = [
        TypeRecord(
            type=code,
            open_period=open_period,
            reported=reported,
            last_report="2026-12-02" if reported else "2026-11-03",
        )
        for code in DISK_TYPE_CODES
    ]
    if scenario == "pin_locked":
        state.pin_tries_left = 0
    add_invoices(state, invoices, end=clock.date(), days=32, seed=seed)
    if scenario == "report_due":
        # Two invoices issued offline: REPORT is refused until they are uploaded.
        in_period = [r for r in state.invoices
                     if r["date"].startswith(open_period) and r["status"] == "normal"]  # fmt: skip
        for rec in in_period[-2:]:
            rec["uploaded"] = False
            state.offline.append(rec["number"])
    return state


def clear_due(clock: dt.datetime, *, invoices: int = 200, seed: int = 7,
              reported: bool = True) -> SimState:  # fmt: skip
    """A disk whose last period is due for clearing on ``clock``'s day, whatever the day of the
    month: every type reported (or not yet, ``reported=False``), the window open until three
    days on (the 15th at the earliest; on a month's last days into the next month, so the
    clear is never due "today"), the disk's clock at ``clock``."""
    state = SimState()
    state.set_clock(clock)
    today = clock.date()
    open_period = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    state.window_end_day = max(15, today.day + 3)
    state.types = [
        TypeRecord(type=code, open_period=open_period, reported=reported,
                   last_report=(today - dt.timedelta(days=2)).isoformat() if reported else None)
        for code in DISK_TYPE_CODES
    ]  # fmt: skip
    add_invoices(state, invoices, end=today, days=32, seed=seed)
    return state
