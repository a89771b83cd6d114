"""The scan before a clear: the disk's ``SUMMARY`` per type beside the store's own invoices of
the period, every difference named before anything is sent, and the recommended kind."""

from __future__ import annotations

from devices.clearing.model import (
    ClearingContext,
    DiskGone,
    Scan,
    Totals,
    TypeScan,
    check_period,
    other_clear,
)
from devices.clearing.preflight import recommend
from devices.client import DiskStatus, PeriodSummary
from devices.errors import DiskProblem
from devices.sync import sync_invoices
from storage.accounts.permissions import Permission, require
from storage.accounts.users import Session
from storage.audit import chain as audit
from storage.clearing.store_totals import TypeTotals, period_totals
from storage.messages import Message
from storage.rules.invoice_types import DISK_TYPES, type_name
from storage.store.sync_state import last_synced_seq


def _type_label(code: str) -> str:
    return f"{code} {type_name(DISK_TYPES.get(code, ''))}".strip()


def _differences(code: str, disk: Totals, store: TypeTotals | None) -> tuple[Message, ...]:
    label = _type_label(code)
    if store is None:
        if disk.count == 0:
            return ()
        return (Message("clear.scan.missing_in_store", {"type": label, "disk": disk.count}),)
    found = []
    if (disk.count, disk.void, disk.red) != (store.count, store.void, store.red):
        found.append(Message("clear.scan.difference_count", {"type": label, "disk": disk.count,
                                                             "store": store.count}))  # fmt: skip
    if disk.amount != store.amount:
        found.append(Message("clear.scan.difference_amount", {"type": label, "disk": f"{disk.amount:,.2f}",
                                                              "store": f"{store.amount:,.2f}"}))  # fmt: skip
    if disk.tax != store.tax:
        found.append(Message("clear.scan.difference_tax", {"type": label, "disk": f"{disk.tax:,.2f}",
                                                           "store": f"{store.tax:,.2f}"}))  # fmt: skip
    return tuple(found)


def _sync_if_behind(
    session: Session, ctx: ClearingContext, device_id: str, status: DiskStatus
) -> int:
    """Pull the disk's newer records first, so the cross-check compares like with like."""
    if last_synced_seq(device_id) == status.last_invoice_seq:  # behind, or a disk reset
        return 0
    require(session, Permission.SYNC)
    result = sync_invoices(ctx.client, branch=session.branch)
    audit.record(session.username, "sync", target=result.device_id, fetched=result.fetched,
                 added=result.added, updated=result.updated, unchanged=result.unchanged,
                 conflicts=result.conflicts, last_seq=result.last_seq, why="clearing")  # fmt: skip
    return result.fetched


def build_scan(summary: PeriodSummary, status: DiskStatus, device_id: str, taxpayer_id: str,
               synced: int = 0) -> Scan:  # fmt: skip
    store = period_totals(summary.period, taxpayer_id)
    lines = []
    for line in summary.types:
        disk = Totals(line.count, line.void, line.red, line.amount, line.tax)
        mine = store.get(line.type)
        lines.append(TypeScan(line.type, line.state.value, disk,
                              Totals(mine.count, mine.void, mine.red, mine.amount, mine.tax) if mine else None,
                              _differences(line.type, disk, mine)))  # fmt: skip
    return Scan(summary.period, device_id, taxpayer_id, tuple(lines), summary.offline,
                recommend(status, summary.period), synced)  # fmt: skip


def scan(session: Session, ctx: ClearingContext, period: str, *, sync_first: bool = True) -> Scan:
    """``SUMMARY`` of ``period`` and the store's own totals, after syncing when the store is
    behind the disk. Changes nothing on the disk."""
    require(session, Permission.PREPARE_CLEAR)
    check_period(period)
    try:
        info = ctx.client.hello()
        status = ctx.client.status()
        synced = _sync_if_behind(session, ctx, info.device_id, status) if sync_first else 0
        summary = ctx.client.summary(period)
    except DiskProblem as exc:
        raise other_clear(ctx.client, exc) or DiskGone(
            "clear.error.disk_problem", detail=str(exc)
        ) from exc
    return build_scan(summary, status, info.device_id, info.taxpayer_id, synced)
