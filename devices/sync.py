"""Pulling the disk's invoice records into the store (``fapiao sync``, the TUI's sync).

Resumes after the last record read from this disk (``storage.store.sync_state``). Each page is
saved together with the new position in one write transaction, so an interrupted sync loses
nothing and a repeated one adds nothing. A record that comes again with a higher number (a
void after issue) updates the stored invoice's status.

A disk that restarts mid-sync forgets the login (``E_AUTH``): the sync logs in again once with
the PIN the caller has (``relogin``, through ``devices.pin.login_with_pin``) and goes on, or
stops with ``DiskRestarted``.

``sync_disk`` is the use case F6 and ``fapiao sync`` both call: it checks the acting user's
role (``Permission.SYNC``), pulls the records and writes the audit entry; the front-ends only
log the disk in and show the result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from devices.client import INVOICE_PAGE_MAX, DiskClient, DiskInvoice, InvoicePage
from devices.errors import DiskRestarted, NotLoggedIn
from storage.accounts.permissions import Permission, require
from storage.accounts.session import Session
from storage.audit import chain as audit
from storage.rules.invoice_types import DISK_TYPES, TYPES, is_digital_number
from storage.store.database import write
from storage.store.invoice_store import SaveResult, save_invoices
from storage.store.models import Direction, Source
from storage.store.records import InvoiceRecord
from storage.store.sync_state import last_synced_seq, record_synced_seq


@dataclass(frozen=True)
class SyncResult:
    device_id: str
    fetched: int
    added: int
    updated: int
    unchanged: int
    conflicts: int
    last_seq: int


@dataclass(frozen=True)
class SyncProgress:
    fetched: int
    last_seq: int  # the disk's newest record


def verification_type(disk_type: str, number: str) -> str:
    """The store's type code for a disk record; a 20-digit number is a 数电 invoice."""
    mapped = DISK_TYPES.get(disk_type, "")
    if is_digital_number(number) and mapped:
        return "31" if TYPES[mapped].special else "32"
    return mapped


def to_record(invoice: DiskInvoice) -> InvoiceRecord:
    return InvoiceRecord(
        number=invoice.number, date=invoice.date, amount=invoice.amount, tax=invoice.tax,
        total=invoice.total, code=invoice.code,
        type=verification_type(invoice.type, invoice.number), check_code=invoice.check_code,
        rate=invoice.rate, buyer_name=invoice.buyer_name, buyer_tax_id=invoice.buyer_tax_id,
        seller_name=invoice.seller_name, seller_tax_id=invoice.seller_tax_id,
        status=invoice.status, red_of=invoice.red_of or "", direction=Direction.ISSUED.value,
        source=Source.DISK.value, disk_seq=invoice.seq,
    )  # fmt: skip


def sync_invoices(
    client: DiskClient,
    *,
    branch: str,
    progress: Callable[[SyncProgress], None] | None = None,
    page_size: int = INVOICE_PAGE_MAX,
    relogin: Callable[[], object] | None = None,
) -> SyncResult:
    """Pull every record newer than the last synced one. The disk must be logged in;
    ``relogin`` logs in again (once) if the disk forgets it meanwhile."""
    device_id = client.hello().device_id
    pending_relogin = [relogin] if relogin is not None else []
    pages_read = 0

    def read(after: int) -> InvoicePage:
        nonlocal pages_read
        try:
            page = client.invoices(after, page_size)
        except NotLoggedIn as exc:
            if not pending_relogin:
                if pages_read == 0:
                    raise  # never logged in: "请先登录税控盘" says it right
                raise DiskRestarted() from exc
            pending_relogin.pop()()  # a refused PIN raises here, never retried
            try:
                page = client.invoices(after, page_size)
            except NotLoggedIn as again:
                raise DiskRestarted() from again
        pages_read += 1
        return page

    after = last_synced_seq(device_id)
    first = read(after)
    restart = bool(after) and first.last_seq < after
    if restart:
        after = 0  # the disk was reset or renumbered: read it all again (saving is idempotent)
        first = read(after)
    total = SaveResult()
    fetched = 0
    newest = first.last_seq
    page = first
    while page.invoices:
        records = [to_record(inv) for inv in page.invoices]
        page_last = max(inv.seq for inv in page.invoices)

        def save(records: list[InvoiceRecord] = records, page_last: int = page_last,
                 restart: bool = restart) -> SaveResult:  # fmt: skip
            saved = save_invoices(records, branch=branch)
            record_synced_seq(device_id, page_last, restart=restart)
            return saved

        total.merge(write(save))
        restart = False  # only the first page after a reset sets the position back
        fetched += len(records)
        newest = max(newest, page.last_seq)
        if progress is not None:
            progress(SyncProgress(fetched=fetched, last_seq=newest))
        if page_last <= after or page_last >= page.last_seq:
            after = page_last
            break
        after = page_last
        page = read(after)
    return SyncResult(device_id=device_id, fetched=fetched, added=total.added,
                      updated=total.updated, unchanged=total.unchanged,
                      conflicts=len(total.conflicts), last_seq=max(after, 0))  # fmt: skip


def may_sync(session: Session) -> None:
    """Refuse (and audit) at once a user who may not sync, before a PIN is asked for or the
    disk is opened; ``sync_disk`` checks again."""
    require(session, Permission.SYNC)


def sync_disk(
    session: Session,
    client: DiskClient,
    *,
    progress: Callable[[SyncProgress], None] | None = None,
    relogin: Callable[[], object] | None = None,
) -> SyncResult:
    """The sync use case: ``session`` must hold ``SYNC`` (refused and audited otherwise); the
    disk's new records go to the session's branch, and the sync is audited with its counts."""
    require(session, Permission.SYNC)
    result = sync_invoices(client, branch=session.branch, progress=progress, relogin=relogin)
    audit.record(session.username, "sync", target=result.device_id, fetched=result.fetched,
                 added=result.added, updated=result.updated, unchanged=result.unchanged,
                 conflicts=result.conflicts, last_seq=result.last_seq)  # fmt: skip
    return result
