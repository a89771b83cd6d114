"""Preflight (SPEC "Clearing"): each check a visible pass / warn / fail with the fix in words a
clerk understands, and what the front-end may offer to fix it. Nothing here changes the disk."""

from __future__ import annotations

import datetime as dt

from devices.clearing.model import (
    Action,
    Check,
    ClearingContext,
    ClearLocked,
    Preflight,
    Recommendation,
    Verdict,
    check_period,
    previous_period,
)
from devices.client import ClearKind, DiskInfo, DiskStatus, TypeState, TypeStatus
from devices.errors import DiskProblem
from storage.accounts.permissions import Permission, require
from storage.accounts.users import Session
from storage.backup.errors import BackupError
from storage.backup.service import list_backups
from storage.clearing.journal import lock_holder
from storage.config.values import peak_hour_at
from storage.messages import Listing, Message

CLOCK_TOLERANCE = dt.timedelta(minutes=5)
BACKUP_FRESH = dt.timedelta(hours=24)


def period_of_type(line: TypeStatus) -> str | None:
    """The period a type's reporting window belongs to (the month before the window opens)."""
    if line.window is None:
        return None
    return previous_period(f"{line.window[0]:%Y-%m}")


def due_period(status: DiskStatus) -> str:
    """The period a clear is for now: the oldest one a type still has open, else last month."""
    periods = sorted(p for line in status.types if line.state is not TypeState.ISSUING
                     if (p := period_of_type(line)) is not None)  # fmt: skip
    return periods[0] if periods else previous_period(status.period)


def types_of(status: DiskStatus, period: str) -> list[TypeStatus]:
    """The types with something due for ``period`` (not ``issuing``)."""
    return [line for line in status.types
            if line.state is not TypeState.ISSUING and period_of_type(line) == period]  # fmt: skip


def recommend(status: DiskStatus, period: str) -> Recommendation:
    """The kind the app suggests from the disk's state (issue: locked → special; December →
    annual; only some reported → specific)."""
    due = types_of(status, period)
    locked = tuple(t.type for t in due if t.state is TypeState.LOCKED)
    report_due = tuple(t.type for t in due if t.state is TypeState.REPORT_DUE)
    reported = tuple(t.type for t in due if t.state is TypeState.REPORTED)
    if locked:
        return Recommendation(ClearKind.SPECIAL, locked, Message("clear.why.locked",
                              {"types": Listing(locked)}), report_due, needs_reason=True)  # fmt: skip
    if report_due and reported:
        return Recommendation(ClearKind.SPECIFIC, reported,
                              Message("clear.why.some", {"types": Listing(reported)}), report_due)  # fmt: skip
    if report_due:
        return Recommendation(None, (), Message("clear.why.report_first",
                              {"types": Listing(report_due)}), report_due)  # fmt: skip
    if reported and period.endswith("-12"):
        return Recommendation(ClearKind.ANNUAL, reported,
                              Message("clear.why.annual", {"period": period}))  # fmt: skip
    if reported:
        return Recommendation(ClearKind.ORDINARY, reported, Message("clear.why.all"))
    return Recommendation(None, (), Message("clear.why.nothing"))


def _disk_check(info: DiskInfo, status: DiskStatus) -> Check:
    holder = lock_holder(info.device_id)
    if holder is not None and not holder.mine:  # another terminal is clearing this disk now
        return Check("disk", Verdict.FAIL, ClearLocked.by(holder).message,
                     Message("clear.fix.wait_other"))  # fmt: skip
    if status.logged_in:
        return Check(
            "disk", Verdict.PASS, Message("clear.found.disk_ok", {"device": info.device_id})
        )
    return Check("disk", Verdict.FAIL, Message("clear.found.disk_not_logged_in",
                 {"device": info.device_id}), Message("clear.fix.login"), Action.LOGIN)  # fmt: skip


def _clock_check(status: DiskStatus, now: dt.datetime) -> Check:
    apart = abs(status.clock - now)
    found = Message("clear.found.clock", {"disk": f"{status.clock:%m-%d %H:%M}",
                    "host": f"{now.astimezone(status.clock.tzinfo):%m-%d %H:%M}", "minutes": int(apart.total_seconds() // 60)})  # fmt: skip
    if apart <= CLOCK_TOLERANCE:
        return Check("clock", Verdict.PASS, found)
    return Check("clock", Verdict.FAIL, found, Message("clear.fix.clock"))


def _service_check(ctx: ClearingContext) -> Check:
    try:
        service = ctx.client.service()
    except DiskProblem as exc:
        return Check("service", Verdict.FAIL, Message("clear.found.disk_gone", {"detail": str(exc)}),
                     Message("clear.fix.connect"))  # fmt: skip
    if service.reachable:
        return Check("service", Verdict.PASS,
                     Message("clear.found.service_ok", {"ms": service.latency_ms or 0}))  # fmt: skip
    return Check("service", Verdict.FAIL, Message("clear.found.service_down"),
                 Message("clear.fix.service"))  # fmt: skip


def _window_check(status: DiskStatus, period: str, kind: ClearKind | None) -> Check:
    due = types_of(status, period)
    today = status.clock.date()
    if not due:
        return Check("window", Verdict.FAIL, Message("clear.found.window_none"))
    if all(t.state is TypeState.LOCKED for t in due):
        end = max(t.window[1] for t in due if t.window)
        verdict = Verdict.PASS if kind is ClearKind.SPECIAL else Verdict.WARN
        return Check("window", verdict, Message("clear.found.window_after", {"end": end}),
                     Message("clear.fix.window_special"))  # fmt: skip
    open_lines = [t for t in due if t.window and t.state is not TypeState.LOCKED]
    start, end = (
        min(t.window[0] for t in open_lines if t.window),
        max(t.window[1] for t in open_lines if t.window),
    )
    if today < start:
        return Check("window", Verdict.FAIL, Message("clear.found.window_before",
                     {"start": start, "today": today}), Message("clear.fix.window_wait"))  # fmt: skip
    return Check("window", Verdict.PASS, Message("clear.found.window_in",
                 {"start": start, "end": end, "today": today}))  # fmt: skip


def _offline_check(status: DiskStatus) -> Check:
    if status.offline_pending == 0:
        return Check("offline", Verdict.PASS, Message("clear.found.offline_none"))
    return Check("offline", Verdict.FAIL, Message("clear.found.offline", {"n": status.offline_pending}),
                 Message("clear.fix.offline"), Action.UPLOAD)  # fmt: skip


def fresh_backup(ctx: ClearingContext) -> tuple[str, Check]:
    """The newest backup verified within 24 hours (its id, "" when none) and the check. By
    the real clock, as backups are stamped (``ctx.now`` may be a test's or a demo's)."""
    now = dt.datetime.now().astimezone()
    try:
        entries = list_backups(ctx.settings)
    except (BackupError, OSError) as exc:
        return "", Check("backup", Verdict.FAIL, Message("clear.found.backup_unreadable",
                         {"detail": str(exc)}), Message("clear.fix.backup"), Action.BACKUP)  # fmt: skip
    for entry in entries:
        if entry.verified_ok and now - entry.created_at <= BACKUP_FRESH:
            when = entry.verified_at[:16].replace("T", " ") if entry.verified_at else ""
            return entry.id, Check("backup", Verdict.PASS,
                                   Message("clear.found.backup_ok", {"id": entry.id, "when": when}))  # fmt: skip
    return "", Check("backup", Verdict.FAIL, Message("clear.found.backup_none"),
                     Message("clear.fix.backup"), Action.BACKUP)  # fmt: skip


def _peak_check(ctx: ClearingContext) -> Check:
    now = ctx.now()
    span = peak_hour_at(ctx.settings.peak_hours, now)
    if span is not None:
        return Check("peak", Verdict.WARN, Message("clear.found.peak", {"now": f"{now:%H:%M}", "span": str(span)}),
                     Message("clear.fix.peak"))  # fmt: skip
    return Check("peak", Verdict.PASS, Message("clear.found.not_peak", {"now": f"{now:%H:%M}"}))


def _filed_check(confirmed: bool) -> Check:
    if confirmed:
        return Check("filed", Verdict.PASS, Message("clear.found.filed_yes"))
    return Check("filed", Verdict.FAIL, Message("clear.found.filed_no"), Message("clear.fix.filed"),
                 Action.CONFIRM_FILED)  # fmt: skip


def preflight(session: Session, ctx: ClearingContext, period: str | None = None, *,
              kind: ClearKind | None = None, filed_confirmed: bool = False) -> Preflight:  # fmt: skip
    """Every check, in SPEC's order. A disk that cannot be reached fails the first check and
    leaves the ones that need it out. ``period`` None: the period the disk has due."""
    require(session, Permission.PREPARE_CLEAR)
    try:
        info = ctx.client.hello()
        status = ctx.client.status()
    except DiskProblem as exc:
        gone = Check("disk", Verdict.FAIL, Message("clear.found.disk_gone", {"detail": str(exc)}),
                     Message("clear.fix.connect"))  # fmt: skip
        backup_id, backup = fresh_backup(ctx)
        return Preflight(period or "", "", (gone, backup, _peak_check(ctx), _filed_check(filed_confirmed)),
                         None, backup_id=backup_id)  # fmt: skip
    period = check_period(period) if period else due_period(status)
    backup_id, backup = fresh_backup(ctx)
    checks = (
        _disk_check(info, status), _clock_check(status, ctx.now()), _service_check(ctx),
        _window_check(status, period, kind), _offline_check(status), backup, _peak_check(ctx),
        _filed_check(filed_confirmed),
    )  # fmt: skip
    return Preflight(period, info.device_id, checks, recommend(status, period),
                     offline_pending=status.offline_pending, backup_id=backup_id)  # fmt: skip
