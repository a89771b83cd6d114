"""A typed client for every command of PROTOCOL.md.

Replies become frozen dataclasses (money as ``Decimal``, dates as ``date``); ``ERR`` replies
become ``devices.errors.DiskError`` subclasses carrying the disk's Chinese message. The client
never repeats a request by itself: the link resends the *same* frame (the disk answers that
from memory), and a wrong PIN is reported, never retried.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from devices.errors import BadReply, disk_error
from devices.frames import ErrorReply, Event, JsonObject
from devices.link import EventHandler, Link
from devices.type_state import TypeState as TypeState  # its home for callers

INVOICE_PAGE_MAX = 500


class ClearKind(StrEnum):
    ORDINARY = "ordinary"  # 普通清卡
    SPECIAL = "special"  # 特殊清卡
    SPECIFIC = "specific"  # 专项清卡
    ANNUAL = "annual"  # 年度清卡


class TxnProgress(StrEnum):
    UNKNOWN = "unknown"
    RUNNING = "running"
    DONE = "done"


@dataclass(frozen=True)
class DiskInfo:
    protocol: int
    device_id: str
    model: str
    firmware: str
    taxpayer_id: str
    taxpayer_name: str


@dataclass(frozen=True)
class LoginResult:
    tries_left: int


@dataclass(frozen=True)
class BusyInfo:
    cmd: str
    txn: str
    seq: int | None


@dataclass(frozen=True)
class TypeStatus:
    type: str
    state: TypeState
    deadline: dt.date | None
    window: tuple[dt.date, dt.date] | None
    last_report: dt.date | None
    stock: int | None
    single_limit: Decimal | None
    offline_hours_left: int | None
    offline_amount_left: Decimal | None


@dataclass(frozen=True)
class DiskStatus:
    clock: dt.datetime
    period: str
    logged_in: bool
    busy: BusyInfo | None
    last_invoice_seq: int
    offline_pending: int
    types: tuple[TypeStatus, ...]


@dataclass(frozen=True)
class DiskInvoice:
    seq: int
    type: str  # the disk's three-digit code
    code: str
    number: str
    date: dt.date
    check_code: str
    buyer_name: str
    buyer_tax_id: str
    seller_name: str
    seller_tax_id: str
    amount: Decimal
    tax: Decimal
    total: Decimal
    rate: str
    status: str  # normal, void, red
    red_of: str | None
    uploaded: bool


@dataclass(frozen=True)
class InvoicePage:
    last_seq: int
    invoices: tuple[DiskInvoice, ...]


@dataclass(frozen=True)
class TypeSummary:
    type: str
    state: TypeState
    count: int
    void: int
    red: int
    amount: Decimal
    tax: Decimal


@dataclass(frozen=True)
class PeriodSummary:
    period: str
    offline: tuple[str, ...]
    types: tuple[TypeSummary, ...]


@dataclass(frozen=True)
class UploadFailure:
    number: str
    error: str
    message: str


@dataclass(frozen=True)
class UploadResult:
    uploaded: tuple[str, ...]
    failed: tuple[UploadFailure, ...]


@dataclass(frozen=True)
class TypeOutcome:
    """One type's result of a REPORT or CLEAR; ``deadline`` is the new one after a clear."""

    type: str
    ok: bool
    deadline: dt.date | None = None
    error: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class TxnResult:
    txn: str
    results: tuple[TypeOutcome, ...]


@dataclass(frozen=True)
class TxnInfo:
    txn: str
    cmd: str
    state: TxnProgress
    results: tuple[TypeOutcome, ...]


@dataclass(frozen=True)
class LogEntry:
    seq: int
    time: dt.datetime
    op: str
    txn: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class ServiceStatus:
    reachable: bool
    latency_ms: int | None


@dataclass(frozen=True)
class Progress:
    seq: int
    txn: str
    done: int
    total: int
    stage: str


ProgressHandler = Callable[[Progress], None]


# -- reading reply fields ----------------------------------------------------------------


def _get(body: JsonObject, key: str) -> Any:
    if key not in body:
        raise BadReply(f"missing {key!r}")
    return body[key]


def _str(body: JsonObject, key: str, default: str | None = None) -> str:
    if default is not None and body.get(key) is None:
        return default
    value = _get(body, key)
    if not isinstance(value, str):
        raise BadReply(f"{key!r} is not text")
    return value


def _opt_str(body: JsonObject, key: str) -> str | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadReply(f"{key!r} is not text")
    return value


def _int(body: JsonObject, key: str) -> int:
    value = _get(body, key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise BadReply(f"{key!r} is not a whole number")
    return value


def _opt_int(body: JsonObject, key: str) -> int | None:
    return None if body.get(key) is None else _int(body, key)


def _bool(body: JsonObject, key: str) -> bool:
    value = _get(body, key)
    if not isinstance(value, bool):
        raise BadReply(f"{key!r} is not true/false")
    return value


def _money(text: object, key: str) -> Decimal:
    if not isinstance(text, str):
        raise BadReply(f"{key!r} is not money text")
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise BadReply(f"{key!r} is not money: {text!r}") from exc
    if not value.is_finite() or value.as_tuple().exponent != -2:
        raise BadReply(f"{key!r} needs exactly two decimals: {text!r}")
    return value


def _opt_money(body: JsonObject, key: str) -> Decimal | None:
    return None if body.get(key) is None else _money(body[key], key)


def _date(text: object, key: str) -> dt.date:
    if not isinstance(text, str):
        raise BadReply(f"{key!r} is not a date")
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise BadReply(f"{key!r} is not a date: {text!r}") from exc


def _opt_date(body: JsonObject, key: str) -> dt.date | None:
    return None if body.get(key) is None else _date(body[key], key)


def _timestamp(body: JsonObject, key: str) -> dt.datetime:
    text = _get(body, key)
    try:
        value = dt.datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        value = None
    if value is None or value.tzinfo is None:
        raise BadReply(f"{key!r} is not a timestamp with offset: {text!r}")
    return value


def _objects(body: JsonObject, key: str) -> list[JsonObject]:
    value = _get(body, key)
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise BadReply(f"{key!r} is not a list of objects")
    return value


def _strings(body: JsonObject, key: str) -> tuple[str, ...]:
    value = _get(body, key)
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadReply(f"{key!r} is not a list of text")
    return tuple(value)


def _state(body: JsonObject) -> TypeState:
    try:
        return TypeState(_str(body, "state"))
    except ValueError as exc:
        raise BadReply(f"unknown state {body.get('state')!r}") from exc


def _type_status(body: JsonObject) -> TypeStatus:
    window = body.get("window")
    span: tuple[dt.date, dt.date] | None = None
    if window is not None:
        if not isinstance(window, list) or len(window) != 2:
            raise BadReply("'window' is not two dates")
        span = (_date(window[0], "window"), _date(window[1], "window"))
    return TypeStatus(
        type=_str(body, "type"), state=_state(body), deadline=_opt_date(body, "deadline"),
        window=span, last_report=_opt_date(body, "last_report"), stock=_opt_int(body, "stock"),
        single_limit=_opt_money(body, "single_limit"),
        offline_hours_left=_opt_int(body, "offline_hours_left"),
        offline_amount_left=_opt_money(body, "offline_amount_left"),
    )  # fmt: skip


def parse_status(body: JsonObject) -> DiskStatus:
    """A STATUS reply's body — asked for, or pushed by the device service — as ``DiskStatus``;
    ``BadReply`` if it is malformed."""
    busy_body = body.get("busy")
    busy = None
    if isinstance(busy_body, dict):
        busy = BusyInfo(cmd=_str(busy_body, "cmd"), txn=_str(busy_body, "txn", ""),
                        seq=_opt_int(busy_body, "seq"))  # fmt: skip
    return DiskStatus(
        clock=_timestamp(body, "clock"), period=_str(body, "period"),
        logged_in=_bool(body, "logged_in"), busy=busy,
        last_invoice_seq=_int(body, "last_invoice_seq"),
        offline_pending=_int(body, "offline_pending"),
        types=tuple(map(_type_status, _objects(body, "types"))),
    )  # fmt: skip


def parse_invoice(body: JsonObject) -> DiskInvoice:
    status = _str(body, "status")
    if status not in ("normal", "void", "red"):
        raise BadReply(f"unknown invoice status {status!r}")
    return DiskInvoice(
        seq=_int(body, "seq"), type=_str(body, "type"), code=_str(body, "code", ""),
        number=_str(body, "number"), date=_date(_get(body, "date"), "date"),
        check_code=_str(body, "check_code", ""), buyer_name=_str(body, "buyer_name", ""),
        buyer_tax_id=_str(body, "buyer_tax_id", ""), seller_name=_str(body, "seller_name", ""),
        seller_tax_id=_str(body, "seller_tax_id", ""),
        amount=_money(_get(body, "amount"), "amount"), tax=_money(_get(body, "tax"), "tax"),
        total=_money(_get(body, "total"), "total"), rate=_str(body, "rate", ""), status=status,
        red_of=_opt_str(body, "red_of"), uploaded=bool(body.get("uploaded", True)),
    )  # fmt: skip


def _outcome(body: JsonObject) -> TypeOutcome:
    return TypeOutcome(
        type=_str(body, "type"), ok=_bool(body, "ok"), deadline=_opt_date(body, "deadline"),
        error=_opt_str(body, "error"), message=_opt_str(body, "message"),
    )  # fmt: skip


def _txn_result(body: JsonObject) -> TxnResult:
    return TxnResult(txn=_str(body, "txn"), results=tuple(map(_outcome, _objects(body, "results"))))


def parse_progress(event: Event) -> Progress:
    body = event.body
    return Progress(seq=_int(body, "seq"), txn=_str(body, "txn", ""), done=_int(body, "done"),
                    total=_int(body, "total"), stage=_str(body, "stage", ""))  # fmt: skip


# -- the client --------------------------------------------------------------------------


class DiskClient:
    """Typed commands over one ``Link``. Not thread-safe beyond the link's own lock."""

    def __init__(self, link: Link) -> None:
        self.link = link

    @classmethod
    def connect(cls, url: str, **link_options: Any) -> DiskClient:
        link = Link(url, **link_options)
        link.open()
        return cls(link)

    def close(self) -> None:
        self.link.close()

    def __enter__(self) -> DiskClient:
        self.link.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, cmd: str, body: JsonObject | None = None,
              progress: EventHandler | None = None) -> JsonObject:  # fmt: skip
        reply = self.link.request(cmd, body or {}, progress=progress)
        if isinstance(reply, ErrorReply):
            raise disk_error(reply.code, reply.body)
        return reply.body

    @staticmethod
    def _progress(callback: ProgressHandler | None) -> EventHandler | None:
        if callback is None:
            return None

        def forward(event: Event) -> None:
            # A malformed PROGRESS still proved the disk alive; there is just nothing to show.
            with contextlib.suppress(BadReply):
                callback(parse_progress(event))

        return forward

    def hello(self) -> DiskInfo:
        body = self._call("HELLO")
        return DiskInfo(
            protocol=_int(body, "protocol"), device_id=_str(body, "device_id"),
            model=_str(body, "model", ""), firmware=_str(body, "firmware", ""),
            taxpayer_id=_str(body, "taxpayer_id", ""), taxpayer_name=_str(body, "taxpayer_name", ""),
        )  # fmt: skip

    def login(self, pin: str) -> LoginResult:
        """One LOGIN request, never repeated: a wrong PIN raises ``WrongPin`` (``tries_left``)."""
        body = self._call("LOGIN", {"pin": pin})
        return LoginResult(tries_left=_int(body, "tries_left"))

    def logout(self) -> None:
        self._call("LOGOUT")

    def status(self) -> DiskStatus:
        return parse_status(self._call("STATUS"))

    def invoices(self, after: int = 0, limit: int = 200) -> InvoicePage:
        limit = max(1, min(INVOICE_PAGE_MAX, limit))
        body = self._call("INVOICES", {"after": after, "limit": limit})
        return InvoicePage(last_seq=_int(body, "last_seq"),
                           invoices=tuple(map(parse_invoice, _objects(body, "invoices"))))  # fmt: skip

    def invoice_pages(self, after: int = 0, limit: int = INVOICE_PAGE_MAX) -> Iterator[InvoicePage]:
        """Every page of records after ``after``; a page may hold fewer than ``limit``."""
        while True:
            page = self.invoices(after, limit)
            if not page.invoices:
                return
            yield page
            newest = max(inv.seq for inv in page.invoices)
            if newest <= after:
                raise BadReply("INVOICES went backwards")
            after = newest
            if after >= page.last_seq:
                return

    def summary(self, period: str) -> PeriodSummary:
        body = self._call("SUMMARY", {"period": period})
        types = tuple(
            TypeSummary(
                type=_str(t, "type"),
                state=_state(t),
                count=_int(t, "count"),
                void=_int(t, "void"),
                red=_int(t, "red"),
                amount=_money(_get(t, "amount"), "amount"),
                tax=_money(_get(t, "tax"), "tax"),
            )
            for t in _objects(body, "types")
        )
        return PeriodSummary(period=_str(body, "period"), offline=_strings(body, "offline"),
                             types=types)  # fmt: skip

    def upload(
        self, numbers: Sequence[str], progress: ProgressHandler | None = None
    ) -> UploadResult:
        body = self._call("UPLOAD", {"numbers": list(numbers)}, self._progress(progress))
        failed = tuple(
            UploadFailure(
                number=_str(f, "number"), error=_str(f, "error"), message=_str(f, "message", "")
            )
            for f in _objects(body, "failed")
        )
        return UploadResult(uploaded=_strings(body, "uploaded"), failed=failed)

    def report(self, period: str, txn: str, progress: ProgressHandler | None = None) -> TxnResult:
        body = self._call("REPORT", {"period": period, "txn": txn}, self._progress(progress))
        return _txn_result(body)

    def clear(
        self, period: str, kind: ClearKind, txn: str, *, types: Sequence[str] = (),
        reason: str = "", progress: ProgressHandler | None = None,
    ) -> TxnResult:  # fmt: skip
        request = {"period": period, "kind": ClearKind(kind).value, "types": list(types),
                   "txn": txn, "reason": reason}  # fmt: skip
        return _txn_result(self._call("CLEAR", request, self._progress(progress)))

    def txn(self, txn: str) -> TxnInfo:
        body = self._call("TXN", {"txn": txn})
        try:
            state = TxnProgress(_str(body, "state"))
        except ValueError as exc:
            raise BadReply(f"unknown txn state {body.get('state')!r}") from exc
        results = tuple(map(_outcome, _objects(body, "results"))) if body.get("results") else ()
        return TxnInfo(txn=_str(body, "txn"), cmd=_str(body, "cmd", ""), state=state,
                       results=results)  # fmt: skip

    def log(self, after: int = 0, limit: int = 100) -> tuple[LogEntry, ...]:
        body = self._call("LOG", {"after": after, "limit": limit})
        return tuple(
            LogEntry(
                seq=_int(e, "seq"),
                time=_timestamp(e, "time"),
                op=_str(e, "op"),
                txn=_str(e, "txn", ""),
                ok=_bool(e, "ok"),
                detail=_str(e, "detail", ""),
            )
            for e in _objects(body, "entries")
        )

    def service(self) -> ServiceStatus:
        body = self._call("SERVICE")
        return ServiceStatus(reachable=_bool(body, "reachable"),
                             latency_ms=_opt_int(body, "latency_ms"))  # fmt: skip

    def sim(self, **fields: Any) -> JsonObject:
        """TESTS AND TOOLS ONLY: the simulator's ``SIM`` command (a real disk refuses it)."""
        return self._call("SIM", fields)
