"""What can go wrong talking to the disk, as exceptions the screens and the CLI can show.

``DiskError`` is the disk's own refusal (an ``ERR`` reply): its text is the disk's Chinese
message, fit for a counter clerk. ``DiskNotAnswering`` and ``DiskUnreachable`` are link
problems; ``BadReply`` is a reply this app cannot read.
"""

from __future__ import annotations

from typing import Any

from storage.messages import t


class DiskProblem(Exception):
    """Anything that stopped a disk command from completing."""


class DiskUnreachable(DiskProblem):
    """The port cannot be opened or the connection is gone."""

    def __init__(self, url: str, detail: str, *, in_use: bool = False) -> None:
        text = (
            t("disk.port_in_use", url=url)
            if in_use
            else t("disk.unreachable", url=url, detail=detail)
        )
        super().__init__(text)
        self.url = url
        self.detail = detail
        self.in_use = in_use


class DiskNotAnswering(DiskProblem):
    """No reply to a request after every resend."""

    def __init__(self, resends: int) -> None:
        super().__init__(t("disk.not_answering", resends=resends))
        self.resends = resends


class DiskRestarted(DiskProblem):
    """The disk forgot the login mid-command (a power cycle) and logging in again was not
    possible: no PIN at hand, or the disk refused the commands again after the new login."""

    def __init__(self) -> None:
        super().__init__(t("disk.restarted"))


class RequestTooLong(DiskProblem):
    """A request that would not fit one frame (65,536 bytes): split it and send the parts."""

    def __init__(self, cmd: str) -> None:
        super().__init__(f"{cmd}: request longer than one frame")
        self.cmd = cmd


class BadReply(DiskProblem):
    """A reply that does not have the fields PROTOCOL.md promises."""

    def __init__(self, detail: str) -> None:
        super().__init__(t("disk.bad_reply", detail=detail))
        self.detail = detail


class DiskError(DiskProblem):
    """The disk answered ``ERR CODE``; ``message`` is its Chinese text."""

    code = "E_INTERNAL"

    def __init__(self, code: str, message: str, fields: dict[str, Any] | None = None) -> None:
        super().__init__(message or code)
        self.code = code
        self.message = message
        self.fields = dict(fields or {})


class UnknownCommand(DiskError):
    code = "E_UNKNOWN_CMD"


class BadRequest(DiskError):
    code = "E_BAD_REQUEST"


class NotLoggedIn(DiskError):
    code = "E_AUTH"


class WrongPin(DiskError):
    code = "E_PIN"

    @property
    def tries_left(self) -> int | None:
        value = self.fields.get("tries_left")
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
