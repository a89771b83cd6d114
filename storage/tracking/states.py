"""The 入账 states as the tax bureau's digital account (数电账户 发票入账标识) names them, and
reading one as a user types it: the Chinese name (full- or half-width brackets), or the
English word."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from storage.messages import Message, catalogue, t


class BookingState(StrEnum):
    UNBOOKED = "unbooked"  # 未入账
    CIT_DEDUCTIBLE = "cit_deductible"  # 入账（企业所得税税前扣除）
    CIT_NOT_DEDUCTIBLE = "cit_not_deductible"  # 入账（企业所得税不扣除）
    IIT_DEDUCTIBLE = "iit_deductible"  # 入账（个人所得税经营所得税前扣除）
    IIT_NOT_DEDUCTIBLE = "iit_not_deductible"  # 入账（个人所得税经营所得不扣除）
    REVOKED = "revoked"  # 入账撤销
    # Booked before this app kept the kind: the old yes/no flag (migration 0008). Shown, never
    # set by anyone; re-marking it with one of the bureau's states is the fix.
    UNRECORDED = "booked_unrecorded"


#: Who "made" the marks carried over from the old yes/no flags (migration 0008).
MIGRATED_BY = "(migration)"

#: The states a user may set, in the bureau's order.
SETTABLE: tuple[BookingState, ...] = (
    BookingState.UNBOOKED,
    BookingState.CIT_DEDUCTIBLE,
    BookingState.CIT_NOT_DEDUCTIBLE,
    BookingState.IIT_DEDUCTIBLE,
    BookingState.IIT_NOT_DEDUCTIBLE,
    BookingState.REVOKED,
)

#: The bureau's own words; they are data (what the digital account shows), not UI text.
BUREAU_NAMES: dict[BookingState, str] = {
    BookingState.UNBOOKED: "未入账",
    BookingState.CIT_DEDUCTIBLE: "入账（企业所得税税前扣除）",
    BookingState.CIT_NOT_DEDUCTIBLE: "入账（企业所得税不扣除）",
    BookingState.IIT_DEDUCTIBLE: "入账（个人所得税经营所得税前扣除）",
    BookingState.IIT_NOT_DEDUCTIBLE: "入账（个人所得税经营所得不扣除）",
    BookingState.REVOKED: "入账撤销",
}


def is_booked(state: str) -> bool:
    """Booked now: any 入账 state but 未入账 and 入账撤销."""
    return state not in (BookingState.UNBOOKED.value, BookingState.REVOKED.value)


def state_message(state: str) -> Message | str:
    """The state as a message, rendered where it is shown (an unknown code as it is)."""
    try:
        return Message(f"tracking.state.{BookingState(state).value}")
    except ValueError:
        return state


def state_text(state: str) -> str:
    """The state in the current language (Chinese: the bureau's words)."""
    try:
        return t(f"tracking.state.{BookingState(state).value}")
    except (ValueError, KeyError):
        return state


def _folded(text: str) -> str:
    # NFKC makes （） and () one; spaces and case do not matter
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def parse_state(text: str) -> BookingState | None:
    """The settable state ``text`` names (Chinese name, English word), or None."""
    wanted = _folded(text)
    for state in SETTABLE:
        if wanted in (_folded(BUREAU_NAMES[state]), state.value, _folded(_english(state))):
            return state
    return None


def _english(state: BookingState) -> str:
    """The state's English words, whatever the current language (``--booked`` takes both)."""
    return catalogue()[f"tracking.state.{state.value}"][1]
