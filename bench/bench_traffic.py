"""What an SSH client receives: the installed ``fapiao --demo`` against a bare Textual app with
one Input, both started the same way in a pty at 80×24 with TERM=xterm (``bench.pty_recorder``).

Per round, each side in turn (A then B, then B then A next round):
- first paint: bytes (and frames) from start until the screen has been quiet for 0.4 s — for
  ``fapiao`` the login screen ready to take the name (the demo's data prepared);
- bytes per key: ``fapiao`` logs in as the demo clerk, then a name is typed on the lookup screen
  one key at a time, each key's output read until 0.3 s of quiet (max 2 s); the bare app gets
  the same keys in its Input;
- time to the first painted frame, and the peak memory (``VmHWM``) once the name is typed
  (for ``fapiao``: after log-in, so with the password hash);
- idle: bytes per second over 5 s with no key, from 16 s after log-in (the demo's reminders
  time out by then; a toast going away is a change, not idle noise).

Figures: median and min–max over the rounds (per key: over every key of every round).
Goals (issue 12): ≤ 2 KB per key, first paint ≤ 8 KB in one frame, idle 0 B/s.

    python -m bench traffic          python bench/bench_traffic.py [--rounds N] [--keep DIR]

``--src CHECKOUT`` runs ``fapiao`` from another checkout's code (with this venv's packages).
``--keep DIR`` saves each session as a recording (``python -m bench.pty_recorder show|replay``).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script
    sys.path.insert(0, str(ROOT))

from bench.pty_recorder import BARE_APP, Frame, PtySession, app_env, frames, per_key  # noqa: E402

# a cursor move, perhaps colours, then a character
_ROW = re.compile(rb"\x1b\[(\d+);\d+H")
_DRAWS = re.compile(rb"\x1b\[\d+;\d+H(?:\x1b\[[0-9;]*m)*[^\x1b]")

FAPIAO = Path(sys.executable).parent / "fapiao"
NAME = "青岛同创信息技术"  # a demo buyer: 青岛同创信息技术有限公司
LOOKUP_READY = "票号码".encode()  # the lookup box's placeholder (its 发 under the cursor)
FIRST_PAINT_QUIET = 0.4  # below the bare Input's 0.5 s cursor blink
NOTICES_GONE = 16.0  # s after log-in: the demo's reminders (up to 15 s) have timed out
KEY_GOAL = 2048
FIRST_PAINT_GOAL = 8192

FROM_SOURCE = (
    "import sys; sys.path.insert(0, {src!r}); from tui.cli.main import main; sys.exit(main())"
)


def _session(side: str, home: Path, src: Path | None) -> PtySession:
    if side == "bare":
        argv = [sys.executable, "-c", BARE_APP]
    elif src is None:
        argv = [str(FAPIAO), "--demo"]
    else:  # another checkout's code (how the "before" figures were taken)
        argv = [sys.executable, "-c", FROM_SOURCE.format(src=str(src)), "--demo"]
    return PtySession(argv, app_env(home))


def one_round(side: str, keep: Path | None, round_no: int, src: Path | None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        session = _session(side, Path(tmp), src)
        session.start()
        try:
            if not session.wait_for(_DRAWS, timeout=60):  # mode switches come before
                raise RuntimeError(f"{side}: nothing was ever drawn")
            if not session.wait_quiet(FIRST_PAINT_QUIET, timeout=60):
                raise RuntimeError(f"{side}: the first screen never settled")
            start = [c for c in session.chunks if c.direction == "out"]
            first: dict[str, float] = {
                "bytes": sum(len(c.data) for c in start),
                "frames": painted(frames(start)),
                "full_frames": full(frames(start)),
                "at": next(f.start for f in frames(start) if _DRAWS.search(f.data)),
            }
            if side == "fapiao":
                session.send(b"clerk\r")
                session.wait_quiet(0.5, timeout=20)
                session.send(b"clerk\r")
                if not session.wait_for(LOOKUP_READY, timeout=30):
                    raise RuntimeError("fapiao: the lookup screen never came")
                session.wait_quiet(1.0, timeout=20)
            ready = session.now()
            typing_from = session.mark()
            for key in NAME:
                session.send(key.encode())
                session.wait_quiet(0.3, timeout=2.0)
            keys = [size for _, size, _ in per_key(session.chunks[typing_from:])]
            peak = _peak_rss_mib(session.pid)
            session.pump(max(0.0, ready + NOTICES_GONE - session.now()))
            idle_from = session.mark()
            session.pump(5.0)
            idle = len(session.output_since(idle_from)) / 5.0
        finally:
            session.stop()
            if keep is not None:
                session.save(keep / f"{side}-{round_no}.jsonl")
    return {"first_paint": first, "keys": keys, "idle": idle, "peak_rss_mib": peak}


def _peak_rss_mib(pid: int) -> float:
    """The process's peak resident memory so far (``VmHWM``)."""
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def painted(found: list[Frame]) -> int:
    """Frames that draw something (not the mode switches and queries sent at start)."""
    return sum(1 for frame in found if _DRAWS.search(frame.data))


def full(found: list[Frame]) -> int:
    """Frames that redraw (nearly) the whole screen: 20 rows of 24 or more."""
    return sum(1 for frame in found if len(set(_ROW.findall(frame.data))) >= 20)


def _spread(values: list[float]) -> dict[str, float]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "mean": round(statistics.fmean(values), 1),
    }


def run(rounds: int = 5, keep: Path | None = None, src: Path | None = None) -> dict[str, Any]:
    samples: dict[str, list[dict[str, Any]]] = {"fapiao": [], "bare": []}
    for round_no in range(rounds):
        order = ("fapiao", "bare") if round_no % 2 == 0 else ("bare", "fapiao")
        for side in order:
            samples[side].append(one_round(side, keep, round_no, src))
    report: dict[str, Any] = {"rounds": rounds}
    for side, runs in samples.items():
        report[side] = {
            "first_paint_bytes": _spread([r["first_paint"]["bytes"] for r in runs]),
            "first_paint_frames": _spread([r["first_paint"]["frames"] for r in runs]),
            "first_paint_full_frames": _spread([r["first_paint"]["full_frames"] for r in runs]),
            "first_paint_s": _spread([r["first_paint"]["at"] for r in runs]),
            "peak_rss_mib_after_typing": _spread([r["peak_rss_mib"] for r in runs]),
            "bytes_per_key": _spread([k for r in runs for k in r["keys"]]),
            "idle_bytes_per_s": _spread([r["idle"] for r in runs]),
        }
    mine = report["fapiao"]
    report["goals_met"] = {
        "bytes_per_key": mine["bytes_per_key"]["median"] <= KEY_GOAL,
        "first_paint": mine["first_paint_bytes"]["median"] <= FIRST_PAINT_GOAL
        and mine["first_paint_full_frames"]["max"] == 1,
        "idle": mine["idle_bytes_per_s"]["max"] == 0,
    }
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="save each session's recording here")
    parser.add_argument("--src", type=Path, help="run fapiao from this checkout instead")
    args = parser.parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    report = run(args.rounds, args.keep, args.src)
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
