"""The simulated disk keeps every rule of PROTOCOL.md: reply memory, E_BUSY, PROGRESS,
idempotent CLEAR, per-type states and windows, PIN tries, login expiry, its state file, and
exactly-once execution over a faulty pty or TCP link."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Mapping
from pathlib import Path

import pytest

from devices.client import ClearKind, TypeState
from devices.errors import DiskNotAnswering, WrongPin
from devices.frames import ErrorReply, Event, Reply, Request, decode, encode
from devices.link import Link
from devices.simulator import Disk, FaultPlan, StateFile, build
from tests.support.disk import PIN, client, serve


class Wire:
    """Talks to a ``Disk`` frame by frame, choosing SEQs, recording everything it sends."""

    def __init__(self, disk: Disk) -> None:
        self.disk = disk
        self.sent: list[tuple[float, Reply | ErrorReply | Event]] = []
        self._lock = threading.Lock()
        disk.outbox = self._collect

    def _collect(self, data: bytes) -> None:
        frame = decode(data[:-2])
        assert frame is not None and not isinstance(frame, Request)
        with self._lock:
            self.sent.append((time.monotonic(), frame))

    def send(self, seq: int, cmd: str, body: Mapping[str, object] | None = None) -> None:
        raw = encode(Request(seq, cmd, dict(body or {})))
        request = decode(raw[:-2])
        assert isinstance(request, Request)
        self.disk.receive(request, raw)

    def replies(self, seq: int) -> list[Reply | ErrorReply]:
        with self._lock:
            return [f for _, f in self.sent if isinstance(f, Reply | ErrorReply) and f.seq == seq]

    def ask(self, seq: int, cmd: str, body: Mapping[str, object] | None = None,
            timeout: float = 5.0) -> Reply | ErrorReply:  # fmt: skip
        before = len(self.replies(seq))
        self.send(seq, cmd, body)
        end = time.monotonic() + timeout
        while len(self.replies(seq)) == before:
            assert time.monotonic() < end, f"no reply to {cmd}"
            time.sleep(0.01)
        return self.replies(seq)[-1]


def _disk(scenario: str, **kwargs: object) -> Disk:
    return Disk(build(scenario, invoices=40), long_seconds=0.3, progress_interval=0.1,
                **kwargs)  # type: ignore[arg-type]  # fmt: skip


def _ok(reply: Reply | ErrorReply) -> dict[str, object]:
    assert isinstance(reply, Reply), reply
    return reply.body


def _err(reply: Reply | ErrorReply, code: str) -> str:
    assert isinstance(reply, ErrorReply) and reply.code == code, reply
    assert reply.message  # always a Chinese message for the clerk
    return reply.message


def _types(wire: Wire, seq: int) -> dict[str, dict[str, object]]:
    body = _ok(wire.ask(seq, "STATUS"))
    return {t["type"]: t for t in body["types"]}  # type: ignore[attr-defined]


# -- reply memory ------------------------------------------------------------------------


def test_same_seq_and_text_is_answered_again_not_executed_twice() -> None:
    wire = Wire(_disk("issuing"))
    first = wire.ask(10, "LOGIN", {"pin": "00000000"})
    again = wire.ask(10, "LOGIN", {"pin": "00000000"})
    assert _err(first, "E_PIN") == "口令错误，还可尝试 4 次"
    assert again == first and wire.disk.executions["LOGIN"] == 1
    assert wire.disk.state.pin_tries_left == 4  # one try used, not two
    # Same SEQ, other text: a new request.
    _ok(wire.ask(10, "LOGIN", {"pin": PIN}))
    assert wire.disk.executions["LOGIN"] == 2 and wire.disk.state.pin_tries_left == 5


def test_only_the_last_sixteen_replies_are_remembered() -> None:
    wire = Wire(_disk("issuing"))
    wire.ask(1, "SIM", {"advance": 60})
    for seq in range(2, 18):
        wire.ask(seq, "HELLO")
    wire.ask(1, "SIM", {"advance": 60})  # forgotten by now: runs again
    assert wire.disk.executions["SIM"] == 2
    wire.ask(17, "HELLO")
    assert wire.disk.executions["HELLO"] == 16


# -- long commands: busy, progress, idempotent clear ----------------------------------------


def test_during_a_long_command_only_status_hello_txn_are_answered() -> None:
    disk = _disk("reported")
    disk.long_seconds = 1.5
    wire = Wire(disk)
    _ok(wire.ask(1, "LOGIN", {"pin": PIN}))
    clear = {"period": "2026-11", "kind": "ordinary", "types": [], "txn": "t-1", "reason": ""}
    started = time.monotonic()
    wire.send(2, "CLEAR", clear)
    status = _ok(wire.ask(3, "STATUS"))
    assert status["busy"] == {"cmd": "CLEAR", "txn": "t-1", "seq": 2}
    _ok(wire.ask(4, "HELLO"))
    assert _ok(wire.ask(5, "TXN", {"txn": "t-1"}))["state"] == "running"
    _err(wire.ask(6, "INVOICES", {"after": 0, "limit": 10}), "E_BUSY")
    _err(wire.ask(7, "CLEAR", clear), "E_BUSY")  # same txn, new SEQ: busy, not run twice
    wire.send(2, "CLEAR", clear)  # the app resending the running request: ignored
    while not wire.replies(2):
        time.sleep(0.02)
    assert time.monotonic() - started >= 1.4
    assert len(wire.replies(2)) == 1 and _ok(wire.replies(2)[0])["txn"] == "t-1"
    progress = [(at, f) for at, f in wire.sent if isinstance(f, Event) and f.name == "PROGRESS"]
    times = [started] + [at for at, _ in progress] + [time.monotonic()]
    assert max(b - a for a, b in itertools.pairwise(times)) < 1.0  # ≥ 1 per second
    assert all(f.body["seq"] == 2 and f.body["stage"] == "清卡" for _, f in progress)
    assert disk.executions["CLEAR"] == 1


def test_clear_is_idempotent_per_txn_and_moves_the_deadline_once() -> None:
    wire = Wire(_disk("reported"))
    _ok(wire.ask(1, "LOGIN", {"pin": PIN}))
    before = _types(wire, 2)
    assert {t["state"] for t in before.values()} == {"reported"}
    assert before["004"]["deadline"] == "2026-12-15"
    clear = {"period": "2026-11", "kind": "ordinary", "types": [], "txn": "t-9", "reason": ""}
    first = _ok(wire.ask(3, "CLEAR", clear))
    again = _ok(wire.ask(4, "CLEAR", clear))  # a new SEQ: the disk recognises the txn
    assert first == again
    assert all(r["ok"] and r["deadline"] == "2027-01-15" for r in first["results"])  # type: ignore[attr-defined]
    after = _types(wire, 5)
    assert {t["state"] for t in after.values()} == {"issuing"}
    assert after["004"]["deadline"] == "2027-01-15"  # moved once, not twice
    _err(wire.ask(6, "CLEAR", {**clear, "kind": "specific", "types": ["004"]}), "E_TXN_CONFLICT")
    log = _ok(wire.ask(7, "LOG", {"after": 0, "limit": 100}))["entries"]
    assert [e["op"] for e in log].count("CLEAR") == 1  # type: ignore[attr-defined]
    assert _ok(wire.ask(8, "TXN", {"txn": "t-9"}))["results"] == first["results"]
    assert _ok(wire.ask(9, "TXN", {"txn": "never"}))["state"] == "unknown"


# -- states, windows, rules ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("scenario", "state", "deadline"),
    [("issuing", "issuing", "2026-12-15"), ("report_due", "report_due", "2026-12-15"),
     ("reported", "reported", "2026-12-15"), ("locked", "locked", "2026-12-15")],
)  # fmt: skip
def test_each_scenario_shows_its_state(scenario: str, state: str, deadline: str) -> None:
    wire = Wire(_disk(scenario))
    body = _ok(wire.ask(1, "STATUS"))
    assert body["logged_in"] is False and body["busy"] is None
    assert body["last_invoice_seq"] == max(r["seq"] for r in wire.disk.state.invoices)
    for t in body["types"]:  # type: ignore[attr-defined]
        assert (t["state"], t["deadline"], t["window"]) == (state, deadline,
                                                            ["2026-12-01", "2026-12-15"])  # fmt: skip
    assert body["offline_pending"] == (2 if scenario == "report_due" else 0)


def test_report_rules_window_offline_then_reported() -> None:
    wire = Wire(_disk("report_due"))
    _err(wire.ask(1, "REPORT", {"period": "2026-11", "txn": "r"}), "E_AUTH")
    _ok(wire.ask(2, "LOGIN", {"pin": PIN}))
    _err(wire.ask(3, "REPORT", {"period": "2026-11", "txn": "r"}), "E_OFFLINE_PENDING")
    offline = _ok(wire.ask(4, "SUMMARY", {"period": "2026-11"}))["offline"]
    assert len(offline) == 2  # type: ignore[arg-type]
    assert _ok(wire.ask(5, "UPLOAD", {"numbers": offline}))["uploaded"] == offline
    _err(wire.ask(6, "REPORT", {"period": "2026-10", "txn": "r0"}), "E_WINDOW")
    _err(wire.ask(7, "CLEAR", {"period": "2026-11", "kind": "ordinary", "types": [],
                               "txn": "c0", "reason": ""}), "E_NOT_REPORTED")  # fmt: skip
    results = _ok(wire.ask(8, "REPORT", {"period": "2026-11", "txn": "r"}))["results"]
    assert all(r["ok"] for r in results)  # type: ignore[attr-defined]
    assert {t["state"] for t in _types(wire, 9).values()} == {"reported"}
    wire.ask(10, "SIM", {"clock": "2026-12-16T09:00:00+08:00"})
    assert {t["state"] for t in _types(wire, 11).values()} == {"locked"}  # past the deadline


def test_clear_kinds_and_per_type_failures() -> None:
    wire = Wire(_disk("locked"))
    _ok(wire.ask(1, "LOGIN", {"pin": PIN}))
    base = {"period": "2026-11", "types": [], "reason": ""}
    _err(wire.ask(2, "CLEAR", {**base, "kind": "ordinary", "txn": "a"}), "E_LOCKED")
    _err(wire.ask(3, "CLEAR", {**base, "kind": "special", "txn": "b"}), "E_BAD_REQUEST")
    _err(wire.ask(4, "CLEAR", {**base, "kind": "annual", "txn": "c"}), "E_BAD_REQUEST")
    wire.ask(5, "SIM", {"not_filed": ["007"]})
    special = {**base, "kind": "special", "txn": "d", "reason": "逾期未清卡"}
    results = {r["type"]: r for r in _ok(wire.ask(6, "CLEAR", special))["results"]}  # type: ignore[attr-defined]
    assert results["007"] == {"type": "007", "ok": False, "error": "E_NOT_FILED",
                              "message": "本期申报未完成，无法清卡"}  # fmt: skip
    assert results["004"]["ok"] and results["004"]["deadline"] == "2027-01-15"
    states = {k: t["state"] for k, t in _types(wire, 7).items()}
    assert states == {"004": "issuing", "007": "locked", "026": "issuing", "028": "issuing"}
    wire.ask(8, "SIM", {"not_filed": []})
    again = {**special, "txn": "e", "types": ["007"]}
    assert _ok(wire.ask(9, "CLEAR", again))["results"] == [
        {"type": "007", "ok": True, "deadline": "2027-01-15"}]  # fmt: skip


def test_specific_clear_clears_only_the_listed_types() -> None:
    wire = Wire(_disk("reported"))
    _ok(wire.ask(1, "LOGIN", {"pin": PIN}))
    base = {"period": "2026-11", "reason": "", "kind": "specific"}
    _err(wire.ask(2, "CLEAR", {**base, "types": [], "txn": "s0"}), "E_BAD_REQUEST")
    body = _ok(wire.ask(3, "CLEAR", {**base, "types": ["026"], "txn": "s1"}))
    assert [r["type"] for r in body["results"]] == ["026"]  # type: ignore[attr-defined]
    states = {k: t["state"] for k, t in _types(wire, 4).items()}
    assert states == {"004": "reported", "007": "reported", "026": "issuing", "028": "reported"}


def test_pin_tries_run_out_and_lock() -> None:
    wire = Wire(_disk("issuing"))
    tries = [wire.ask(seq, "LOGIN", {"pin": "1111"}) for seq in range(1, 6)]
    assert [r.body.get("tries_left") for r in tries] == [4, 3, 2, 1, 0]
    assert [r.code for r in tries] == ["E_PIN"] * 4 + ["E_PIN_LOCKED"]  # type: ignore[union-attr]
    _err(wire.ask(6, "LOGIN", {"pin": PIN}), "E_PIN_LOCKED")  # even the right one now
    assert _err(Wire(_disk("pin_locked")).ask(1, "LOGIN", {"pin": PIN}), "E_PIN_LOCKED") == (
        "口令已锁定，请到税务机关解锁")  # fmt: skip


def test_login_expires_after_thirty_idle_minutes_and_on_logout() -> None:
    wire = Wire(_disk("issuing"))
    _ok(wire.ask(1, "LOGIN", {"pin": PIN}))
    wire.ask(2, "SIM", {"advance": 29 * 60})
    _ok(wire.ask(3, "LOG", {"after": 0, "limit": 5}))
    wire.ask(4, "SIM", {"advance": 31 * 60})
    _err(wire.ask(5, "LOG", {"after": 0, "limit": 5}), "E_AUTH")
    _ok(wire.ask(6, "LOGIN", {"pin": PIN}))
    _ok(wire.ask(7, "LOGOUT"))
    assert _ok(wire.ask(8, "STATUS"))["logged_in"] is False


def test_bad_and_unknown_requests() -> None:
    wire = Wire(_disk("issuing"))
    assert _err(wire.ask(1, "FORMAT"), "E_UNKNOWN_CMD").startswith("不支持的命令")
    _ok(wire.ask(2, "LOGIN", {"pin": PIN}))
    _err(wire.ask(3, "INVOICES", {"after": 0, "limit": 501}), "E_BAD_REQUEST")
    _err(wire.ask(4, "SUMMARY", {"period": "2026-13"}), "E_BAD_REQUEST")
    _err(wire.ask(5, "LOGIN", {}), "E_BAD_REQUEST")


def test_summary_counts_void_and_red_and_sums_what_is_not_void() -> None:
    from decimal import Decimal

    disk = _disk("reported")
    wire = Wire(disk)
    _ok(wire.ask(1, "LOGIN", {"pin": PIN}))
    body = _ok(wire.ask(2, "SUMMARY", {"period": "2026-11"}))
    records = [r for r in disk.state.invoices if r["date"].startswith("2026-11")]
    for t in body["types"]:  # type: ignore[attr-defined]
        mine = [r for r in records if r["type"] == t["type"]]
        assert t["count"] == len(mine)
        assert t["void"] == sum(r["status"] == "void" for r in mine)
        assert t["red"] == sum(r["status"] == "red" for r in mine)
        assert Decimal(t["amount"]) == sum(Decimal(r["amount"]) for r in mine
                                           if r["status"] != "void")  # fmt: skip
    assert sum(t["void"] for t in body["types"]) >= 1  # type: ignore[attr-defined]


def test_invoice_pages_stay_within_the_frame_limit() -> None:
    disk = Disk(build("issuing", invoices=600), long_seconds=0.3)
    wire = Wire(disk)
    _ok(wire.ask(1, "LOGIN", {"pin": PIN}))
    page = _ok(wire.ask(2, "INVOICES", {"after": 0, "limit": 500}))
    assert 0 < len(page["invoices"]) < 500  # type: ignore[arg-type]
    assert len(encode(Reply(2, page))) <= 65536


def test_state_file_survives_a_restart_and_forgets_what_power_loss_forgets(tmp_path: Path) -> None:
    path = tmp_path / "disk.json"
    store = StateFile(path)
    disk = Disk(build("reported", invoices=20), store, long_seconds=0.2, progress_interval=0.1)
    wire = Wire(disk)
    _ok(wire.ask(1, "LOGIN", {"pin": PIN}))
    wire.ask(2, "CLEAR", {"period": "2026-11", "kind": "ordinary", "types": [], "txn": "k",
                          "reason": ""})  # fmt: skip
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["txns"]["k"]["state"] == "done"
    assert not list(tmp_path.glob(".sim-*"))  # the temporary file was renamed into place
    reborn = Wire(Disk(store.load()))
    assert {t["state"] for t in _types(reborn, 2).values()} == {"issuing"}
    assert _ok(reborn.ask(3, "TXN", {"txn": "k"}))["state"] == "done"
    _err(reborn.ask(4, "LOG", {"after": 0, "limit": 5}), "E_AUTH")  # power cycle: logged out


# -- over a real link, with faults -----------------------------------------------------------


def _clear_once(url: str, disk: Disk, **link_options: object) -> None:
    with client(url, **link_options) as c:
        c.login(PIN)
        result = c.clear("2026-11", ClearKind.ORDINARY, "txn-faulty")
        assert [r.ok for r in result.results] == [True] * 4
        assert {t.state for t in c.status().types} == {TypeState.ISSUING}
        assert [e.op for e in c.log()].count("CLEAR") == 1
    assert disk.executions["CLEAR"] == 1
    assert {t.open_period for t in disk.state.types} == {"2026-12"}  # moved once


@pytest.mark.parametrize("transport", ["pty", "tcp"])
def test_a_clear_over_a_noisy_link_runs_exactly_once(transport: str) -> None:
    faults = FaultPlan(corrupt_rate=0.15, drop_rate=0.2, duplicate_rate=0.2, seed=3)
    with serve("reported", transport=transport, faults=faults) as (disk, server):
        _clear_once(server.url, disk, reply_timeout=0.3)
    assert faults.corrupted and faults.dropped and faults.duplicated  # the faults happened


def test_every_command_completes_with_one_percent_corruption_and_real_timeouts() -> None:
    faults = FaultPlan(corrupt_rate=0.01, drop_rate=0.05, duplicate_rate=0.05, seed=11)
    with serve("report_due", faults=faults, invoices=150) as (disk, server):
        with client(server.url) as c:
            c.hello()
            c.login(PIN)
            assert sum(len(p.invoices) for p in c.invoice_pages(0)) == len(disk.state.invoices)
            offline = c.summary("2026-11").offline
            assert c.upload(offline).uploaded == offline
            assert all(r.ok for r in c.report("2026-11", "r-1").results)
            assert all(r.ok for r in c.clear("2026-11", ClearKind.ORDINARY, "c-1").results)
            assert c.service().reachable
        counts = disk.executions
    assert (counts["UPLOAD"], counts["REPORT"], counts["CLEAR"], counts["LOGIN"]) == (1, 1, 1, 1)


def test_tcp_cut_in_the_middle_of_a_clear_reconnects_and_runs_it_once() -> None:
    faults = FaultPlan(disconnect_after=2)  # LOGIN, then the CLEAR: cut right after it starts
    with serve("reported", transport="tcp", faults=faults) as (disk, server):
        _clear_once(server.url, disk)
    assert faults.disconnects == 1


def test_pty_cable_pull_in_the_middle_of_a_clear_runs_it_once() -> None:
    faults = FaultPlan(disconnect_after=2, outage=1.5)
    with serve("reported", faults=faults) as (disk, server):
        _clear_once(server.url, disk)
    assert faults.disconnects == 1


def test_a_wrong_pin_is_sent_once_even_when_replies_are_lost() -> None:
    faults = FaultPlan(drop_rate=0.5, seed=7)  # this seed loses the first replies
    with serve("issuing", faults=faults) as (disk, server), client(server.url) as c:
        with pytest.raises(WrongPin) as info:
            c.login("12345678")
        assert info.value.tries_left == 4 and "还可尝试 4 次" in info.value.message
        assert disk.executions["LOGIN"] == 1 and disk.state.pin_tries_left == 4
        # Every lost reply cost one resend of the same frame, answered from the disk's memory.
        assert faults.dropped >= 1 and c.link.sent_frames == faults.dropped + 1
        assert [e["op"] for e in disk.state.log] == ["LOGIN"]


def test_a_login_whose_replies_all_vanish_is_executed_once_then_not_answering() -> None:
    faults = FaultPlan(drop_rate=1.0)
    with serve("issuing", faults=faults) as (disk, server):
        with client(server.url, reply_timeout=0.1) as c, pytest.raises(DiskNotAnswering):
            c.login("12345678")
        assert c.link.sent_frames == 6  # the same frame, resent five times
        assert disk.executions["LOGIN"] == 1 and disk.state.pin_tries_left == 4


def test_link_to_simulator_keeps_request_bytes_identical_on_resend() -> None:
    faults = FaultPlan(drop_rate=1.0)
    with serve("issuing", faults=faults) as (_, server):
        link = Link(server.url, reply_timeout=0.05, resends=2)
        link.open()
        try:
            with pytest.raises(DiskNotAnswering):
                link.request("STATUS")
        finally:
            link.close()
    assert link.sent_frames == 3
