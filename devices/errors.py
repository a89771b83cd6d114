"""What can go wrong talking to the disk, as ``FapiaoError``s the screens and the CLI can show.

``DiskError`` is the disk's own refusal (an ``ERR`` reply): ``message`` is the disk's Chinese
text, fit for a counter clerk, shown inside ``disk.refused``. ``DiskNotAnswering`` and
``DiskUnreachable`` are link problems (exit 3); ``BadReply`` is a reply this app cannot read.
"""

from __future__ import annotations

from typing import Any

from storage.errors import Exit, FapiaoError


class DiskProblem(FapiaoError):
    """Anything that stopped a disk command from completing."""


class DiskUnreachable(DiskProblem):
    """The port cannot be opened or the connection is gone."""

    exit_code = Exit.UNREACHABLE

    def __init__(self, url: str, detail: object, *, in_use: bool = False) -> None:
        if in_use:
            super().__init__("disk.port_in_use", url=url)
        else:
            super().__init__("disk.unreachable", url=url, detail=detail)
        self.url = url
        self.detail = detail
        self.in_use = in_use


class DiskNotAnswering(DiskProblem):
    """No reply to a request after every resend."""

    exit_code = Exit.UNREACHABLE

    def __init__(self, resends: int) -> None:
        super().__init__("disk.not_answering", resends=resends)
        self.resends = resends


class DiskRestarted(DiskProblem):
    """The disk forgot the login mid-command (a power cycle) and logging in again was not
    possible: no PIN at hand, or the disk refused the commands again after the new login."""

    exit_code = Exit.UNREACHABLE

    def __init__(self) -> None:
        super().__init__("disk.restarted")


class RequestTooLong(DiskProblem):
    """A request that would not fit one frame (65,536 bytes): split it and send the parts."""

    def __init__(self, cmd: str) -> None:
        super().__init__("disk.request_too_long", cmd=cmd)
        self.cmd = cmd


class BadReply(DiskProblem):
    """A reply that does not have the fields PROTOCOL.md promises."""

    def __init__(self, detail: str) -> None:
        super().__init__("disk.bad_reply", detail=detail)
        self.detail = detail


class DiskError(DiskProblem):
    """The disk answered ``ERR CODE``; ``message`` is its Chinese text, ``reply`` the reply's
    other fields (``tries_left`` …)."""

    code = "E_INTERNAL"

    def __init__(self, code: str, message: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__("disk.refused", message=message or code, code=code)
        self.code = code
        self.message = message
        self.reply = dict(fields or {})

    def __str__(self) -> str:
        # The disk's own words, as a detail inside the caller's sentence; ``text()`` is the
        # whole sentence ("税控盘拒绝：…（E_…）").
        return self.message or self.code


class UnknownCommand(DiskError):
    code = "E_UNKNOWN_CMD"


class BadRequest(DiskError):
    code = "E_BAD_REQUEST"


class NotLoggedIn(DiskError):
    code = "E_AUTH"


class WrongPin(DiskError):
    code = "E_PIN"

    def __init__(self, code: str, message: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(code, message, fields)
        left = self.tries_left
        self.key = "disk.wrong_pin"
        self.fields = {"n": "?" if left is None else left}

    @property
    def tries_left(self) -> int | None:
        value = self.reply.get("tries_left")
        return value if isinstance(value, int) and not isinstance(value, bool) else None


class PinLocked(DiskError):
    code = "E_PIN_LOCKED"


class DiskBusy(DiskError):
    code = "E_BUSY"


class OutsideWindow(DiskError):
    code = "E_WINDOW"


class OfflinePending(DiskError):
    code = "E_OFFLINE_PENDING"


class NotReported(DiskError):
    code = "E_NOT_REPORTED"


class NotFiled(DiskError):
    code = "E_NOT_FILED"


class TypeLocked(DiskError):
    code = "E_LOCKED"


class NetworkDown(DiskError):
    code = "E_NETWORK"


class TxnConflict(DiskError):
    code = "E_TXN_CONFLICT"


class InternalError(DiskError):
    code = "E_INTERNAL"


_BY_CODE: dict[str, type[DiskError]] = {
    cls.code: cls
    for cls in (
        UnknownCommand, BadRequest, NotLoggedIn, WrongPin, PinLocked, DiskBusy, OutsideWindow,
        OfflinePending, NotReported, NotFiled, TypeLocked, NetworkDown, TxnConflict, InternalError,
    )
}  # fmt: skip


def disk_error(code: str, body: dict[str, Any]) -> DiskError:
    """The typed error for an ``ERR`` reply; an unknown code still carries its message."""
    fields = {k: v for k, v in body.items() if k != "message"}
    return _BY_CODE.get(code, DiskError)(code, str(body.get("message", "")), fields)
