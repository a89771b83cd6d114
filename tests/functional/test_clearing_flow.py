"""The clearing flow (devices.clearing) against the simulator over a real pty, on SQLite and
PostgreSQL: every kind and every refusal PROTOCOL.md names, the journal, never twice."""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import peewee
import pytest

from devices.clearing.model import (
    BadPlan,
    ClearingContext,
    ClearingError,
    ClearLocked,
    ClearPlan,
    ClearRefused,
    ClearStateUnknown,
    Verdict,
)
from devices.clearing.preflight import preflight
from devices.clearing.scan import scan
from devices.clearing.steps import (
    execute,
    reconcile,
    report,
    retry_plan,
    take_backup,
    upload_offline,
)
from devices.client import ClearKind, DiskClient
from devices.errors import DiskNotAnswering
from devices.service import DeviceService
from devices.service_client import ServiceClient, ServiceConnection
from devices.simulator import Disk, FaultPlan
from devices.simulator.scenarios import clear_due
from devices.simulator.state import CHINA, SimState
from storage.accounts.permissions import PermissionDenied
from storage.audit.chain import AuditEntry
from storage.clearing import journal
from storage.clearing.journal import ClearRun, ClearStep, RunState, StepState
from storage.config.settings import Settings
from storage.notices import deliver_pending, mail_status
from storage.store.database import write
from tests.support.backup import BOSS, CLERK, PASSPHRASE, settings_for
from tests.support.disk import PIN, client, serve, socket_folder, until
from tests.support.mail import MailServer, free_port

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=CHINA)  # the 20th: past the usual 15th
PERIOD = "2026-10"


@contextmanager
def disk_and_flow(tmp_path: Path, state: SimState | None = None,
                  now: dt.datetime = NOW) -> Iterator[tuple[Disk, DiskClient, ClearingContext]]:  # fmt: skip
    with (
        serve(state=state or clear_due(now, invoices=80)) as (disk, server),
        client(server.url) as c,
    ):
        c.login(PIN)
        ctx = ClearingContext(client=c, settings=settings_for("", tmp_path / "backups"),
                              now=lambda: now, backup_passphrase=PASSPHRASE)  # fmt: skip
        yield disk, c, ctx


def ready(ctx: ClearingContext, period: str = PERIOD) -> ClearPlan:
    """Backed up, filed, scanned: the plan the recommendation makes."""
    take_backup(BOSS, ctx)
    found = scan(BOSS, ctx, period)
    rec = found.recommendation
    assert rec.kind is not None
    return ClearPlan(period, rec.kind, (), "", True, found, targets=rec.types)


def actions(name: str) -> list[AuditEntry]:
    return list(AuditEntry.select().where(AuditEntry.action == name).order_by(AuditEntry.seq))


def test_an_ordinary_clear_end_to_end_and_never_twice(
    store: peewee.Database, tmp_path: Path
) -> None:
    with disk_and_flow(tmp_path) as (disk, _c, ctx):
        before = preflight(BOSS, ctx)
        assert before.period == PERIOD
        failing = {c.name for c in before.failed}
        assert failing == {"backup", "filed"}  # everything the machine can check passes
        plan = ready(ctx)
        assert plan.scan is not None and plan.scan.synced > 0  # the store was behind: synced first
        assert plan.scan.differences == ()  # the store agrees with the disk after the sync
        after = preflight(BOSS, ctx, filed_confirmed=True)
        assert after.ok, [c.name for c in after.failed]
        seen: list[int] = []
        outcome = execute(BOSS, BOSS, ctx, plan, progress=lambda p: seen.append(p.done))
        assert outcome.all_ok and outcome.state == RunState.DONE
        assert {r.type for r in outcome.results} == {"004", "007", "026", "028"}
        assert all(r.deadline == dt.date(2026, 12, 23) for r in outcome.results)
        assert seen  # the progress bar moved
        assert all(t.open_period == "2026-11" for t in disk.state.types)
        # Never twice: the store refuses before the disk hears of it.
        with pytest.raises(ClearingError) as again:
            execute(BOSS, BOSS, ctx, plan)
        assert again.value.message.key == "clear.error.already"
    assert disk.executions["CLEAR"] == 1
    assert [e["op"] for e in disk.state.log].count("CLEAR") == 1
    run = ClearRun.get()
    assert (run.state, run.started_by, run.confirmed_by, run.period) == (
        "done",
        "boss",
        "boss",
        PERIOD,
    )
    assert run.backup_id and journal.load(run.scan)["types"]
    assert [e["op"] for e in journal.load(run.disk_log)] == ["CLEAR"]
    assert journal.closed_types(disk.state.device_id, PERIOD) == {"004", "007", "026", "028"}
    assert [e.ok for e in actions("clear.start")] == [True]
    assert [e.ok for e in actions("clear.finish")] == [True]
    assert not journal.ClearLock.select().exists()  # released


def test_a_clerk_is_refused_below_the_screen_and_nothing_reaches_the_disk(
    store: peewee.Database, tmp_path: Path
) -> None:
    with disk_and_flow(tmp_path) as (disk, _c, ctx):
        plan = ready(ctx)
        with pytest.raises(PermissionDenied):
            execute(CLERK, CLERK, ctx, plan)  # the clerk "confirming" with their own session
        outcome = execute(CLERK, BOSS, ctx, plan)  # opened by the clerk, confirmed by the boss
        assert outcome.all_ok
    assert disk.executions["CLEAR"] == 1
    denied = actions("denied")
    assert [(e.username, e.target, e.ok) for e in denied] == [("wang", "clear", False)]
    run = ClearRun.get()
    assert (run.started_by, run.confirmed_by) == ("wang", "boss")


def test_not_reported_is_reported_first_then_cleared(
    store: peewee.Database, tmp_path: Path
) -> None:
    with disk_and_flow(tmp_path, clear_due(NOW, invoices=40, reported=False)) as (disk, _c, ctx):
        take_backup(BOSS, ctx)
        found = scan(BOSS, ctx, PERIOD)
        assert found.recommendation.kind is None
        assert found.recommendation.report_first == ("004", "007", "026", "028")
        with pytest.raises(ClearRefused) as refused:
            execute(
                BOSS,
                BOSS,
                ctx,
                ClearPlan(PERIOD, ClearKind.ORDINARY, filed_confirmed=True, scan=found),
            )
        assert refused.value.code == "E_NOT_REPORTED"
        assert refused.value.fix.key == "clear.todo.E_NOT_REPORTED"
        results = report(BOSS, ctx, PERIOD)
        assert all(r.ok for r in results)
        outcome = execute(BOSS, BOSS, ctx, ready(ctx))
        assert outcome.all_ok
    states = [r.state for r in ClearRun.select().order_by(ClearRun.id)]
    assert states == [RunState.REFUSED, RunState.DONE]
    steps = [(s.cmd, s.state) for s in ClearStep.select().order_by(ClearStep.id)]
    assert steps == [("CLEAR", "refused"), ("REPORT", "done"), ("CLEAR", "done")]
    assert disk.executions["CLEAR"] == 2 and disk.executions["REPORT"] == 1


def test_not_filed_fails_one_type_and_the_retry_clears_only_that_one(
    store: peewee.Database, tmp_path: Path
) -> None:
    with disk_and_flow(tmp_path) as (disk, _c, ctx):
        disk.state.not_filed = ["007"]
        outcome = execute(BOSS, BOSS, ctx, ready(ctx))
        assert outcome.state == RunState.PARTIAL
        failed = outcome.failed
        assert [(r.type, r.error) for r in failed] == [("007", "E_NOT_FILED")]
        assert failed[0].fix is not None and failed[0].fix.key == "clear.todo.E_NOT_FILED"
        assert failed[0].message == "本期申报未完成，无法清卡"
        disk.state.not_filed = []  # the return is filed now
        plan = retry_plan(BOSS, outcome.run_id, filed_confirmed=True)
        assert (plan.kind, plan.types, plan.retry_of) == (
            ClearKind.SPECIFIC,
            ("007",),
            outcome.run_id,
        )
        retried = execute(BOSS, BOSS, ctx, plan)
        assert retried.all_ok and [r.type for r in retried.results] == ["007"]
    assert disk.executions["CLEAR"] == 2
    assert journal.closed_types(disk.state.device_id, PERIOD) == {"004", "007", "026", "028"}
    assert ClearRun.get_by_id(retried.run_id).retry_of == outcome.run_id


def test_network_down_mid_clear_fails_that_type_only(
    store: peewee.Database, tmp_path: Path
) -> None:
    with disk_and_flow(tmp_path) as (disk, _c, ctx):
        disk.state.network_down = ["026"]
        outcome = execute(BOSS, BOSS, ctx, ready(ctx))
    assert [(r.type, r.error) for r in outcome.failed] == [("026", "E_NETWORK")]
    assert outcome.failed[0].fix is not None and outcome.failed[0].fix.key == "clear.todo.E_NETWORK"


def test_locked_needs_a_special_clear_with_a_reason(store: peewee.Database, tmp_path: Path) -> None:
    late = dt.datetime(2026, 11, 26, 10, 0, tzinfo=CHINA)
    state = clear_due(NOW, invoices=40)  # window until the 23rd ...
    state.set_clock(late)  # ... and now it is the 26th: every type locked
    with disk_and_flow(tmp_path, state, now=late) as (_disk, _c, ctx):
        pre = preflight(BOSS, ctx)
        assert pre.recommendation is not None and pre.recommendation.kind is ClearKind.SPECIAL
        assert pre.recommendation.needs_reason
        assert pre.check("window").verdict is Verdict.WARN
        plan = ready(ctx)
        with pytest.raises(ClearRefused) as refused:
            execute(BOSS, BOSS, ctx, ClearPlan(PERIOD, ClearKind.ORDINARY, filed_confirmed=True))
        assert refused.value.code == "E_LOCKED"
        with pytest.raises(BadPlan):
            execute(BOSS, BOSS, ctx, plan)  # special without a reason
        outcome = execute(BOSS, BOSS, ctx, ClearPlan(PERIOD, ClearKind.SPECIAL, (), "逾期：税务局已批准",
                                                   True, plan.scan, targets=plan.targets))  # fmt: skip
        assert outcome.all_ok
    assert ClearRun.get_by_id(outcome.run_id).reason == "逾期：税务局已批准"


def test_annual_and_specific(store: peewee.Database, tmp_path: Path) -> None:
    january = dt.datetime(2027, 1, 6, 10, 0, tzinfo=CHINA)
    with disk_and_flow(tmp_path, clear_due(january, invoices=30), now=january) as (disk, _c, ctx):
        plan = ready(ctx, "2026-12")
        assert plan.kind is ClearKind.ANNUAL
        with pytest.raises(BadPlan):
            execute(BOSS, BOSS, ctx, ClearPlan("2026-11", ClearKind.ANNUAL, filed_confirmed=True))
        specific = execute(BOSS, BOSS, ctx, ClearPlan("2026-12", ClearKind.SPECIFIC, ("004",), "", True,
                                                      plan.scan, targets=("004",)))  # fmt: skip
        assert [r.type for r in specific.results] == ["004"]
        rest = scan(BOSS, ctx, "2026-12").recommendation
        assert rest.kind is ClearKind.ANNUAL and rest.types == ("007", "026", "028")
        annual = execute(BOSS, BOSS, ctx, ClearPlan("2026-12", ClearKind.ANNUAL, (), "", True,
                                                    targets=rest.types))  # fmt: skip
        assert annual.all_ok
    assert disk.state.closed_years == [2026]


def test_outside_the_window_and_offline_pending(store: peewee.Database, tmp_path: Path) -> None:
    early = dt.datetime(2026, 11, 20, 10, 0, tzinfo=CHINA)
    state = clear_due(early, invoices=40, reported=False)
    numbers = [r["number"] for r in state.invoices if r["date"].startswith(PERIOD)][-2:]
    state.offline = numbers
    with disk_and_flow(tmp_path, state) as (disk, _c, ctx):
        pre = preflight(BOSS, ctx)
        assert (
            pre.check("offline").verdict is Verdict.FAIL
            and pre.check("offline").action.value == "upload"
        )
        with pytest.raises(ClearRefused) as refused:
            report(BOSS, ctx, PERIOD)
        assert refused.value.code == "E_OFFLINE_PENDING"
        uploaded = upload_offline(BOSS, ctx)
        assert sorted(uploaded.uploaded) == sorted(numbers)
        assert preflight(BOSS, ctx).check("offline").verdict is Verdict.PASS
        disk.state.set_clock(dt.datetime(2026, 10, 20, 10, 0, tzinfo=CHINA))  # before the window
        with pytest.raises(ClearRefused) as outside:
            report(BOSS, ctx, PERIOD)
        assert outside.value.code == "E_WINDOW"
        assert outside.value.fix.key == "clear.todo.E_WINDOW"
    steps = [(s.cmd, s.state, s.error) for s in ClearStep.select().order_by(ClearStep.id)]
    assert steps == [("REPORT", "refused", "E_OFFLINE_PENDING"), ("UPLOAD", "done", ""),
                     ("REPORT", "refused", "E_WINDOW")]  # fmt: skip


def test_one_clear_at_a_time_per_disk(store: peewee.Database, tmp_path: Path) -> None:
    with disk_and_flow(tmp_path) as (disk, _c, ctx):
        plan = ready(ctx)
        since = dt.datetime.now().replace(microsecond=0)

        def someone_else() -> None:  # another terminal's live lock (fresh heartbeat, other host)
            journal.ClearLock.create(device_id=disk.state.device_id, holder="li", terminal="ssh:10.0.0.9",
                                     host="other-box", pid=1, since=since, heartbeat=since, cmd="CLEAR")  # fmt: skip

        write(someone_else)
        with pytest.raises(ClearLocked) as locked:
            execute(BOSS, BOSS, ctx, plan)
        text = locked.value.message.render("zh")
        assert "li 正在清卡" in text and "ssh:10.0.0.9" in text and f"{since:%m-%d %H:%M}" in text
        assert disk.executions["CLEAR"] == 0
        # A holder silent for longer than a long command can run no longer blocks anyone.
        stale = since - journal.LOCK_STALE - dt.timedelta(seconds=1)
        write(lambda: journal.ClearLock.update(heartbeat=stale).execute())
        assert execute(BOSS, BOSS, ctx, plan).all_ok
    assert disk.executions["CLEAR"] == 1


def test_a_clear_another_terminal_starts_after_the_checks_is_said_as_who_is_clearing(
    sqlite_store: peewee.Database, tmp_path: Path
) -> None:
    """Two supervisors at the counter at once: both pass the checks, one's clear starts, and
    the other's next disk command is refused "busy" by the device service. That one is told
    who is clearing since when (exit 1), as the checks would have said a moment later, not
    "the disk failed" (exit 3)."""
    since = dt.datetime.now().replace(microsecond=0)
    with (
        socket_folder() as sockets,
        serve(state=clear_due(NOW, invoices=20), long_seconds=1.5) as (disk, server),
        DeviceService(
            server.url, sockets / "disk.sock", link_options={"reply_timeout": 0.2}
        ) as service,
    ):
        theirs = ServiceClient(ServiceConnection(service.socket_path).connect())
        mine = ServiceClient(ServiceConnection(service.socket_path).connect())
        try:
            theirs.login(PIN)
            mine.login(PIN)
            ctx = ClearingContext(client=mine, settings=settings_for("", tmp_path / "backups"),
                                  now=lambda: NOW, backup_passphrase=PASSPHRASE)  # fmt: skip
            write(lambda: journal.ClearLock.create(
                device_id=disk.state.device_id, holder="li", terminal="ssh:10.0.0.9", host="other-box",
                pid=1, since=since, heartbeat=since, cmd="CLEAR"))  # fmt: skip
            progress: list[object] = []
            worker = threading.Thread(target=lambda: theirs.clear(
                PERIOD, ClearKind.ORDINARY, "txn-li", progress=progress.append))  # fmt: skip
            worker.start()
            until(lambda: progress)  # the other terminal's clear has started
            with pytest.raises(ClearLocked) as locked:
                scan(BOSS, ctx, PERIOD)
            worker.join(10)
        finally:
            theirs.close()
            mine.close()
    text = locked.value.message.render("zh")
    assert "li 正在清卡" in text and "ssh:10.0.0.9" in text and f"{since:%m-%d %H:%M}" in text
    assert locked.value.exit_code == 1
    assert disk.executions["CLEAR"] == 1 and disk.executions["SUMMARY"] == 0


def _journaled_clear(device_id: str, txn: str) -> ClearStep:
    params = {"period": PERIOD, "kind": "ordinary", "types": [], "reason": ""}

    def save() -> ClearStep:
        run = journal.open_run(device_id=device_id, period=PERIOD, kind="ordinary", types=[], reason="",
                               started_by="boss", confirmed_by="boss", backup_id="b1", scan={})  # fmt: skip
        return journal.open_step(device_id, PERIOD, "CLEAR", txn, params, "boss", run.id)

    return write(save)


def test_reconcile_records_a_clear_the_disk_finished_after_a_crash(
    store: peewee.Database, tmp_path: Path
) -> None:
    with disk_and_flow(tmp_path) as (disk, c, ctx):
        txn = str(uuid.uuid4())
        step = _journaled_clear(disk.state.device_id, txn)  # journaled ...
        c.clear(PERIOD, ClearKind.ORDINARY, txn)  # ... sent, and the terminal died before the reply
        settled = reconcile(BOSS, ctx)
        assert [(s.outcome, s.txn) for s in settled] == [("done", txn)]
        assert "已在税控盘完成" in settled[0].message.render("zh")
        assert reconcile(BOSS, ctx) == []  # settled once
    assert disk.executions["CLEAR"] == 1
    assert ClearStep.get_by_id(step.id).state == StepState.DONE
    run = ClearRun.get_by_id(step.run_id)
    assert run.state == RunState.DONE and len(journal.load(run.results)) == 4


def test_a_journaled_clear_that_never_ran_is_marked_and_only_then_a_new_txn_goes(
    store: peewee.Database, tmp_path: Path
) -> None:
    with disk_and_flow(tmp_path) as (disk, _c, ctx):
        plan = ready(ctx)
        step = _journaled_clear(disk.state.device_id, str(uuid.uuid4()))  # died before sending
        outcome = execute(BOSS, BOSS, ctx, plan)  # settles the old one first (TXN: unknown)
        assert outcome.all_ok
    assert ClearStep.get_by_id(step.id).state == StepState.NEVER_RAN
    assert ClearRun.get_by_id(step.run_id).state == RunState.INTERRUPTED
    assert disk.executions["CLEAR"] == 1 and disk.executions["TXN"] >= 1


def test_a_new_clear_waits_while_an_earlier_one_is_unsettled(
    store: peewee.Database, tmp_path: Path
) -> None:
    with disk_and_flow(tmp_path) as (disk, c, ctx):
        plan = ready(ctx)
        txn = str(uuid.uuid4())
        _journaled_clear(disk.state.device_id, txn)

        def not_answering(asked: str) -> None:
            raise DiskNotAnswering(5)

        # Its own patch, undone alone: the test's own would also undo its data directory.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(c, "txn", not_answering)  # TXN gets no answer just now
            with pytest.raises(ClearingError) as waiting:
                execute(BOSS, BOSS, ctx, plan)
        assert waiting.value.message.key == "clear.error.unsettled" and txn in str(waiting.value)
        assert disk.executions["CLEAR"] == 0
        assert execute(BOSS, BOSS, ctx, plan).all_ok  # TXN answers: unknown → never ran → go
    assert disk.executions["CLEAR"] == 1


def test_the_link_cut_mid_clear_leaves_it_unknown_until_txn_says_done(
    store: peewee.Database, tmp_path: Path
) -> None:
    state = clear_due(NOW, invoices=40)
    with serve(state=state, long_seconds=1.0) as (disk, server), \
            client(server.url, reply_timeout=0.2) as c:  # fmt: skip
        c.login(PIN)
        ctx = ClearingContext(client=c, settings=settings_for("", tmp_path / "backups"),
                              now=lambda: NOW, backup_passphrase=PASSPHRASE)  # fmt: skip
        plan = ready(ctx)
        back: list[float] = []  # when the cable is back

        def pull_the_cable(step: object) -> None:
            if not back:  # the first PROGRESS: the clear runs; the cable goes for 6 s
                back.append(time.monotonic() + 6.0)
                server.pull_cable(6.0)

        with pytest.raises(ClearStateUnknown) as unknown:
            execute(BOSS, BOSS, ctx, plan, progress=pull_the_cable)
        assert unknown.value.exit_code == 3
        assert ClearStep.get(ClearStep.cmd == "CLEAR").state == StepState.SENDING
        time.sleep(max(0.0, back[0] - time.monotonic()) + 0.2)  # the cable is back
        settled = reconcile(BOSS, ctx)
        assert [s.outcome for s in settled] == ["done"]
    assert ClearRun.get().state == RunState.DONE
    assert disk.executions["CLEAR"] == 1


def test_a_clear_over_a_noisy_link_runs_once(store: peewee.Database, tmp_path: Path) -> None:
    noisy = FaultPlan(corrupt_rate=0.02, drop_rate=0.02, seed=3)
    with serve(state=clear_due(NOW, invoices=60), faults=noisy) as (disk, server), \
            client(server.url) as c:  # fmt: skip
        c.login(PIN)
        ctx = ClearingContext(client=c, settings=settings_for("", tmp_path / "backups"),
                              now=lambda: NOW, backup_passphrase=PASSPHRASE)  # fmt: skip
        outcome = execute(BOSS, BOSS, ctx, ready(ctx))
    assert outcome.all_ok
    assert noisy.corrupted + noisy.dropped > 0  # the faults did happen
    assert [e["op"] for e in disk.state.log].count("CLEAR") == 1


def _mailing(tmp_path: Path, url: str) -> Settings:
    return replace(settings_for("", tmp_path / "backups"), smtp_url=url,
                   notify_to=("finance@example.com",))  # fmt: skip


def test_finance_gets_a_mail_with_each_types_result(store: peewee.Database, tmp_path: Path) -> None:
    with MailServer("smtp") as mail, disk_and_flow(tmp_path) as (disk, c, _ctx):
        ctx = ClearingContext(client=c, settings=_mailing(tmp_path, mail.url), now=lambda: NOW,
                              backup_passphrase=PASSPHRASE)  # fmt: skip
        disk.state.not_filed = ["007"]
        outcome = execute(BOSS, BOSS, ctx, ready(ctx))
        for mailer in ctx.mailers:
            mailer.join(20)
        assert outcome.state == RunState.PARTIAL
        assert len(mail.inbox.mails) == 1
        sent = mail.inbox.mails[0]
        assert sent.rcpt_tos == ["finance@example.com"]
        assert PERIOD in sent.subject
        for expected in ("普通清卡", "004", "007", "E_NOT_FILED", "2026-12-23", "boss"):
            assert expected in sent.text, expected


def test_a_mail_server_that_is_down_never_fails_the_clear(
    store: peewee.Database, tmp_path: Path
) -> None:
    port = free_port()  # nothing listens here yet
    with disk_and_flow(tmp_path) as (_disk, c, _ctx):
        ctx = ClearingContext(client=c, settings=_mailing(tmp_path, f"smtp://127.0.0.1:{port}"),
                              now=lambda: NOW, backup_passphrase=PASSPHRASE)  # fmt: skip
        outcome = execute(BOSS, BOSS, ctx, ready(ctx))
        for mailer in ctx.mailers:
            mailer.join(20)
    assert outcome.all_ok and ClearRun.get().state == RunState.DONE
    status = mail_status()
    assert status.failing and status.last_error  # recorded, to be retried
    with MailServer("smtp", port) as mail:
        report = deliver_pending(ctx.settings, now=dt.datetime.now() + dt.timedelta(hours=1))
        assert report.sent == 1 and len(mail.inbox.mails) == 1
