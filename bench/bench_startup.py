"""Start-up as a counter sees it: the installed ``fapiao`` in a pty at 80×24 (TERM=xterm)
against the 1M-invoice store, next to a bare Textual app with one Input started the same way,
in the same run.

Each round runs both, one after the other, the order alternating by round (A B, then B A), and
times from the start of the process (``bench.pty_recorder``):

- **first paint**: the first frame that draws a character (the mode switches and terminal
  queries sent before it do not count);
- **usable**: the first key typed after the first paint is on the screen, and for ``fapiao``
  the store is open too (its "正在打开数据库…" line is cleared: the form takes a log-in);
- **log-in** (``fapiao`` only, a check that the store really opened): once usable, the rest of
  the user name and the password are typed; seconds from the password's Enter to the lookup
  screen (the argon2 hash and the new screen).

Each round checks what it measures (the key echoed, the "opening" line seen and cleared, the
lookup screen after log-in) and reads the peak memory (``VmHWM``) at the end: for ``fapiao``
after log-in, the password hash included. Figures: median and min–max over the rounds.
Goal (issue 12): first paint ≤ 1.3× the bare app's (the median of the rounds' ratios).

    python -m bench startup            python bench/bench_startup.py [STORE_URL] [--rounds N]

The store is given by URL (default: ``bench/store_1m.py``'s, built on first use); the bench
adds its own clerk account to it once (``bench`` / ``BENCH_PASSWORD``).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(ROOT))

from bench.pty_recorder import BARE_APP, PtySession, app_env, frames  # noqa: E402

FAPIAO = Path(sys.executable).parent / "fapiao"
RATIO_TARGET = 1.3
USER = "bench"
BENCH_PASSWORD = "bench-start-up-1"  # a throwaway account in the benchmark's own store
TIMEOUT = 120.0

# a cursor move, perhaps colours, then a character: something drawn
_DRAWS = re.compile(rb"\x1b\[\d+;\d+H(?:\x1b\[[0-9;]*m)*[^\x1b]")
_CSI = re.compile(rb"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]")
_MOVE = re.compile(rb"\x1b\[(\d+);\d+H")
OPENING = "正在打开数据库".encode()
LOOKUP_READY = "票号码".encode()  # the lookup box's placeholder (its 发 under the cursor)


def _peak_rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def _text(data: bytes) -> bytes:
    """What a chunk of output draws, escape sequences left out."""
    return _CSI.sub(b"", data)


def _first_paint(session: PtySession, side: str) -> float:
    """When the first frame came (seconds from start)."""
    if not session.wait_for(_DRAWS, timeout=TIMEOUT):
        raise RuntimeError(f"{side}: nothing was ever drawn")
    return next(c.at for c in session.chunks if c.direction == "out" and _DRAWS.search(c.data))


def _echoed(session: PtySession, key: bytes, side: str) -> float:
    """Send ``key``; when it was on the screen (seconds from start)."""
    sent = session.mark()
    session.send(key)
    if not session.wait_for(re.compile(rb"(?:\x1b\[[0-9;]*m)*" + re.escape(key)), TIMEOUT):
        raise RuntimeError(f"{side}: the typed key never showed")
    return next(
        c.at for c in session.chunks[sent:] if c.direction == "out" and key in _text(c.data)
    )


def _store_open(session: PtySession) -> float:
    """When the "opening the store" line's row was drawn again, in a later frame than the one
    that drew the line (seconds from start)."""
    end = session.now() + TIMEOUT
    while session.now() < end:
        found = frames(session.chunks)
        opening = next((i for i, f in enumerate(found) if OPENING in f.data), None)
        if opening is not None:
            data = found[opening].data
            row = _MOVE.findall(data[: data.find(OPENING)])[-1]
            for later in found[opening + 1 :]:
                if OPENING not in later.data and row in _MOVE.findall(later.data):
                    return later.start
        session.pump(0.02)
    raise RuntimeError("fapiao: the store never opened (or its 'opening' line never showed)")


def one_side(side: str, store_url: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="fapiao-bench-") as tmp:
        argv = [sys.executable, "-c", BARE_APP] if side == "bare" else [str(FAPIAO)]
        session = PtySession(argv, app_env(Path(tmp), FAPIAO_DATABASE_URL=store_url))
        session.start()
        try:
            result = {"first_paint": _first_paint(session, side)}
            echoed = _echoed(session, USER[:1].encode(), side)
            if side == "bare":
                result["usable"] = echoed
            else:
                result["usable"] = max(echoed, _store_open(session))
                session.send(USER[1:].encode() + b"\r")
                session.wait_quiet(0.3, 10)  # the focus moves to the password box
                entered = session.now()
                session.send(BENCH_PASSWORD.encode() + b"\r")
                if not session.wait_for(LOOKUP_READY, TIMEOUT):
                    raise RuntimeError("fapiao: the log-in never reached the lookup screen")
                result["log_in"] = session.now() - entered
                session.wait_quiet(0.5, 10)
            result["peak_rss_mib"] = _peak_rss_mib(session.pid)
        finally:
            session.stop()
    return result


def _ensure_user(store_url: str) -> None:
    """The bench's clerk in the store (added once; the store is the benchmark's own)."""
    from storage.accounts.users import add_user
    from storage.store.database import close_database, open_database
    from storage.store.models import Role, User
    from storage.store.schema import upgrade

    upgrade(open_database(store_url, create=False))
    if not User.select().where(User.username == USER).exists():
        add_user(USER, BENCH_PASSWORD, role=Role.CLERK, branch="总部")
    close_database()


def _spread(values: list[float], digits: int = 3) -> dict[str, float]:
    return {
        "median": round(statistics.median(values), digits),
        "min": round(min(values), digits),
        "max": round(max(values), digits),
    }


def run(store_url: str | None = None, rounds: int = 5) -> dict[str, Any]:
    if store_url is None:
        from bench.store_1m import ensure_store
        from bench.store_1m import store_url as default_url
        from storage.store.database import close_database

        ensure_store(verbose=False)
        close_database()
        store_url = default_url()
    _ensure_user(store_url)
    one_side("bare", store_url)  # warm the OS file cache for both
    one_side("fapiao", store_url)
    runs: dict[str, list[dict[str, float]]] = {"bare": [], "fapiao": []}
    paint_ratios: list[float] = []
    usable_ratios: list[float] = []
    for round_no in range(rounds):
        order = ("bare", "fapiao") if round_no % 2 == 0 else ("fapiao", "bare")
        now = {side: one_side(side, store_url) for side in order}
        for side in order:
            runs[side].append(now[side])
        paint_ratios.append(now["fapiao"]["first_paint"] / now["bare"]["first_paint"])
        usable_ratios.append(now["fapiao"]["usable"] / now["bare"]["usable"])
    report: dict[str, Any] = {
        "store": store_url.rsplit("/", 1)[-1],
        "rounds": rounds,
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
    for side, samples in runs.items():
        report[side] = {key: _spread([s[key] for s in samples], 1 if key == "peak_rss_mib" else 3)
                        for key in samples[0]}  # fmt: skip
    report["first_paint_ratio"] = _spread(paint_ratios, 2)
    report["usable_ratio"] = _spread(usable_ratios, 2)
    report["ratio_target"] = RATIO_TARGET
    report["ok"] = report["first_paint_ratio"]["median"] <= RATIO_TARGET
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("store_url", nargs="?", help="store URL (default: the 1M-invoice store)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    result = run(args.store_url, rounds=args.rounds)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
