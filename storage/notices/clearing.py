"""The notice a finished (or failed) clear leaves: the clearing flow passes what happened as
data (``ClearingOutcome``) and this module turns it into catalogue lines, so every terminal
and the mail read the same facts in their own language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from storage.messages import Message
from storage.notices.outbox import Severity, post_notice

KINDS = ("ordinary", "special", "specific", "annual")  # PROTOCOL.md CLEAR


@dataclass(frozen=True)
class TypeOutcome:
    """One invoice type's result, as the disk's CLEAR (or TXN) reported it."""

    type: str  # the disk's three-digit code, e.g. "004"
    ok: bool
    new_deadline: dt.date | None = None  # from the disk's result when ``ok``
    error_code: str = ""  # PROTOCOL.md error code, e.g. "E_NOT_FILED"
    error: Message | str = ""  # the disk's own message (text), or a catalogue message
    fix: Message | str = ""  # what to do about it, in the reader's words


@dataclass(frozen=True)
class ClearingOutcome:
    """What one clear did, for the notice and the mail."""

    period: str  # YYYY-MM
    kind: str  # one of KINDS
    results: tuple[TypeOutcome, ...] = ()
    started_by: str = ""
    confirmed_by: str = ""
    finished_at: dt.datetime = field(
        default_factory=lambda: dt.datetime.now().replace(microsecond=0)
    )
    device_id: str = ""
    branch: str = ""
    reason: str = ""  # a special clear's reason
    # A failure of the clear as a whole (refused before any type ran, link lost for good):
    error_code: str = ""
    error: Message | str = ""
    fix: Message | str = ""

    @property
    def failed(self) -> tuple[TypeOutcome, ...]:
        return tuple(result for result in self.results if not result.ok)

    @property
    def outcome(self) -> str:
        """``done`` (every type cleared), ``partial`` (some failed) or ``failed`` (none)."""
        cleared = len(self.results) - len(self.failed)
        if cleared == 0:
            return "failed"
        return "partial" if self.failed or self.error else "done"


_SEVERITY: dict[str, Severity] = {"done": "information", "partial": "warning", "failed": "error"}


def _kind(kind: str) -> Message:
    return Message(f"notice.clear.kind.{kind}" if kind in KINDS else "notice.clear.kind.other",
                   {"kind": kind})  # fmt: skip


def _error_line(key: str, code: str, error: Message | str, fix: Message | str,
                **fields: object) -> Message:  # fmt: skip
    return Message(key, {
        **fields,
        "code": code or "-",
        "error": error or Message("notice.clear.no_detail", {}),
        "fix": Message("notice.clear.fix", {"fix": fix}) if fix else "",
    })  # fmt: skip


def clearing_lines(outcome: ClearingOutcome) -> tuple[Message, ...]:
    """The body: period and kind, who, when, the reason, then one line per type."""
    lines = [
        Message("notice.clear.line.period", {"period": outcome.period, "kind": _kind(outcome.kind)}),
        Message("notice.clear.line.who", {"started_by": outcome.started_by or "-",
                                          "confirmed_by": outcome.confirmed_by or "-"}),
        Message("notice.clear.line.when", {"at": outcome.finished_at.strftime("%Y-%m-%d %H:%M")}),
    ]  # fmt: skip
    if outcome.branch or outcome.device_id:
        lines.append(Message("notice.clear.line.where", {"branch": outcome.branch or "-",
                                                         "device": outcome.device_id or "-"}))  # fmt: skip
    if outcome.reason:
        lines.append(Message("notice.clear.line.reason", {"reason": outcome.reason}))
    if outcome.error:
        lines.append(_error_line("notice.clear.line.error", outcome.error_code, outcome.error,
                                 outcome.fix))  # fmt: skip
    for result in outcome.results:
        if result.ok:
            deadline = result.new_deadline.isoformat() if result.new_deadline else "-"
            lines.append(Message("notice.clear.line.type_ok", {"type": result.type,
                                                               "deadline": deadline}))  # fmt: skip
        else:
            lines.append(_error_line("notice.clear.line.type_failed", result.error_code,
                                     result.error, result.fix, type=result.type))  # fmt: skip
    return tuple(lines)


def post_clearing_notice(outcome: ClearingOutcome, *, mail: bool = True) -> int:
    """Post the notice of a finished or failed clear (mailed when ``mail``); returns its id.

    Call it inside the write that records the clear's result, or on its own afterwards;
    then ``deliver_pending(settings)`` from a background thread sends the mail.
    """
    result = outcome.outcome
    subject = {
        "period": outcome.period,
        "kind": _kind(outcome.kind),
        "ok": len(outcome.results) - len(outcome.failed),
        "failed": len(outcome.failed),
        "total": len(outcome.results),
    }
    return post_notice(f"clear.{result}", f"notice.clear.subject.{result}", subject, mail=mail,
                       body=clearing_lines(outcome), severity=_SEVERITY[result],
                       by=outcome.confirmed_by or outcome.started_by)  # fmt: skip
