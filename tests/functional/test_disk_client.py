"""The typed client over a real pty and TCP: every command's result typed (Decimal, date),
every refusal a typed error with the disk's Chinese message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from devices.client import ClearKind, Progress, TxnProgress, TypeState
from devices.errors import (
    BadReply,
    DiskError,
    NotLoggedIn,
    NotReported,
    OfflinePending,
    OutsideWindow,
    PinLocked,
    TxnConflict,
    TypeLocked,
    WrongPin,
)
from tests.support.disk import PIN, client, serve


@pytest.mark.parametrize("transport", ["pty", "tcp"])
def test_every_command_returns_typed_results(transport: str) -> None:
    with serve("report_due", transport=transport) as (disk, server), client(server.url) as c:
        info = c.hello()
        assert (info.protocol, info.device_id, info.taxpayer_name) == (
            1, "661620039941", "北京某某商贸有限公司")  # fmt: skip
        assert c.login(PIN).tries_left == 5
        status = c.status()
        assert status.clock == dt.datetime(2026, 12, 3, 10, 0, tzinfo=status.clock.tzinfo)
        assert status.clock.utcoffset() == dt.timedelta(hours=8)
        assert (status.period, status.logged_in, status.busy, status.offline_pending) == (
            "2026-12", True, None, 2)  # fmt: skip
        first = status.types[0]
        assert first.state is TypeState.REPORT_DUE and first.deadline == dt.date(2026, 12, 15)
        assert first.window == (dt.date(2026, 12, 1), dt.date(2026, 12, 15))
        assert first.single_limit == Decimal("100000.00")

        page = c.invoices(0, 5)
        assert len(page.invoices) == 5 and page.last_seq == status.last_invoice_seq
        inv = page.invoices[0]
        wire = disk.state.invoices[0]
        assert (inv.seq, inv.number, inv.amount, inv.total, inv.date) == (
            wire["seq"], wire["number"], Decimal(wire["amount"]), Decimal(wire["total"]),
            dt.date.fromisoformat(wire["date"]))  # fmt: skip
        assert isinstance(inv.tax, Decimal)

        summary = c.summary("2026-11")
        assert len(summary.offline) == 2 and {t.type for t in summary.types} == {
            "004", "007", "026", "028"}  # fmt: skip
        assert all(isinstance(t.amount, Decimal) for t in summary.types)

        with pytest.raises(OfflinePending) as refused:
            c.report("2026-11", "r-1")
        assert refused.value.message == "存在未上传的离线发票"
        seen: list[Progress] = []
        uploaded = c.upload(summary.offline, progress=seen.append)
        assert uploaded.uploaded == summary.offline and uploaded.failed == ()
        assert seen and seen[0].stage == "上传离线发票" and seen[0].total >= 1

        with pytest.raises(NotReported):
            c.clear("2026-11", ClearKind.ORDINARY, "c-0")
        report = c.report("2026-11", "r-1")
        assert report.txn == "r-1" and all(r.ok for r in report.results)
        cleared = c.clear("2026-11", ClearKind.ORDINARY, "c-1")
        assert {r.deadline for r in cleared.results} == {dt.date(2027, 1, 15)}
        with pytest.raises(TxnConflict):
            c.clear("2026-11", ClearKind.SPECIFIC, "c-1", types=["004"])
        txn = c.txn("c-1")
        assert (txn.cmd, txn.state, txn.results) == ("CLEAR", TxnProgress.DONE, cleared.results)
        assert c.txn("nope").state is TxnProgress.UNKNOWN

        log = c.log()
        assert [e.op for e in log] == ["LOGIN", "UPLOAD", "REPORT", "CLEAR"]
        assert log[-1].txn == "c-1" and log[-1].ok and log[-1].time.tzinfo is not None
        service = c.service()
        assert service.reachable and service.latency_ms == 35
        assert c.sim(service=False)["pin_tries_left"] == 5
        assert c.service().reachable is False

        c.logout()
        with pytest.raises(NotLoggedIn) as no_login:
            c.invoices(0)
        assert no_login.value.message == "请先登录税控盘"


def test_refusals_are_typed_and_carry_the_disks_words() -> None:
    with serve("locked") as (_, server), client(server.url) as c:
        with pytest.raises(WrongPin) as wrong:
            c.login("0000")
        assert wrong.value.tries_left == 4 and wrong.value.code == "E_PIN"
        c.login(PIN)
        with pytest.raises(TypeLocked) as locked:
            c.clear("2026-11", ClearKind.ORDINARY, "x")
        assert str(locked.value) == "税控盘已锁死，请使用特殊清卡"
        with pytest.raises(OutsideWindow):
            c.report("2026-11", "y")
        with pytest.raises(DiskError) as bad:
            c.clear("2026-11", ClearKind.SPECIAL, "z")  # no reason given
        assert bad.value.code == "E_BAD_REQUEST"
    with serve("pin_locked") as (_, server), client(server.url) as c, pytest.raises(PinLocked):
        c.login(PIN)


def test_a_reply_without_the_promised_fields_is_a_bad_reply() -> None:
    with serve("issuing") as (disk, server), client(server.url) as c:
        disk.answer_with(
            "STATUS", lambda body: {"clock": "2026-11-22T10:00:00", "period": "2026-11"}
        )
        with pytest.raises(BadReply) as info:
            c.status()
        assert "税控盘回复格式错误" in str(info.value)
        disk.answer_with("SERVICE", lambda body: {"reachable": "yes"})
        with pytest.raises(BadReply):
            c.service()
        assert c.hello().device_id == "661620039941"  # the link is still in step
