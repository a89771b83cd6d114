"""The steps that change the disk (UPLOAD, REPORT, CLEAR) and the settling of any a crash left.

Never twice: a step is journaled with its txn id, committed, *before* the command goes out. A
reply closes it. A cut link leaves it ``sending``; then only the disk's ``TXN`` answer decides
(``done``: its results are recorded as if they had arrived; ``running``: wait; ``unknown``: it
never ran, and only then may a new txn be made). No new clear starts on a disk while one of its
steps is unsettled. One disk-changing step at a time per disk, across terminals (the lock).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

from devices.clearing.model import (
    ClearingContext,
    ClearingError,
    ClearLocked,
    ClearOutcome,
    ClearPlan,
    ClearRefused,
    ClearStateUnknown,
    DiskGone,
    ProgressFn,
    Reconciled,
    StepProgress,
    TypeResult,
    fix_for,
    other_clear,
)
from devices.clearing.preflight import fresh_backup
from devices.client import ClearKind, DiskClient, Progress, TxnResult, TypeOutcome, UploadResult
from devices.errors import DiskError, DiskProblem
from storage.accounts.permissions import Permission, require
from storage.accounts.users import Approval, Session
from storage.audit import chain as audit
from storage.backup.service import ProgressFn as BackupProgressFn
from storage.backup.service import backup_before_clearing
from storage.clearing import journal
from storage.clearing.journal import ClearRun, ClearStep, RunState, StepState
from storage.messages import Listing, Message
from storage.notices import ClearingOutcome, deliver_in_background, post_clearing_notice
from storage.notices import TypeOutcome as NoticeType
from storage.store.database import write

log = logging.getLogger(__name__)

RECONCILE_WAIT = 150.0  # seconds to wait for a command the disk still runs (long ones: ≤ 120 s)
TXN_POLL = 1.0


def _results(outcomes: tuple[TypeOutcome, ...]) -> list[TypeResult]:
    return [TypeResult(o.type, o.ok, o.deadline, o.error or "", o.message or "") for o in outcomes]


def _run_state(results: list[TypeResult]) -> str:
    if results and all(r.ok for r in results):
        return RunState.DONE
    return RunState.PARTIAL if any(r.ok for r in results) else RunState.FAILED


# -- journaling around one command ---------------------------------------------------------


def _begin(session: Session, device_id: str, period: str, cmd: str, txn: str,
           params: dict[str, Any], run_id: int | None = None) -> ClearStep:  # fmt: skip
    """Inside the caller's write: the lock, no unsettled step, then the step journaled."""
    holder = journal.take_lock(device_id, session.username, cmd)
    if holder is not None:
        raise ClearLocked.by(holder)
    for left in journal.unsettled_steps(device_id):
        raise ClearingError(
            "clear.error.unsettled", cmd=Message(f"clear.cmd.{left.cmd}"), txn=left.txn
        )
    return journal.open_step(device_id, period, cmd, txn, params, session.username, run_id)


def _heartbeat(device_id: str, progress: ProgressFn | None, cmd: str) -> Callable[[Progress], None]:
    last = [time.monotonic()]

    def on_progress(step: Progress) -> None:
        if time.monotonic() - last[0] >= journal.HEARTBEAT_EVERY.total_seconds():
            last[0] = time.monotonic()
            journal.heartbeat(device_id)
        if progress is not None:
            progress(StepProgress(cmd, step.done, step.total, step.stage))

    return on_progress


def _settle_refused(step: ClearStep, exc: DiskError, username: str, key: str) -> ClearRefused:
    """The disk answered ERR: nothing ran. Closes the step (and its run) and drops the lock."""

    def save() -> None:
        journal.close_step(step.id, StepState.REFUSED, error=exc.code, message=exc.message)
        if step.run_id is not None:
            journal.close_run(step.run_id, RunState.REFUSED, error=exc.code, message=exc.message)
        audit.record(username, f"clear.{step.cmd.lower()}", target=step.period, ok=False,
                     txn=step.txn, error=exc.code, run=step.run_id)  # fmt: skip
        journal.release_lock(step.device_id)
        if step.run_id is not None:
            _announce(step, [], username, error=exc.code, message=exc.message)

    write(save)
    return ClearRefused(key, code=exc.code, message=exc.message)


def _send(ctx: ClearingContext, step: ClearStep, username: str, refused_key: str,
          command: Callable[[], Any]) -> Any:  # fmt: skip
    """Send the journaled command. ERR → refused (nothing ran). A cut link → ask ``TXN`` once
    right away; still unknown → ``ClearStateUnknown`` with the step left for reconciling."""
    try:
        return command()
    except DiskError as exc:
        refused = _settle_refused(step, exc, username, refused_key)
        _mail(ctx)
        raise refused from exc
    except DiskProblem as exc:
        log.warning("%s %s: link lost: %s", step.cmd, step.txn, exc)
        if step.txn:
            settled = _try_settle(ctx, step, username, wait=RECONCILE_WAIT)
            if settled is not None and settled.outcome == "done":
                return None  # recorded from TXN; the caller reads the journal
        raise ClearStateUnknown("clear.error.unknown_state", cmd=Message(f"clear.cmd.{step.cmd}"),
                                txn=step.txn or "—") from exc  # fmt: skip


# -- UPLOAD --------------------------------------------------------------------------------


def upload_offline(session: Session, ctx: ClearingContext, numbers: list[str] | None = None,
                   progress: ProgressFn | None = None) -> UploadResult:  # fmt: skip
    """Upload the offline invoices (all the disk lists for its due period, or ``numbers``)."""
    require(session, Permission.PREPARE_CLEAR)
    client = ctx.client
    try:
        info = client.hello()
        status = client.status()
        if numbers is None:
            from devices.clearing.preflight import due_period

            numbers = list(client.summary(due_period(status)).offline)
    except DiskError as exc:
        raise other_clear(client, exc) or ClearRefused(
            "clear.error.upload_refused", code=exc.code, message=exc.message
        ) from exc
    except DiskProblem as exc:
        raise DiskGone("clear.error.disk_problem", detail=str(exc)) from exc
    period = status.period
    step = write(
        lambda: _begin(session, info.device_id, period, "UPLOAD", "", {"numbers": numbers})
    )
    result: UploadResult = _send(ctx, step, session.username, "clear.error.upload_refused",
                                 lambda: client.upload(numbers, _heartbeat(info.device_id, progress, "UPLOAD")))  # fmt: skip

    def save() -> None:
        journal.close_step(step.id, StepState.DONE,
                           results=[{"number": n, "ok": True} for n in result.uploaded]
                           + [{"number": f.number, "ok": False, "error": f.error, "message": f.message}
                              for f in result.failed])  # fmt: skip
        audit.record(session.username, "clear.upload", target=info.device_id, ok=not result.failed,
                     uploaded=len(result.uploaded), failed=len(result.failed))  # fmt: skip
        journal.release_lock(info.device_id)

    write(save)
    return result


# -- REPORT --------------------------------------------------------------------------------


def report(session: Session, ctx: ClearingContext, period: str,
           progress: ProgressFn | None = None) -> list[TypeResult]:  # fmt: skip
    """上报汇总 of ``period``: per type ok or the disk's reason."""
    require(session, Permission.PREPARE_CLEAR)
    client = ctx.client
    try:
        info = client.hello()
    except DiskProblem as exc:
        raise DiskGone("clear.error.disk_problem", detail=str(exc)) from exc
    txn = str(uuid.uuid4())
    step = write(lambda: _begin(session, info.device_id, period, "REPORT", txn, {"period": period}))
    reply: TxnResult | None = _send(
        ctx, step, session.username, "clear.error.report_refused",
        lambda: client.report(period, txn, _heartbeat(info.device_id, progress, "REPORT")),
    )  # fmt: skip
    if reply is None:  # the link broke and TXN settled it
        return [TypeResult.from_json(r) for r in journal.load(ClearStep.get_by_id(step.id).results)]
    results = _results(reply.results)
    write(lambda: _finish_report(step, results, session.username))
    return results


def _finish_report(
    step: ClearStep, results: list[TypeResult], username: str, note: str = ""
) -> None:
    journal.close_step(step.id, StepState.DONE, results=[r.to_json() for r in results], note=note)
    audit.record(username, "clear.report", target=step.period, ok=all(r.ok for r in results),
                 txn=step.txn, reported=[r.type for r in results if r.ok],
                 failed=[r.type for r in results if not r.ok], reconciled=bool(note))  # fmt: skip
    journal.release_lock(step.device_id)


# -- backup first --------------------------------------------------------------------------


def take_backup(session: Session, ctx: ClearingContext, progress: BackupProgressFn | None = None,
                approval: Approval | None = None) -> str:  # fmt: skip
    """The backup a clear needs first, verified at once; returns its id. ``approval``: a
    supervisor's name and password, when a clerk's backup would set the first passphrase."""
    require(session, Permission.PREPARE_CLEAR)
    verified = backup_before_clearing(session, settings=ctx.settings, progress=progress,
                                      passphrase=ctx.backup_passphrase, approval=approval)  # fmt: skip
    if not verified.ok:
        raise ClearingError("clear.error.backup_failed", detail=verified.problem)
    return verified.backup_id


# -- CLEAR ---------------------------------------------------------------------------------


def may_clear(session: Session) -> None:
    """Refuse (and audit) at once a user who could never confirm a clear, before the backup
    and the scan are done for nothing (``fapiao clear`` runs as the confirming supervisor)."""
    require(session, Permission.CLEAR)


def execute(session: Session, confirmer: Session, ctx: ClearingContext, plan: ClearPlan,
            progress: ProgressFn | None = None) -> ClearOutcome:  # fmt: skip
    """The clear itself. ``confirmer`` is the supervisor who confirmed with their own password
    (the same session when a supervisor runs ``fapiao clear``); a clerk opening the wizard is
    ``session``. Refused, and audited, unless ``confirmer`` may clear now."""
    require(session, Permission.PREPARE_CLEAR)
    require(confirmer, Permission.CLEAR)
    plan = plan.validated()
    if not plan.filed_confirmed:
        raise ClearingError("clear.error.not_filed")
    client = ctx.client
    try:
        info = client.hello()
    except DiskProblem as exc:
        raise DiskGone("clear.error.disk_problem", detail=str(exc)) from exc
    reconcile(session, ctx)  # anything a crash left is settled before a new txn is made
    backup_id, _ = fresh_backup(ctx)
    if not backup_id:
        raise ClearingError("clear.error.no_backup")
    txn = str(uuid.uuid4())
    types = list(plan.types)
    params = {"period": plan.period, "kind": plan.kind.value, "types": types, "reason": plan.reason}
    targets = plan.targets or (plan.scan.recommendation.types if plan.scan else ())

    def begin() -> ClearStep:
        already = journal.closed_types(info.device_id, plan.period)
        if targets and set(targets) <= already:
            last = journal.runs(
                device_id=info.device_id, period=plan.period, state=RunState.DONE, limit=1
            )
            who = last[0] if last else None
            raise ClearingError("clear.error.already", period=plan.period, types=Listing(sorted(targets)),
                                user=who.confirmed_by if who else "?",
                                when=f"{who.finished_at:%m-%d %H:%M}" if who and who.finished_at else "?")  # fmt: skip
        run = journal.open_run(device_id=info.device_id, period=plan.period, kind=plan.kind.value,
                               types=types, reason=plan.reason, started_by=session.username,
                               confirmed_by=confirmer.username, backup_id=backup_id,
                               scan=plan.scan.to_json() if plan.scan else {}, retry_of=plan.retry_of)  # fmt: skip
        step = _begin(session, info.device_id, plan.period, "CLEAR", txn, params, run.id)
        audit.record(session.username, "clear.start", target=plan.period, run=run.id, txn=txn,
                     kind=plan.kind.value, types=types, confirmed_by=confirmer.username,
                     backup=backup_id, retry_of=plan.retry_of)  # fmt: skip
        return step

    step = write(begin)
    reply: TxnResult | None = _send(
        ctx, step, session.username, "clear.error.refused",
        lambda: client.clear(plan.period, plan.kind, txn, types=types, reason=plan.reason,
                             progress=_heartbeat(info.device_id, progress, "CLEAR")),
    )  # fmt: skip
    if reply is not None:
        write(lambda: _finish_clear(step, _results(reply.results), session.username))
    _keep_disk_log(client, step)
    _mail(ctx)
    return outcome_of(int(step.run_id or 0))


def _finish_clear(
    step: ClearStep, results: list[TypeResult], username: str, note: str = ""
) -> None:
    """Inside a write: the step and its run closed, the cleared periods marked, audited."""
    assert step.run_id is not None
    state = _run_state(results)
    rows = [r.to_json() for r in results]
    journal.close_step(step.id, StepState.DONE, results=rows, note=note)
    journal.close_run(step.run_id, state, results=rows)
    journal.close_periods(
        step.device_id, step.period, [r.type for r in results if r.ok], step.run_id
    )
    audit.record(username, "clear.finish", target=step.period, ok=state == RunState.DONE,
                 run=step.run_id, txn=step.txn, state=state,
                 cleared=[r.type for r in results if r.ok],
                 failed={r.type: r.error for r in results if not r.ok}, reconciled=bool(note))  # fmt: skip
    journal.release_lock(step.device_id)
    _announce(step, results, username)


def _announce(step: ClearStep, results: list[TypeResult], username: str, *, error: str = "",
              message: str = "") -> None:  # fmt: skip
    """Inside the write that records the outcome: the notice every terminal shows, mailed to
    ``notify_to`` afterwards (``_mail``), so a mail server that is down never holds a clear."""
    run = ClearRun.get_by_id(step.run_id)
    outcomes = tuple(NoticeType(r.type, r.ok, r.deadline, r.error, r.message, r.fix or "")
                     for r in results)  # fmt: skip
    post_clearing_notice(ClearingOutcome(
        period=step.period, kind=run.kind, results=outcomes, started_by=run.started_by,
        confirmed_by=run.confirmed_by or username, device_id=step.device_id, reason=run.reason,
        error_code=error, error=message, fix=fix_for(error) if error else "",
    ))  # fmt: skip


def _mail(ctx: ClearingContext) -> None:
    ctx.mailers.append(deliver_in_background(ctx.settings))


def _keep_disk_log(client: DiskClient, step: ClearStep) -> None:
    """The disk's own LOG entries of this txn, kept with the run (best effort: the clear is
    recorded already; a disk that will not say leaves the history without them)."""
    if step.run_id is None:
        return
    try:
        entries, after = [], 0
        for _ in range(50):
            page = client.log(after, 500)
            entries += [{"seq": e.seq, "time": e.time.isoformat(), "op": e.op, "ok": e.ok,
                         "detail": e.detail} for e in page if e.txn == step.txn]  # fmt: skip
            if len(page) < 500:
                break
            after = page[-1].seq
    except DiskProblem as exc:
        log.info("disk log of %s not kept: %s", step.txn, exc)
        return
    run_id = step.run_id
    write(lambda: journal.record_disk_log(run_id, entries))


def outcome_of(run_id: int) -> ClearOutcome:
    run = ClearRun.get_by_id(run_id)
    step = ClearStep.get_or_none((ClearStep.run_id == run_id) & (ClearStep.cmd == "CLEAR"))
    return ClearOutcome(run_id, step.txn if step else "", run.state,
                        tuple(TypeResult.from_json(r) for r in journal.load(run.results) or []))  # fmt: skip


def retry_plan(
    session: Session, run_id: int, *, reason: str = "", filed_confirmed: bool = False
) -> ClearPlan:
    """A clear of only the types that failed in ``run_id``: specific (each still reported), or
    special when the failed types are locked or the supervisor gives a reason."""
    require(session, Permission.PREPARE_CLEAR)
    run = ClearRun.get_or_none(ClearRun.id == run_id)
    if run is None:
        raise ClearingError("clear.error.no_run", id=run_id)
    failed = tuple(
        r.type for r in map(TypeResult.from_json, journal.load(run.results) or []) if not r.ok
    )
    if not failed:
        raise ClearingError("clear.error.nothing_failed")
    kind = ClearKind.SPECIAL if reason.strip() else ClearKind.SPECIFIC
    return ClearPlan(
        run.period, kind, failed, reason, filed_confirmed, retry_of=run_id, targets=failed
    )


# -- settling what a crash or a cut link left ------------------------------------------------


def _try_settle(ctx: ClearingContext, step: ClearStep, username: str, *,
                wait: float) -> Reconciled | None:  # fmt: skip
    """Ask the disk about one unsettled step and record the answer. None: the disk cannot be
    asked now (the step stays as it is)."""
    cmd_name = Message(f"clear.cmd.{step.cmd}")
    if not step.txn:  # an UPLOAD: no txn to ask about; the disk's count of pending says enough
        try:
            pending = ctx.client.status().offline_pending
        except DiskProblem:
            return None
        message = Message("clear.reconciled.upload", {"n": pending})

        def save_upload() -> None:
            journal.close_step(step.id, StepState.INTERRUPTED, note=message.render("zh"))
            audit.record(username, "clear.reconcile", target=step.period, cmd=step.cmd,
                         outcome="upload", pending=pending)  # fmt: skip
            journal.release_lock(step.device_id)

        write(save_upload)
        return Reconciled(step.cmd, "", "upload", message)
    deadline = time.monotonic() + wait
    while True:
        try:
            info = ctx.client.txn(step.txn)
        except DiskError as exc:
            log.warning("TXN %s refused: %s", step.txn, exc.code)
            return None
        except DiskProblem:
            return None
        if info.state.value != "running":
            break
        if time.monotonic() >= deadline:
            return Reconciled(step.cmd, step.txn, "running",
                              Message("clear.reconciled.running", {"cmd": cmd_name, "txn": step.txn}))  # fmt: skip
        journal.heartbeat(step.device_id)
        time.sleep(TXN_POLL)
    if info.state.value == "done":
        results = _results(info.results)
        message = Message("clear.reconciled.done", {"cmd": cmd_name, "txn": step.txn})
        note = message.render("zh")
        if step.cmd == "CLEAR":
            write(lambda: _finish_clear(step, results, username, note))
            _keep_disk_log(ctx.client, step)
        else:
            write(lambda: _finish_report(step, results, username, note))
        return Reconciled(step.cmd, step.txn, "done", message, step.run_id)
    message = Message("clear.reconciled.never_ran", {"cmd": cmd_name, "txn": step.txn})

    def save_never() -> None:
        note = message.render("zh")
        journal.close_step(step.id, StepState.NEVER_RAN, note=note)
        if step.run_id is not None:
            journal.close_run(step.run_id, RunState.INTERRUPTED, message=note)
            _announce(step, [], username, error="E_INTERRUPTED", message=note)
        audit.record(username, "clear.reconcile", target=step.period, cmd=step.cmd, txn=step.txn,
                     outcome="never_ran", run=step.run_id)  # fmt: skip
        journal.release_lock(step.device_id)

    write(save_never)
    return Reconciled(step.cmd, step.txn, "never_ran", message, step.run_id)


def wait_until_idle(client: DiskClient, *, wait: float = RECONCILE_WAIT,
                    on_wait: Callable[[str], None] | None = None) -> bool:  # fmt: skip
    """Before logging in after a crash: the disk may still run the long command the dead
    terminal sent (it answers everything else ``E_BUSY``). True once it is idle."""
    deadline = time.monotonic() + wait
    told = False
    while True:
        busy = client.status().busy
        if busy is None:
            return True
        if not told and on_wait is not None:
            on_wait(busy.cmd)
            told = True
        if time.monotonic() >= deadline:
            return False
        time.sleep(TXN_POLL)


def reconcile(
    session: Session, ctx: ClearingContext, *, wait: float = RECONCILE_WAIT
) -> list[Reconciled]:
    """Settle every step this disk has unsettled (on any terminal's start and before any new
    clear). A step whose holder is alive elsewhere is left to it."""
    try:
        device_id = ctx.client.hello().device_id
    except DiskProblem:
        return []  # the disk cannot be asked; the journal keeps the steps for next time
    settled = []
    for step in journal.unsettled_steps(device_id):
        holder = journal.lock_holder(device_id)
        if holder is not None and not holder.mine:
            continue
        done = _try_settle(ctx, step, session.username, wait=wait)
        if done is not None:
            settled.append(done)
    if any(s.run_id is not None and s.outcome in ("done", "never_ran") for s in settled):
        _mail(ctx)
    return settled


def unsettled_anywhere() -> bool:
    """Whether any disk has a step to settle (the app asks at start, cheaply)."""
    return bool(journal.unsettled_steps())
