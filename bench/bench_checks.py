"""Every field rule on one invoice: the checklist must answer without a visible delay (≤ 1 ms).

Baseline in the same run: building the draft alone (the floor any rule set pays).
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from storage.rules.field_checks import InvoiceDraft, check_invoice

DRAFT = InvoiceDraft(
    code="044001500111", number="81966722", date="2026-11-02",
    check_code="17884534745749991611", amount="173.79", tax="22.59", total="196.38", rate="0.13",
    buyer_name="北京华信商贸有限公司", buyer_tax_id="91110105MA005AEF36",
    seller_name="北京某某商贸有限公司", seller_tax_id="91110302585816506R",
)  # fmt: skip


def _percentiles(samples: list[float]) -> tuple[float, float]:
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)]


def run(rounds: int = 5000) -> dict[str, float]:
    today = dt.date(2026, 11, 23)
    check_invoice(DRAFT, today=today)  # warm the message catalogue
    rule_times, floor_times = [], []
    for _ in range(rounds):
        start = time.perf_counter()
        check_invoice(DRAFT, today=today)
        rule_times.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        DRAFT.cleaned()
        floor_times.append((time.perf_counter() - start) * 1000)
    p50, p95 = _percentiles(rule_times)
    f50, f95 = _percentiles(floor_times)
    return {"rules_p50_ms": p50, "rules_p95_ms": p95, "draft_only_p50_ms": f50,
            "draft_only_p95_ms": f95, "target_ms": 1.0}  # fmt: skip


if __name__ == "__main__":
    for key, value in run().items():
        print(f"{key:24} {value:.4f}")
