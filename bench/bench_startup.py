"""Start-up: process start → an interactive login screen, next to a bare Textual app.

Each run is a fresh process (``App.run(headless=True)``) that stops at its first ready
screen and reports when that was and its peak resident memory (``VmHWM``, the
process's own ``ru_maxrss``). The app is
pointed at the store by URL (e.g. the 1M-invoice store from ``bench/store_1m.py``); its
start-up must not depend on the store's size, so it only migrates and checks that a user
exists. Targets: ≤ 1.3 × the bare app's time, ≤ 80 MiB RSS at the login screen.

    python bench/bench_startup.py [STORE_URL] [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TIME_RATIO_TARGET = 1.3
RSS_TARGET_MIB = 80.0

# Both children print one JSON line when their first screen takes input, then exit.
_REPORT = """
import json, resource, time
def _peak_rss_kib():
    # VmHWM: this process's peak. ru_maxrss would include the parent's peak before exec.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
def _report(app, **extra):
    print(json.dumps({"ready_at": time.time(), "rss_kib": _peak_rss_kib(), **extra}), flush=True)
    app.exit(0)
"""

BARE_APP = (
    _REPORT
    + """
from textual.app import App
from textual.widgets import Input

class Bare(App):
    def compose(self):
        yield Input(placeholder="name")

    def on_mount(self):
        self.query_one(Input).focus()
        self.call_after_refresh(_report, self)

Bare().run(headless=True)
"""
)

DESK_APP = (
    _REPORT
    + """
import sys
from storage.config.settings import Settings
from tui.app import FapiaoApp

class Timed(FapiaoApp):
    def on_login_ready(self, _event):
        self.call_after_refresh(_report, self)

    def on_store_failed(self, event):
        _report(self, error=event.detail)

Timed(Settings(database_url=sys.argv[1]).with_defaults()).run(headless=True)
"""
)


def _child(code: str, *args: str, data_dir: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAPIAO_")}
    env.update(FAPIAO_DATA_DIR=data_dir, FAPIAO_CONFIG=os.devnull, PYTHONPATH=str(ROOT))
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"the child failed ({done.returncode}): {done.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(lines[-1])
    if "error" in report:
        raise RuntimeError(f"the store could not be opened: {report['error']}")
    report["ready_s"] = report["ready_at"] - started
    report["wall_s"] = time.time() - started
    return report


def _demo_store(directory: Path) -> str:
    """A freshly seeded demo store (6000 invoices) when no store URL is given."""
    from storage.demo.space import prepare_demo_store
    from storage.store.database import close_database

    url = prepare_demo_store(directory / "demo.db")
    close_database()
    return url


def run(store_url: str | None = None, runs: int = 5) -> dict[str, Any]:
    """Median start-up of the bare app and of Fapiao Desk (interleaved runs), and RSS."""
    with tempfile.TemporaryDirectory(prefix="fapiao-bench-") as scratch:
        url = store_url or _demo_store(Path(scratch))
        bare: list[dict[str, Any]] = []
        desk: list[dict[str, Any]] = []
        _child(BARE_APP, data_dir=scratch)  # warm the OS file cache for both
        _child(DESK_APP, url, data_dir=scratch)
        for _ in range(runs):
            bare.append(_child(BARE_APP, data_dir=scratch))
            desk.append(_child(DESK_APP, url, data_dir=scratch))
    bare_s = statistics.median(r["ready_s"] for r in bare)
    desk_s = statistics.median(r["ready_s"] for r in desk)
    desk_rss = max(r["rss_kib"] for r in desk) / 1024
    return {
        "store": "demo (seeded)" if store_url is None else store_url.split("@")[-1],
        "runs": runs,
        "bare_ready_s": round(bare_s, 3),
        "app_ready_s": round(desk_s, 3),
        "ratio": round(desk_s / bare_s, 2),
        "ratio_target": TIME_RATIO_TARGET,
        "bare_rss_mib": round(max(r["rss_kib"] for r in bare) / 1024, 1),
        "app_rss_mib": round(desk_rss, 1),
        "rss_target_mib": RSS_TARGET_MIB,
        "ok": desk_s / bare_s <= TIME_RATIO_TARGET and desk_rss <= RSS_TARGET_MIB,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("store_url", nargs="?", help="store URL (default: a fresh demo store)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    result = run(args.store_url, runs=args.runs)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
