"""The simulated disk: every command, state, error code and rule of PROTOCOL.md.

Transport-free: ``receive`` takes a request frame and its raw bytes and answers through
``outbox`` (set by the server). Long commands (REPORT, CLEAR, UPLOAD) run on a worker thread
that sends ``!PROGRESS`` every ``progress_interval`` seconds, so the reader keeps answering
STATUS, HELLO and TXN (and E_BUSY to the rest) meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import time
from bisect import bisect_right
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from devices.frames import (
    MAX_FRAME,
    ErrorReply,
    Event,
    JsonObject,
    RawJson,
    Reply,
    Request,
    dump_json,
    encode,
)
from devices.simulator.faults import FaultPlan
from devices.simulator.scenarios import add_invoices, void_invoice
from devices.simulator.state import SimState, StateFile, TypeRecord
from storage.rules.money import format_money

log = logging.getLogger(__name__)

MEMORY = 16  # replies remembered by SEQ
LOGIN_IDLE = dt.timedelta(minutes=30)
PIN_TRIES = 5
LONG_COMMANDS = frozenset({"REPORT", "CLEAR", "UPLOAD"})
ALWAYS_ANSWERED = frozenset({"STATUS", "HELLO", "TXN"})
AUTH_COMMANDS = frozenset({"INVOICES", "SUMMARY", "UPLOAD", "REPORT", "CLEAR", "LOG"})
_PERIOD = re.compile(r"\d{4}-(0[1-9]|1[0-2])\Z")

ERROR_TEXT = {
    "E_UNKNOWN_CMD": "不支持的命令",
    "E_BAD_REQUEST": "请求参数错误",
    "E_AUTH": "请先登录税控盘",
    "E_PIN": "口令错误，还可尝试 {n} 次",
    "E_PIN_LOCKED": "口令已锁定，请到税务机关解锁",
    "E_BUSY": "税控盘正忙",
    "E_WINDOW": "当前处于非征期",
    "E_OFFLINE_PENDING": "存在未上传的离线发票",
    "E_NOT_REPORTED": "未上报汇总，无法清卡",
    "E_NOT_FILED": "本期申报未完成，无法清卡",
    "E_LOCKED": "税控盘已锁死，请使用特殊清卡",
    "E_NETWORK": "无法连接税务服务器",
    "E_TXN_CONFLICT": "交易号冲突",
    "E_INTERNAL": "税控盘内部错误",
}

#: How a short command is answered: its request body in, its reply body out (or ``Refusal``).
Handler = Callable[[JsonObject], JsonObject]

STAGES = {"REPORT": "上报汇总", "CLEAR": "清卡", "UPLOAD": "上传离线发票"}


class Refusal(Exception):
    """A request the disk answers with ``ERR code``."""

    def __init__(self, code: str, detail: str = "", **fields: Any) -> None:
        message = ERROR_TEXT[code].format(n=fields.get("tries_left", 0))
        super().__init__(f"{message}：{detail}" if detail else message)
        self.code = code
        self.fields = fields


@dataclass
class _Running:
    seq: int
    raw: bytes
    cmd: str
    txn: str


# -- periods and windows -----------------------------------------------------------------


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def next_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def window_of(period: str, end_day: int = 15) -> tuple[dt.date, dt.date]:
    """The reporting window of ``period``: the 1st to the ``end_day`` (the 15th unless the
    simulator is told otherwise) of the following month. A day past that month's end runs on
    into the next one (as a holiday extension does), so a window opened on a month's last
    days still leaves days to clear in."""
    following = next_period(period)
    start = dt.date(int(following[:4]), int(following[5:]), 1)
    return start, start + dt.timedelta(days=max(1, end_day) - 1)


def type_state(rec: TypeRecord, today: dt.date, end_day: int = 15) -> str:
    if rec.open_period >= period_of(today):
        return "issuing"
    if today > window_of(rec.open_period, end_day)[1]:
        return "locked"
    return "reported" if rec.reported else "report_due"


# -- request fields ----------------------------------------------------------------------


def _field_int(body: JsonObject, key: str, default: int | None = None, lo: int = 0,
               hi: int = 2**31) -> int:  # fmt: skip
    value = body.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or not lo <= value <= hi:
        raise Refusal("E_BAD_REQUEST", key)
    return value


def _field_str(body: JsonObject, key: str, *, required: bool = True) -> str:
    value = body.get(key, None if required else "")
    if not isinstance(value, str) or (required and not value):
        raise Refusal("E_BAD_REQUEST", key)
    return value


def _field_period(body: JsonObject) -> str:
    period = _field_str(body, "period")
    if not _PERIOD.match(period):
        raise Refusal("E_BAD_REQUEST", "period")
    return period


def _field_strings(body: JsonObject, key: str) -> list[str]:
    value = body.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Refusal("E_BAD_REQUEST", key)
    return value


class Disk:
    def __init__(
        self,
        state: SimState,
        store: StateFile | None = None,
        *,
        long_seconds: float = 2.0,
        progress_interval: float = 0.25,
        faults: FaultPlan | None = None,
    ) -> None:
        self.state = state
        self.store = store or StateFile(None)
        self.long_seconds = long_seconds
        self.progress_interval = progress_interval
        self.faults = faults or FaultPlan()
        self.outbox: Callable[[bytes], None] = lambda frame: None
        self.executions: Counter[str] = Counter()  # commands actually run (not from memory)
        self.requests_seen = 0
        self._lock = threading.RLock()
        self._memory: OrderedDict[int, tuple[bytes, bytes]] = OrderedDict()
        self._running: _Running | None = None
        self._worker: threading.Thread | None = None
        self._logged_in = False
        self._last_request: dt.datetime | None = None
        self._answered_by: dict[str, Handler] = {}  # commands a fault answers instead

    # -- the link side -------------------------------------------------------------------

    def receive(self, request: Request, raw: bytes) -> None:
        """Handle one request frame (``raw`` is its exact bytes, CR LF included)."""
        with self._lock:
            self.requests_seen += 1
            running = self._running
            if running is not None and running.seq == request.seq and running.raw == raw:
                return  # the app resent the running request: its PROGRESS keeps flowing
            remembered = self._memory.get(request.seq)
            if remembered is not None and remembered[0] == raw:
                self._send(remembered[1])
                return
            if running is not None and request.cmd not in ALWAYS_ANSWERED:
                self._answer(request, raw, self._error(request.seq, Refusal("E_BUSY")))
                return
            self.executions[request.cmd] += 1
            try:
                reply = self._execute(request, raw)
            except Refusal as refusal:
                reply = self._error(request.seq, refusal)
            except Exception:  # a bug in the simulator must still answer the app
                log.exception("simulator failed on %s", request.cmd)
                reply = self._error(request.seq, Refusal("E_INTERNAL"))
            if reply is not None:
                self._answer(request, raw, reply)

    def _answer(self, request: Request, raw: bytes, reply: bytes) -> None:
        self._memory[request.seq] = (raw, reply)
        self._memory.move_to_end(request.seq)
        while len(self._memory) > MEMORY:
            self._memory.popitem(last=False)
        self._send(reply)

    def _send(self, frame: bytes) -> None:
        self.outbox(frame)

    @staticmethod
    def _error(seq: int, refusal: Refusal) -> bytes:
        return encode(ErrorReply(seq, refusal.code, {"message": str(refusal), **refusal.fields}))

    def power_cycle(self) -> None:
        """Forget the login, the reply memory and any running command, as a real disk would."""
        with self._lock:
            self._logged_in = False
            self._memory.clear()
            self._running = None

    @property
    def busy(self) -> bool:
        return self._running is not None

    def wait_idle(self, timeout: float = 10.0) -> bool:
        worker = self._worker
        if worker is not None:
            worker.join(timeout)
        return self._running is None

    # -- commands ------------------------------------------------------------------------

    def _execute(self, request: Request, raw: bytes) -> bytes | None:
        now = self.state.now()
        if self._logged_in and self._last_request and now - self._last_request > LOGIN_IDLE:
            self._logged_in = False
        self._last_request = now
        cmd, body = request.cmd, request.body
        if cmd in AUTH_COMMANDS and not self._logged_in:
            raise Refusal("E_AUTH")
        if cmd in LONG_COMMANDS:
            return self._start_long(request, raw)
        handler = self._handler(cmd)
        if handler is None:
            raise Refusal("E_UNKNOWN_CMD", cmd)
        result: JsonObject = handler(body)
        return encode(Reply(request.seq, result))

    def _handler(self, cmd: str) -> Handler | None:
        handler: Handler | None = self._answered_by.get(cmd)
        return handler or getattr(self, f"_cmd_{cmd.lower()}", None)

    def answer_with(self, cmd: str, handler: Handler) -> Handler:
        """From now on the short command ``cmd`` is answered by ``handler``: a disk with a
        fault (a reply missing fields, a restart mid-sync). Returns the handler it replaces, so
        a fault can still give the real answer."""
        replaced = self._handler(cmd)
        if replaced is None:
            raise ValueError(f"no short command {cmd}")
        self._answered_by[cmd] = handler
        return replaced

    def _cmd_hello(self, body: JsonObject) -> JsonObject:
        s = self.state
        return {"protocol": 1, "device_id": s.device_id, "model": s.model,
                "firmware": s.firmware, "taxpayer_id": s.taxpayer_id,
                "taxpayer_name": s.taxpayer_name}  # fmt: skip

    def _cmd_login(self, body: JsonObject) -> JsonObject:
        pin = _field_str(body, "pin")
        s = self.state
        if s.pin_tries_left <= 0:
            self._log("LOGIN", False, "口令已锁定")
            raise Refusal("E_PIN_LOCKED", tries_left=0)
        if pin != s.pin:
            s.pin_tries_left -= 1
            self._log("LOGIN", False, f"口令错误，剩余 {s.pin_tries_left} 次")
            self._save()
            if s.pin_tries_left == 0:
                raise Refusal("E_PIN_LOCKED", tries_left=0)
            raise Refusal("E_PIN", tries_left=s.pin_tries_left)
        s.pin_tries_left = PIN_TRIES
        self._logged_in = True
        self._log("LOGIN", True, "")
        self._save()
        return {"tries_left": s.pin_tries_left}

    def _cmd_logout(self, body: JsonObject) -> JsonObject:
        self._logged_in = False
        return {}

    def _cmd_status(self, body: JsonObject) -> JsonObject:
        s = self.state
        now = s.now()
        running = self._running
        busy = None if running is None else {"cmd": running.cmd, "txn": running.txn,
                                             "seq": running.seq}  # fmt: skip
        return {
            "clock": now.isoformat(), "period": period_of(now.date()),
            "logged_in": self._logged_in, "busy": busy, "last_invoice_seq": s.last_seq,
            "offline_pending": len(s.offline),
            "types": [self._type_view(t, now.date()) for t in s.types],
        }  # fmt: skip

    def _type_view(self, rec: TypeRecord, today: dt.date) -> JsonObject:
        start, end = window_of(rec.open_period, self.state.window_end_day)
        return {
            "type": rec.type, "state": type_state(rec, today, self.state.window_end_day), "deadline": end.isoformat(),
            "window": [start.isoformat(), end.isoformat()], "last_report": rec.last_report,
            "stock": rec.stock, "single_limit": rec.single_limit,
            "offline_hours_left": rec.offline_hours_left,
            "offline_amount_left": rec.offline_amount_left,
        }  # fmt: skip

    def _cmd_invoices(self, body: JsonObject) -> JsonObject:
        after = _field_int(body, "after", 0)
        limit = _field_int(body, "limit", 200, lo=1, hi=500)
        s = self.state
        seqs = [r["seq"] for r in s.invoices]
        start = bisect_right(seqs, after)
        chosen: list[str] = []
        budget = MAX_FRAME - 200  # the rest of the frame: SEQ, OK, last_seq, CRC
        for rec in s.invoices[start : start + limit]:
            text = dump_json(rec)
            if chosen and budget - len(text.encode("utf-8")) - 1 < 0:
                break  # fewer than ``limit``: the frame must stay within 65,536 bytes
            budget -= len(text.encode("utf-8")) + 1
            chosen.append(text)
        # Built from the records' text so each record is serialised once.
        return RawJson(f'{{"last_seq":{s.last_seq},"invoices":[{",".join(chosen)}]}}')

    def _cmd_summary(self, body: JsonObject) -> JsonObject:
        period = _field_period(body)
        s = self.state
        today = s.now().date()
        in_period = [r for r in s.invoices if r["date"].startswith(period)]
        types = []
        for rec in s.types:
            mine = [r for r in in_period if r["type"] == rec.type]
            counted = [r for r in mine if r["status"] != "void"]
            types.append({
                "type": rec.type, "state": type_state(rec, today, self.state.window_end_day), "count": len(mine),
                "void": sum(r["status"] == "void" for r in mine),
                "red": sum(r["status"] == "red" for r in mine),
                "amount": format_money(sum((Decimal(r["amount"]) for r in counted), Decimal(0))),
                "tax": format_money(sum((Decimal(r["tax"]) for r in counted), Decimal(0))),
            })  # fmt: skip
        offline = [r["number"] for r in in_period if r["number"] in set(s.offline)]
        return {"period": period, "offline": offline, "types": types}

    def _cmd_txn(self, body: JsonObject) -> JsonObject:
        txn = _field_str(body, "txn")
        record = self.state.txns.get(txn)
        running = self._running
        if running is not None and running.txn == txn:
            return {"txn": txn, "cmd": running.cmd, "state": "running", "results": []}
        if record is None:
            return {"txn": txn, "cmd": "", "state": "unknown", "results": []}
        return {"txn": txn, "cmd": record["cmd"], "state": record["state"],
                "results": record["results"]}  # fmt: skip

    def _cmd_log(self, body: JsonObject) -> JsonObject:
        after = _field_int(body, "after", 0)
        limit = _field_int(body, "limit", 100, lo=1, hi=500)
        entries = [e for e in self.state.log if e["seq"] > after][:limit]
        return {"entries": entries}

    def _cmd_service(self, body: JsonObject) -> JsonObject:
        up = self.state.service_reachable
        return {"reachable": up, "latency_ms": 35 if up else None}

    def _cmd_sim(self, body: JsonObject) -> JsonObject:
        """Test and tool controls (PROTOCOL.md "SIM"); a real disk has no such command."""
        s = self.state
        if "clock" in body:
            try:
                when = dt.datetime.fromisoformat(_field_str(body, "clock"))
            except ValueError as exc:
                raise Refusal("E_BAD_REQUEST", "clock") from exc
            if when.tzinfo is None:
                raise Refusal("E_BAD_REQUEST", "clock")
            s.set_clock(when)
        if "advance" in body:
            seconds = body["advance"]
            if not isinstance(seconds, int | float) or isinstance(seconds, bool):
                raise Refusal("E_BAD_REQUEST", "advance")
            s.clock_offset += float(seconds)
        if "window_end_day" in body:
            s.window_end_day = _field_int(body, "window_end_day", lo=1, hi=31)
        if "not_filed" in body:
            s.not_filed = _field_strings(body, "not_filed")
        if "network_down" in body:
            s.network_down = _field_strings(body, "network_down")
        if "service" in body:
            s.service_reachable = bool(body["service"])
        if "pin_tries" in body:
            s.pin_tries_left = _field_int(body, "pin_tries", lo=0, hi=PIN_TRIES)
        if "long_seconds" in body:
            self.long_seconds = float(body["long_seconds"])
        if "issue" in body:
            count = _field_int(body, "issue", lo=1, hi=100_000)
            add_invoices(s, count, end=s.now().date(), days=1, seed=s.last_seq + 11)
        if "void" in body and void_invoice(s, _field_str(body, "void")) is None:
            raise Refusal("E_BAD_REQUEST", "void")
        if "offline" in body:
            numbers = _field_strings(body, "offline")
            s.offline = [n for n in numbers if any(r["number"] == n for r in s.invoices)]
            for r in s.invoices:
                r["uploaded"] = r["number"] not in s.offline
        if isinstance(body.get("faults"), dict):
            self.faults.update(body["faults"])
        if body.get("power_cycle"):
            self._logged_in = False
            self._memory.clear()
        self._save()
        return {"clock": s.now().isoformat(), "executions": dict(self.executions),
                "pin_tries_left": s.pin_tries_left}  # fmt: skip

    # -- long commands -------------------------------------------------------------------

    def _start_long(self, request: Request, raw: bytes) -> bytes | None:
        body = request.body
        if request.cmd == "UPLOAD":
            numbers = _field_strings(body, "numbers")
            params: JsonObject = {"numbers": numbers}
            txn = ""
            finish: Callable[[], JsonObject] = lambda: self._finish_upload(numbers)  # noqa: E731
        else:
            txn = _field_str(body, "txn")
            if request.cmd == "REPORT":
                params = {"period": _field_period(body)}
            else:
                params = self._clear_params(body)
            done = self.state.txns.get(txn)
            if done is not None:
                if done["cmd"] != request.cmd or done["params"] != params:
                    raise Refusal("E_TXN_CONFLICT")
                # Finished before: the same results, nothing changes.
                return encode(Reply(request.seq, {"txn": txn, "results": done["results"]}))
            if request.cmd == "REPORT":
                covered = self._check_report(params["period"])
                finish = lambda: self._finish_report(txn, params, covered)  # noqa: E731
            else:
                covered = self._check_clear(params)
                finish = lambda: self._finish_clear(txn, params, covered)  # noqa: E731
        self._running = _Running(request.seq, raw, request.cmd, txn)
        self._worker = threading.Thread(
            target=self._run_long, args=(request, raw, txn, finish), daemon=True,
            name=f"sim-{request.cmd.lower()}",
        )  # fmt: skip
        self._worker.start()
        return None

    def _run_long(self, request: Request, raw: bytes, txn: str,
                  finish: Callable[[], JsonObject]) -> None:  # fmt: skip
        steps = max(1, round(self.long_seconds / self.progress_interval))
        for done in range(steps):
            self._send(encode(Event("PROGRESS", {
                "seq": request.seq, "txn": txn, "done": done, "total": steps,
                "stage": STAGES[request.cmd],
            })))  # fmt: skip
            time.sleep(self.long_seconds / steps)
        with self._lock:
            if self._running is None or self._running.raw != raw:
                return  # power-cycled meanwhile: the command never finished
            try:
                reply = encode(Reply(request.seq, finish()))
            except Refusal as refusal:
                reply = self._error(request.seq, refusal)
            except Exception:
                log.exception("simulator failed finishing %s", request.cmd)
                reply = self._error(request.seq, Refusal("E_INTERNAL"))
            self._running = None
            self._answer(request, raw, reply)

    def _check_report(self, period: str) -> list[str]:
        s = self.state
        today = s.now().date()
        start, end = window_of(period, s.window_end_day)
        if not start <= today <= end:
            raise Refusal("E_WINDOW")
        if s.offline:
            raise Refusal("E_OFFLINE_PENDING")
        return [t.type for t in s.types
                if t.open_period == period and type_state(t, today, s.window_end_day) != "locked"]  # fmt: skip

    def _finish_report(self, txn: str, params: JsonObject, covered: list[str]) -> JsonObject:
        s = self.state
        today = s.now().date().isoformat()
        results = []
        for code in covered:
            rec = s.type_record(code)
            assert rec is not None
            if not s.service_reachable or code in s.network_down:
                results.append({"type": code, "ok": False, "error": "E_NETWORK",
                                "message": ERROR_TEXT["E_NETWORK"]})  # fmt: skip
                continue
            rec.reported = True
            rec.last_report = today
            results.append({"type": code, "ok": True})
        return self._close_txn("REPORT", txn, params, results)

    def _clear_params(self, body: JsonObject) -> JsonObject:
        kind = _field_str(body, "kind")
        if kind not in ("ordinary", "special", "specific", "annual"):
            raise Refusal("E_BAD_REQUEST", "kind")
        return {"period": _field_period(body), "kind": kind,
                "types": sorted(_field_strings(body, "types")),
                "reason": _field_str(body, "reason", required=False)}  # fmt: skip

    def _check_clear(self, params: JsonObject) -> list[str]:
        s = self.state
        today = s.now().date()
        period, kind, listed = params["period"], params["kind"], params["types"]
        known = {t.type for t in s.types}
        if any(code not in known for code in listed):
            raise Refusal("E_BAD_REQUEST", "types")
        pending = [t for t in s.types if t.open_period == period]
        if kind == "annual" and not period.endswith("-12"):
            raise Refusal("E_BAD_REQUEST", "period")
        if kind == "special":
            if not params["reason"].strip():
                raise Refusal("E_BAD_REQUEST", "reason")
            eligible = [t for t in pending
                        if type_state(t, today, s.window_end_day) == "locked" or t.clear_failed]  # fmt: skip
            chosen = [t for t in eligible if not listed or t.type in listed]
            if not chosen or (listed and len(chosen) != len(listed)):
                raise Refusal("E_BAD_REQUEST", "types")
            return [t.type for t in chosen]
        if kind == "specific":
            if not listed:
                raise Refusal("E_BAD_REQUEST", "types")
            pending = [t for t in pending if t.type in listed]
            if len(pending) != len(listed):
                raise Refusal("E_NOT_REPORTED")
        if not pending:
            raise Refusal("E_NOT_REPORTED")
        states = [type_state(t, today, s.window_end_day) for t in pending]
        if "locked" in states:
            raise Refusal("E_LOCKED")
        if any(state != "reported" for state in states):
            raise Refusal("E_NOT_REPORTED")
        return [t.type for t in pending]

    def _finish_clear(self, txn: str, params: JsonObject, covered: list[str]) -> JsonObject:
        s = self.state
        results: list[JsonObject] = []
        for code in covered:
            rec = s.type_record(code)
            assert rec is not None
            error = None
            if code in s.not_filed:
                error = "E_NOT_FILED"
            elif not s.service_reachable or code in s.network_down:
                error = "E_NETWORK"
            if error is not None:
                rec.clear_failed = True
                results.append({"type": code, "ok": False, "error": error,
                                "message": ERROR_TEXT[error]})  # fmt: skip
                continue
            rec.open_period = next_period(rec.open_period)
            rec.reported = False
            rec.clear_failed = False
            results.append({"type": code, "ok": True,
                            "deadline": window_of(rec.open_period, s.window_end_day)[1].isoformat()})  # fmt: skip
        if params["kind"] == "annual" and all(r["ok"] for r in results):
            s.closed_years.append(int(params["period"][:4]))
        return self._close_txn("CLEAR", txn, params, results)

    def _finish_upload(self, numbers: list[str]) -> JsonObject:
        s = self.state
        known = {r["number"] for r in s.invoices}
        uploaded, failed = [], []
        for number in numbers:
            if number not in known:
                failed.append({"number": number, "error": "E_BAD_REQUEST",
                               "message": "发票不存在"})  # fmt: skip
            elif not s.service_reachable:
                failed.append({"number": number, "error": "E_NETWORK",
                               "message": ERROR_TEXT["E_NETWORK"]})  # fmt: skip
            else:
                uploaded.append(number)
        s.offline = [n for n in s.offline if n not in uploaded]
        for r in s.invoices:
            if r["number"] in uploaded:
                r["uploaded"] = True
        self._log("UPLOAD", not failed, f"上传 {len(uploaded)} 张，失败 {len(failed)} 张")
        self._save()
        return {"uploaded": uploaded, "failed": failed}

    def _close_txn(self, cmd: str, txn: str, params: JsonObject,
                   results: list[JsonObject]) -> JsonObject:  # fmt: skip
        ok = all(r["ok"] for r in results)
        detail = "；".join(
            f"{r['type']} {'成功' if r['ok'] else r.get('message', '失败')}" for r in results
        )
        self.state.txns[txn] = {"cmd": cmd, "params": params, "state": "done", "results": results}
        self._log(cmd, ok, detail, txn)
        self._save()  # the effects and the finished txn reach the file together
        return {"txn": txn, "results": results}

    def _log(self, op: str, ok: bool, detail: str, txn: str = "") -> None:
        log_ = self.state.log
        log_.append({"seq": (log_[-1]["seq"] + 1) if log_ else 1,
                     "time": self.state.now().isoformat(), "op": op, "txn": txn, "ok": ok,
                     "detail": detail})  # fmt: skip

    def _save(self) -> None:
        self.store.save(self.state)
