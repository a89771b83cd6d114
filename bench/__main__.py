"""Run the benchmarks and print their figures: ``python -m bench [checks lookup import startup]``."""

from __future__ import annotations

import importlib
import json
import sys
import time

ALL = (
    "checks", "lookup", "import", "startup", "sync", "backup", "clear", "mark", "einvoice",
    "traffic",
)  # fmt: skip


def main(argv: list[str]) -> int:
    names = argv or list(ALL)
    results = {}
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        if name == "startup":  # start-up is measured against the 1M-invoice store
            from bench.store_1m import ensure_store, store_url
            from storage.store.database import close_database

            ensure_store(verbose=False)
            close_database()
            results[name] = module.run(store_url())
        else:
            results[name] = module.run()
        print(json.dumps(results[name], ensure_ascii=False, indent=2, default=str))
        print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
