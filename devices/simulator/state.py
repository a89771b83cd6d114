"""The simulated disk's lasting state, kept in a JSON file written atomically.

What a power cycle forgets (the login, the reply memory, a running command) is not here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclass
class TypeRecord:
    """One invoice type on the disk. ``open_period`` is the oldest period not yet cleared."""

    type: str
    open_period: str  # YYYY-MM
    reported: bool = False  # the open period's summary is uploaded
    last_report: str | None = None  # YYYY-MM-DD
    clear_failed: bool = False  # an earlier clear of this type failed (special clear allowed)
    stock: int = 120
    single_limit: str = "100000.00"
    offline_hours_left: int = 72
    offline_amount_left: str = "500000.00"


@dataclass
class SimState:
    device_id: str = "661620039941"
    model: str = "TC-100"
    firmware: str = "2.3.1"
    taxpayer_id: str = "91110105MA005AEF36"
    taxpayer_name: str = "北京某某商贸有限公司"
    pin: str = "88888888"
    pin_tries_left: int = 5
    clock_offset: float = 0.0  # seconds added to the host clock
    types: list[TypeRecord] = field(default_factory=list)
    invoices: list[dict[str, Any]] = field(default_factory=list)  # wire records, seq ascending
    last_seq: int = 0
    offline: list[str] = field(default_factory=list)  # numbers issued offline, not uploaded
    not_filed: list[str] = field(default_factory=list)  # types whose tax return is not filed
    network_down: list[str] = field(default_factory=list)  # types whose upload fails
    service_reachable: bool = True
    window_end_day: int = 15  # the reporting window runs from the 1st to this day
    txns: dict[str, dict[str, Any]] = field(default_factory=dict)
    log: list[dict[str, Any]] = field(default_factory=list)
    closed_years: list[int] = field(default_factory=list)

    def now(self) -> dt.datetime:
        return (dt.datetime.now(CHINA) + dt.timedelta(seconds=self.clock_offset)).replace(
            microsecond=0
        )

    def set_clock(self, when: dt.datetime) -> None:
        self.clock_offset = (when - dt.datetime.now(CHINA)).total_seconds()

    def type_record(self, code: str) -> TypeRecord | None:
        return next((t for t in self.types if t.type == code), None)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SimState:
        values = dict(data)
        values["types"] = [TypeRecord(**t) for t in values.get("types", [])]
        known = set(cls.__dataclass_fields__)
        state = cls(**{k: v for k, v in values.items() if k in known})
        # A command that was running when the disk lost power never finished.
        state.txns = {k: v for k, v in state.txns.items() if v.get("state") == "done"}
        return state


class StateFile:
    """Where the state lives: a file (atomic replace), or nowhere (``path=None``)."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path is not None else None
        self.saves = 0

    def exists(self) -> bool:
        return self.path is not None and self.path.exists()

    def load(self) -> SimState:
        assert self.path is not None
        return SimState.from_json(json.loads(self.path.read_text(encoding="utf-8")))

    def save(self, state: SimState) -> None:
        self.saves += 1
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".sim-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(state.to_json(), out, ensure_ascii=False)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
