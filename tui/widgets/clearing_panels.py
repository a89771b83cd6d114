"""How the F4 wizard draws what the clearing flow returns: the step indicator, the preflight
checks, the scan's notes and the results, as rich renderables in the current language.

A verdict is a mark and a word (✓ 通过, ! 注意, ✗ 未通过), never a colour alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from devices.clearing.model import Verdict
from storage.messages import Listing, Message
from storage.rules.invoice_types import DISK_TYPES
from tui.display import short_type
from tui.language import t, text_of

if TYPE_CHECKING:
    from devices.clearing.model import ClearOutcome, ClearPlan, Preflight, Scan, TypeResult
    from devices.client import TypeStatus
    from storage.clearing.journal import LockHolder

STEPS = ("preflight", "report", "kind", "scan", "execute", "results")

MARK = {Verdict.PASS: "✓", Verdict.WARN: "!", Verdict.FAIL: "✗"}
_VERDICT_STYLE = {Verdict.PASS: "", Verdict.WARN: "bold", Verdict.FAIL: "bold reverse"}


def type_label(code: str) -> str:
    """``004 专票``: the disk's type code and its short name."""
    return f"{code} {short_type(DISK_TYPES.get(code, ''))}".strip()


def steps_line(current: str) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for index, step in enumerate(STEPS, 1):
        if index > 1:
            text.append(" › ", style="dim")
        label = f" {index} {t('tui.clear.step.' + step)} "
        text.append(label, style="bold reverse" if step == current else "")
    return text


def info_line(pre: Preflight | None, holder: LockHolder | None) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    if pre is None or not pre.device_id:
        text.append(t("tui.clear.info_unknown"))
    else:
        text.append(t("tui.clear.info", period=pre.period, device=pre.device_id))
    if holder is not None and not holder.mine:
        text.append("  ")
        text.append(t("tui.clear.locked_by", user=holder.username, since=f"{holder.since:%m-%d %H:%M}",
                      terminal=holder.terminal or "—"), style="bold reverse")  # fmt: skip
    return text


def verdict_text(verdict: Verdict) -> Text:
    return Text(
        f"{MARK[verdict]} {t('clear.verdict.' + verdict.value)}", style=_VERDICT_STYLE[verdict]
    )


def checks_panel(pre: Preflight) -> RenderableType:
    """One row a check: verdict, its short name, what was found and (unless passed) the fix."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(no_wrap=True, min_width=max(verdict_text(v).cell_len for v in Verdict))
    table.add_column(
        no_wrap=True, min_width=max(cell_len(t(f"tui.clear.name.{c.name}")) for c in pre.checks)
    )
    table.add_column(ratio=1, overflow="fold")
    for check in pre.checks:
        found = Text(text_of(check.found))
        if check.fix is not None and check.verdict is not Verdict.PASS:
            found.append("\n→ " + text_of(check.fix), style="bold")
        table.add_row(verdict_text(check.verdict), t(f"tui.clear.name.{check.name}"), found)
    rec = pre.recommendation
    if rec is None:
        return table
    if rec.kind is not None:
        advice = t(
            "tui.clear.recommended", kind=Message(f"clear.kind.{rec.kind.value}"), why=rec.why
        )
    else:
        advice = t("tui.clear.recommended_none", why=rec.why)
    return Group(table, Text(advice, style="bold"))


def results_lines(results: Sequence[TypeResult]) -> Text:
    """Per type: ✓ with the new deadline, or ✗ with the disk's words and what to do."""
    text = Text()
    for index, result in enumerate(results):
        if index:
            text.append("\n")
        mark = "✓" if result.ok else "✗"
        text.append(
            f"{mark} {type_label(result.type)}  ", style="" if result.ok else "bold reverse"
        )
        text.append(text_of(result.summary))
        if result.fix is not None:
            text.append("\n    → " + text_of(result.fix), style="bold")
    return text


def report_panel(types: Sequence[str], results: Sequence[TypeResult] | None) -> Text:
    text = Text(t("tui.clear.report_intro", types=Listing(list(types))))
    if results:
        text.append("\n\n")
        text.append_text(results_lines(results))
        text.append("\n\n" + t("tui.clear.report_done"))
    return text


def type_prompt(line: TypeStatus) -> str:
    return f"{type_label(line.type)}  {t('clear.state.' + line.state.value)}"


def plan_line(plan: ClearPlan) -> str:
    types = plan.types or plan.targets
    text = t("tui.clear.plan", kind=Message(f"clear.kind.{plan.kind.value}"), period=plan.period,
             types=Listing(list(types)) if types else "—")  # fmt: skip
    if plan.retry_of is not None:
        text += t("tui.clear.plan_retry", id=plan.retry_of)
    return text


def scan_notes(found: Scan, plan: ClearPlan | None) -> Text:
    text = Text()
    if found.synced:
        text.append(t("tui.clear.synced", n=found.synced) + "\n")
    if found.offline:
        text.append(
            t("tui.clear.offline", numbers=Listing(list(found.offline))) + "\n", style="bold"
        )
    if found.differences:
        for difference in found.differences:
            text.append(f"! {text_of(difference)}\n", style="bold")
    else:
        text.append(f"✓ {t('clear.scan.agrees')}\n")
    if plan is not None:
        text.append(plan_line(plan) + "\n", style="bold")
        text.append(t("tui.clear.press_clear"))
    return text


def outcome_panel(outcome: ClearOutcome, period: str) -> Text:
    text = Text(t("tui.clear.result_title", period=period,
                  state=Message(f"clear.state_run.{outcome.state}")) + "\n\n", style="bold")  # fmt: skip
    text.append_text(results_lines(outcome.results))
    if outcome.failed:
        text.append("\n\n" + t("tui.clear.result_retry"), style="bold")
    return text
