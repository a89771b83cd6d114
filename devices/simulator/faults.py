"""Faults the simulator injects on its side of the link: damaged, lost, late and repeated
frames, and a cut connection. Seeded, so a failing test can be replayed: each direction draws
from a stream of its own, so which frames are hit does not depend on how the two directions
interleave (a busy machine retries at other moments, and used to shift every draw after)."""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Any


@dataclass
class FaultPlan:
    corrupt_rate: float = 0.0  # share of frames (either way) with one byte damaged
    drop_rate: float = 0.0  # share of outgoing frames (replies, events) never sent
    duplicate_rate: float = 0.0  # share of outgoing frames sent twice
    delay: float = 0.0  # seconds before each outgoing frame
    disconnect_after: int | None = None  # cut the link once, after this many requests
    outage: float = 2.0  # seconds a cut pty stays dead (a TCP cut closes the connection)
    seed: int = 1
    corrupted: int = 0
    dropped: int = 0
    duplicated: int = 0
    disconnects: int = 0
    _rng: random.Random = field(init=False, repr=False)  # frames going out
    _rng_in: random.Random = field(init=False, repr=False)  # frames coming in
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._seed_streams()

    def _seed_streams(self) -> None:
        self._rng = random.Random(self.seed)
        self._rng_in = random.Random(f"{self.seed}-in")

    def update(self, values: dict[str, Any]) -> None:
        with self._lock:
            for name in ("corrupt_rate", "drop_rate", "duplicate_rate", "delay", "outage"):
                if name in values:
                    setattr(self, name, float(values[name]))
            if "disconnect_after" in values:
                n = values["disconnect_after"]
                self.disconnect_after = None if n is None else int(n)
            if "seed" in values:
                self.seed = int(values["seed"])
                self._seed_streams()

    @property
    def active(self) -> bool:
        return bool(self.corrupt_rate or self.drop_rate or self.duplicate_rate or self.delay
                    or self.disconnect_after is not None)  # fmt: skip

    def _damage(self, data: bytes, rng: random.Random) -> bytes:
        if not data or not self.corrupt_rate or rng.random() >= self.corrupt_rate:
            return data
        self.corrupted += 1
        i = rng.randrange(len(data))
        damaged = bytearray(data)
        damaged[i] ^= 1 << rng.randrange(8)
        return bytes(damaged)

    def incoming(self, data: bytes) -> bytes:
        with self._lock:
            return self._damage(data, self._rng_in)

    def outgoing(self, frame: bytes) -> list[bytes]:
        """What actually goes on the wire for one frame: nothing, it, or it twice."""
        with self._lock:
            if self.drop_rate and self._rng.random() < self.drop_rate:
                self.dropped += 1
                return []
            copies = 1
            if self.duplicate_rate and self._rng.random() < self.duplicate_rate:
                self.duplicated += 1
                copies = 2
            return [self._damage(frame, self._rng) for _ in range(copies)]

    def cut_now(self, requests_seen: int) -> bool:
        """True once, when the link is due to be cut."""
        with self._lock:
            if self.disconnect_after is not None and requests_seen >= self.disconnect_after:
                self.disconnect_after = None
                self.disconnects += 1
                return True
            return False
