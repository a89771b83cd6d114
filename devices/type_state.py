"""Where one invoice type stands in the tax period (STATUS ``types[].state``).

A module of its own so the screen's header can read it before the first frame without loading
the disk client (its link, frames and dataclasses: ~0.05-0.1 s); ``devices.client`` re-exports it.
"""

from __future__ import annotations

from enum import StrEnum


class TypeState(StrEnum):
    ISSUING = "issuing"  # 正常开票
    REPORT_DUE = "report_due"  # 未抄税
    REPORTED = "reported"  # 已抄税未清卡
    LOCKED = "locked"  # 已锁死
