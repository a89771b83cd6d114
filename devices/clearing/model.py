"""What the clearing flow hands the front-ends: kinds, checks, results, and its errors."""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from devices.client import ClearKind, DiskClient
from devices.errors import DiskBusy, DiskProblem
from storage.clearing.journal import LockHolder, lock_holder
from storage.config.settings import Settings
from storage.messages import Listing, Message, MessageError

PERIOD = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
TYPE_CODE = re.compile(r"^\d{3}$")

KIND_NAMES = {"普通": ClearKind.ORDINARY, "特殊": ClearKind.SPECIAL, "专项": ClearKind.SPECIFIC,
              "年度": ClearKind.ANNUAL}  # fmt: skip

#: What to do about each error code the disk can give a clear (PROTOCOL.md "Error codes").
FIXES = ("E_NOT_FILED", "E_LOCKED", "E_NETWORK", "E_OFFLINE_PENDING", "E_WINDOW", "E_NOT_REPORTED",
         "E_BUSY", "E_AUTH", "E_TXN_CONFLICT", "E_BAD_REQUEST")  # fmt: skip


class ClearingError(MessageError):
    """A clearing step that cannot go on; ``exit_code`` is the CLI's (SPEC "CLI")."""

    exit_code = 1


class BadPlan(ClearingError):
    exit_code = 2


class ClearLocked(ClearingError):
    """Another terminal is clearing this disk."""

    @classmethod
    def by(cls, holder: LockHolder) -> ClearLocked:
        return cls("clear.error.locked_by", user=holder.username, terminal=holder.terminal,
                   since=f"{holder.since:%m-%d %H:%M}", cmd=Message(f"clear.cmd.{holder.cmd}"))  # fmt: skip


def other_clear(client: DiskClient, problem: DiskProblem) -> ClearLocked | None:
    """The disk's "busy" while another terminal holds the clearing lock: that terminal's clear
    (or report, or upload) started between this one's checks and its next command. Said as
    who is clearing since when, as the checks would have said a moment later."""
    if not isinstance(problem, DiskBusy):
        return None
    try:
        device_id = client.hello().device_id  # answered while the disk is busy
    except DiskProblem:
        return None
    holder = lock_holder(device_id)
    return ClearLocked.by(holder) if holder is not None and not holder.mine else None


class ClearRefused(ClearingError):
    """The disk refused the command whole: nothing ran."""

    def __init__(self, key: str, /, *, code: str, message: str) -> None:
        super().__init__(key, code=code, message=message)
        self.code = code
        self.fix = fix_for(code)


class ClearStateUnknown(ClearingError):
    """The link broke with a command sent; the journal is settled later from ``TXN``."""

    exit_code = 3


class DiskGone(ClearingError):
    exit_code = 3


def fix_for(code: str | None) -> Message:
    return Message(f"clear.todo.{code}" if code in FIXES else "clear.todo.other")


def parse_kind(text: str) -> ClearKind:
    value = KIND_NAMES.get(text.strip(), text.strip().lower())
    try:
        return ClearKind(value)
    except ValueError:
        raise BadPlan("clear.error.bad_kind", kind=text) from None


def check_period(period: str) -> str:
    if not PERIOD.match(period):
        raise BadPlan("clear.error.bad_period", period=period)
    return period


def previous_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:7])
    return f"{year - 1:04d}-12" if month == 1 else f"{year:04d}-{month - 1:02d}"


def host_now() -> dt.datetime:
    return dt.datetime.now().astimezone()


@dataclass(frozen=True)
class ClearingContext:
    """What the flow needs besides the acting user: the disk, the settings, the host clock."""

    client: DiskClient
    settings: Settings  # the settings in force (file < store < environment): peak hours, mail
    now: Callable[[], dt.datetime] = host_now
    backup_passphrase: str | None = None
    #: Mail of a clear's notice goes out in these threads; a command joins them before exiting.
    mailers: list[threading.Thread] = field(default_factory=list)


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"


class Action(StrEnum):
    """What a front-end may offer beside a check to fix it."""

    NONE = ""
    LOGIN = "login"
    UPLOAD = "upload"
    BACKUP = "backup"
    CONFIRM_FILED = "confirm_filed"


@dataclass(frozen=True)
class Check:
    name: str  # disk, clock, service, window, offline, backup, peak, filed
    verdict: Verdict
    found: Message
    fix: Message | None = None
    action: Action = Action.NONE

    @property
    def title(self) -> Message:
        return Message(f"clear.check.{self.name}")


@dataclass(frozen=True)
class Recommendation:
    kind: ClearKind | None  # None: nothing can be cleared yet (report first, or nothing due)
    types: tuple[str, ...]  # the types it would clear
    why: Message
    report_first: tuple[str, ...] = ()  # types still to report (上报汇总)
    needs_reason: bool = False


@dataclass(frozen=True)
class Preflight:
    period: str
    device_id: str
    checks: tuple[Check, ...]
    recommendation: Recommendation | None
    offline_pending: int = 0
    backup_id: str = ""

    @property
    def failed(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.verdict is Verdict.FAIL)

    @property
    def ok(self) -> bool:
        return not self.failed

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)


@dataclass(frozen=True)
class Totals:
    count: int
    void: int
    red: int
    amount: Decimal
    tax: Decimal

    def to_json(self) -> dict[str, Any]:
        return {"count": self.count, "void": self.void, "red": self.red,
                "amount": f"{self.amount:.2f}", "tax": f"{self.tax:.2f}"}  # fmt: skip


@dataclass(frozen=True)
class TypeScan:
    type: str
    state: str  # the disk's state of the type
    disk: Totals
    store: Totals | None
    differences: tuple[Message, ...] = ()


@dataclass(frozen=True)
class Scan:
    period: str
    device_id: str
    taxpayer_id: str
    types: tuple[TypeScan, ...]
    offline: tuple[str, ...]
    recommendation: Recommendation
    synced: int = 0  # records pulled from the disk first, because the store was behind

    @property
    def differences(self) -> tuple[Message, ...]:
        return tuple(d for t in self.types for d in t.differences)

    def to_json(self) -> dict[str, Any]:
        """As the journal keeps it: the scan as it was when the clear was confirmed."""
        return {
            "period": self.period, "device_id": self.device_id, "offline": list(self.offline),
            "synced": self.synced,
            "types": [{"type": t.type, "state": t.state, "disk": t.disk.to_json(),
                       "store": t.store.to_json() if t.store else None,
                       "differences": [d.render("zh") for d in t.differences]}
                      for t in self.types],
        }  # fmt: skip


@dataclass(frozen=True)
class ClearPlan:
    """What the supervisor confirms: period, kind, types, reason, and what it rests on."""

    period: str
    kind: ClearKind
    types: tuple[str, ...] = ()  # sent as CLEAR's ``types`` (specific, and special by choice)
    reason: str = ""
    filed_confirmed: bool = False
    scan: Scan | None = None
    retry_of: int | None = None
    targets: tuple[str, ...] = field(default=())  # the types expected to clear (from the scan)

    def validated(self) -> ClearPlan:
        check_period(self.period)
        bad = [t for t in self.types if not TYPE_CODE.match(t)]
        if bad:
            raise BadPlan("clear.error.bad_types", types=Listing(bad))
        if self.kind is ClearKind.SPECIAL and not self.reason.strip():
            raise BadPlan("clear.error.needs_reason")
        if self.kind is ClearKind.ANNUAL and not self.period.endswith("-12"):
            raise BadPlan("clear.error.annual_period")
        if self.kind is ClearKind.SPECIFIC and not self.types:
            raise BadPlan("clear.error.needs_types")
        return self


@dataclass(frozen=True)
class TypeResult:
    type: str
    ok: bool
    deadline: dt.date | None = None
    error: str = ""
    message: str = ""  # the disk's own words

    @property
    def fix(self) -> Message | None:
        return None if self.ok else fix_for(self.error)

    @property
    def summary(self) -> Message:
        if self.ok:
            return Message("clear.result.ok", {"deadline": self.deadline or "—"})
        return Message("clear.result.failed", {"message": self.message, "code": self.error})

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "ok": self.ok,
                "deadline": self.deadline.isoformat() if self.deadline else None,
                "error": self.error or None, "message": self.message or None}  # fmt: skip

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> TypeResult:
        deadline = body.get("deadline")
        return cls(type=str(body.get("type", "")), ok=bool(body.get("ok")),
                   deadline=dt.date.fromisoformat(deadline) if deadline else None,
                   error=str(body.get("error") or ""), message=str(body.get("message") or ""))  # fmt: skip


@dataclass(frozen=True)
class ClearOutcome:
    run_id: int
    txn: str
    state: str  # storage.clearing.journal.RunState
    results: tuple[TypeResult, ...]

    @property
    def failed(self) -> tuple[TypeResult, ...]:
        return tuple(r for r in self.results if not r.ok)

    @property
    def all_ok(self) -> bool:
        return bool(self.results) and not self.failed


@dataclass(frozen=True)
class StepProgress:
    cmd: str
    done: int
    total: int
    stage: str


ProgressFn = Callable[[StepProgress], None]


@dataclass(frozen=True)
class Reconciled:
    """One journal entry settled with the disk: what the user is told."""

    cmd: str
    txn: str
    outcome: str  # done | never_ran | running | upload
    message: Message
    run_id: int | None = None
