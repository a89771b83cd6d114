"""The disk as the screens show it: one view model, ``DiskState``, built from what the device
service pushes (``from_status``) in the poller's thread and posted to the app
(``tui.messages.DiskStateChanged``), which keeps it in ``app.disk_state``. The header strip
and the reminders read it; equal states compare equal, so an idle disk repaints nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from devices.type_state import TypeState
from storage.messages import Message

if TYPE_CHECKING:
    from devices.client import DiskInfo, DiskStatus
    from devices.service_client import StatusEvent

# Most urgent first: a locked type stops invoicing, one not reported needs two steps.
URGENCY = {TypeState.LOCKED: 0, TypeState.REPORT_DUE: 1, TypeState.REPORTED: 2,
           TypeState.ISSUING: 3}  # fmt: skip


@dataclass(frozen=True)
class TypeLine:
    """One invoice type as the strip and the F6 screen show it."""

    type: str  # the disk's three-digit code
    state: TypeState
    deadline: dt.date | None = None
    days_left: int | None = None  # to the deadline, by the disk's clock
    stock: int | None = None

    @property
    def urgency(self) -> tuple[int, int]:
        return (URGENCY.get(self.state, 9), self.days_left if self.days_left is not None else 999)


@dataclass(frozen=True)
class DiskState:
    configured: bool = False
    connected: bool = False
    # A free-form summary shown after the connection (kept for callers that set words).
    detail: str = ""
    types: tuple[TypeLine, ...] = ()
    busy: str = ""  # the long command the disk is running (CLEAR, REPORT, UPLOAD)
    logged_in: bool = False
    last_invoice_seq: int | None = None
    device_id: str = ""
    problem: Message | str = ""  # why it is not connected (the F6 screen shows it)

    def most_urgent(self) -> TypeLine | None:
        return min(self.types, key=lambda line: line.urgency) if self.types else None


def due_soon(line: TypeLine, remind_days: int | None) -> bool:
    """A clear is due for this type within the reminder window (or the disk is locked)."""
    if line.state is TypeState.LOCKED:
        return True
    return (remind_days is not None and line.state in (TypeState.REPORT_DUE, TypeState.REPORTED)
            and line.days_left is not None and line.days_left <= remind_days)  # fmt: skip


def clear_reminder(state: DiskState, remind_days: int) -> TypeLine | None:
    """The most urgent type to remind of at log-in, or None when no clear is due soon."""
    due = [line for line in state.types if due_soon(line, remind_days)]
    return min(due, key=lambda line: line.urgency) if due else None


def from_status(event: StatusEvent | None, status: DiskStatus | None,
                info: DiskInfo | None) -> DiskState:  # fmt: skip
    """The view model of the service's last push (``status`` parsed from it, ``info`` from HELLO)."""
    if event is None or status is None or not event.connected:
        return DiskState(configured=True, connected=False,
                         problem=event.detail if event is not None else "")  # fmt: skip
    today = status.clock.date()
    types = tuple(
        TypeLine(type=line.type, state=line.state, deadline=line.deadline,
                 days_left=(line.deadline - today).days if line.deadline else None,
                 stock=line.stock)
        for line in status.types
    )  # fmt: skip
    return DiskState(configured=True, connected=True, types=types,
                     busy=status.busy.cmd if status.busy else "", logged_in=status.logged_in,
                     last_invoice_seq=status.last_invoice_seq,
                     device_id=info.device_id if info else "")  # fmt: skip
