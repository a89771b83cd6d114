"""What the lookup needs of the disk to say "not synced yet" (``storage.lookup.diagnosis``):
the disk's newest record and how far the store has synced that disk. Built here for both
front-ends: the app from the status its poller keeps, ``fapiao lookup`` from a device
service it finds running (it never starts one, and never opens the disk's port itself: a
lookup must not take the disk from the terminal that is using it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from devices.client import parse_status
from devices.errors import DiskProblem
from devices.service_client import ServiceClient, ServiceConnection, ServiceGone
from storage.lookup.engine import LookupOptions
from storage.store.sync_state import last_synced_seq

log = logging.getLogger(__name__)

STATUS_WAIT = 2.0  # seconds for a running service's first status (it sends it on connect)


@dataclass(frozen=True)
class DiskContext:
    disk_last_seq: int  # the disk's newest invoice record
    store_last_seq: int  # the newest record of that disk the store holds (0: never synced)


def read_context(device_id: str, disk_last_seq: int) -> DiskContext:
    """The context for disk ``device_id``, the store's side read now."""
    return DiskContext(disk_last_seq, last_synced_seq(device_id))


def with_disk(options: LookupOptions, context: DiskContext | None) -> LookupOptions:
    """``options`` for a lookup that knows the disk (or, with None, that there is none)."""
    if context is None:
        return options
    return replace(options, disk_last_seq=context.disk_last_seq,
                   store_last_seq=context.store_last_seq)  # fmt: skip


def from_service(
    socket_path: Path, device_url: str, *, wait: float = STATUS_WAIT
) -> DiskContext | None:
    """The context from the device service at ``socket_path`` when one runs there, serves
    ``device_url`` and has the disk connected; else None (the lookup then says nothing of
    the disk, as it would without one). Blocking for at most ``wait`` seconds and a HELLO,
    which the service answers from memory."""
    try:
        connection = ServiceConnection(socket_path).connect()
    except ServiceGone:
        return None
    with connection:
        if not connection.first_status.wait(wait):
            return None
        event = connection.last_status
        if connection.service.get("device_url") != device_url or event is None:
            return None  # another disk's service: its records are not this store's question
        if not event.connected or event.status is None:
            return None
        try:
            newest = parse_status(event.status).last_invoice_seq
            device_id = ServiceClient(connection).hello().device_id
        except DiskProblem as exc:
            log.info("no disk context from the service: %s", exc)
            return None
    return read_context(device_id, newest)
