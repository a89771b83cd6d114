"""No text cut at 80×24, in Chinese and in English (after F8): every screen a clerk and a
supervisor reach, driven with Pilot on the demo app, read back as the terminal shows it
(``tests.support.screen_text``), with

- no "…" where Textual or the app cut a text to fit (texts that say "…" themselves —
  "正在查询…" — are told apart: only an ellipsis no catalogue text carries is a cut);
- no money amount, tax id or invoice number split across two lines, or cut at the right edge;
- nothing scrolled out sideways (a table wider than the screen hides its right-hand columns);
- no text longer than its widget (a line past a one-line widget's edge, lines below its bottom).

One exception, documented where it is made: a company name in the result list.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from rich.cells import cell_len
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Static

import tui.screens.backup as backup_screen
from storage.messages import catalogue
from tests.support.screen_text import screen_lines
from tests.support.tui import MISSING_NUMBER, NORMAL_NUMBER, demo_app, log_in, look_up, wait_for
from tui.app import FapiaoApp
from tui.screenshots import BAD_INVOICE
from tui.screenshots_admin import SHOT_NOW, audit_shot, backup_shot, log_in_as, users_shot
from tui.screenshots_clearing import (
    confirm_shot,
    kind_shot,
    log_shot,
    preflight_shot,
    report_shot,
    results_shot,
    scan_shot,
)

SIZE = (80, 24)
Step = Callable[[Pilot[Any]], Awaitable[None]]

#: One digit off a demo invoice's number: the diagnosis lists the near misses, with amounts.
TYPO_NUMBER = NORMAL_NUMBER[:-4] + "9001"  # …0001, …1001, …2001, …3001 are on file

#: Every field wrong in the longest way the rules know, in both languages.
LONGEST_REASONS = {
    "code": "1100263164", "number": "1234567", "date": "2019-01-05",
    "check_code": "12345678901234567890", "amount": "-16407.37", "tax": "1476.66",
    "total": "17884.30", "rate": "13%", "buyer_name": "长沙智远电子有限公司",
    "buyer_tax_id": "12345678901234", "seller_name": "北京某某商贸有限公司",
    "seller_tax_id": "91110105MA005AEF37",
}  # fmt: skip

# What must never be split: money (1,130.00), an 18-character tax id, an 8- or 20-digit number.
_WHOLE = re.compile(r"-?\d{1,3}(,\d{3})*\.\d{2}|[0-9A-Z]{18}|\d{8}|\d{20}")
_PIECE = re.compile(r"[-0-9A-Z,.]+")


# -- the screens


async def _login(pilot: Pilot[Any]) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "username")


async def _help(pilot: Pilot[Any]) -> None:
    await log_in(pilot)
    await pilot.press("f1")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "HelpScreen")


async def _results(pilot: Pilot[Any]) -> None:
    """Many rows, long counterparty names, red and void ones shown (F7 twice: off and on)."""
    await log_in(pilot)
    await pilot.press("f7", "f7")
    await look_up(pilot, "有限公司")


async def _results_void_hidden(pilot: Pilot[Any]) -> None:
    await log_in(pilot)
    await pilot.press("f7")
    await look_up(pilot, "有限公司")


async def _detail(pilot: Pilot[Any]) -> None:
    from tui.screens.detail import DetailScreen

    await log_in(pilot)
    await look_up(pilot, NORMAL_NUMBER)
    await pilot.press("down", "enter")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.view)


async def _not_found(pilot: Pilot[Any]) -> None:
    await log_in(pilot)
    await look_up(pilot, MISSING_NUMBER)


async def _candidates(pilot: Pilot[Any]) -> None:
    from tui.widgets.diagnosis import Diagnosis

    await log_in(pilot)
    await look_up(pilot, TYPO_NUMBER)
    diagnosis = pilot.app.screen.query_one(Diagnosis)
    assert diagnosis.has_candidates  # the near misses are listed, amounts and all
    await pilot.press("down")  # into the list: the first choice highlighted


async def _checklist(pilot: Pilot[Any], values: dict[str, str], focus: str) -> None:
    from tui.screens.checklist import ChecklistScreen

    await log_in(pilot)
    await pilot.press("f3")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, ChecklistScreen))
    screen = app.screen
    assert isinstance(screen, ChecklistScreen)
    for name, value in values.items():
        screen.box(name).value = value
    screen.box(focus).focus()
    await wait_for(pilot, lambda: bool(screen.items))
    await pilot.pause(0.3)


async def _checklist_longest(pilot: Pilot[Any]) -> None:
    await _checklist(pilot, LONGEST_REASONS, "buyer_tax_id")


async def _checklist_on_file(pilot: Pilot[Any]) -> None:
    """An invoice on file with its total mistyped: the differences table under the form."""
    await _checklist(pilot, BAD_INVOICE, "total")


async def _checklist_items(pilot: Pilot[Any]) -> None:
    await _checklist(pilot, LONGEST_REASONS, "number")
    await pilot.press("f3")  # the troubleshooting checklist's page
    await pilot.pause(0.2)


async def _disk(pilot: Pilot[Any]) -> None:
    from textual.widgets import DataTable

    await log_in(pilot)
    await pilot.press("f6")
    app = pilot.app
    await wait_for(pilot, lambda: app.screen.query("#disk-types")
                   and app.screen.query_one("#disk-types", DataTable).row_count > 0)  # fmt: skip


async def _tracking(pilot: Pilot[Any]) -> None:
    await log_in(pilot)
    await look_up(pilot, "住宿费")
    await pilot.press("down", "space", "space")


async def _mark(pilot: Pilot[Any]) -> None:
    from tui.screens.mark_dialog import MarkDialog

    await _tracking(pilot)
    await pilot.press("f9")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, MarkDialog))


async def _summary(pilot: Pilot[Any]) -> None:
    from tui.screens.summary import SummaryScreen

    await log_in(pilot)
    await pilot.press("f10")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen) and app.screen.summary)


async def _backup(pilot: Pilot[Any]) -> None:
    await backup_shot(pilot)


async def _clerk_backup(pilot: Pilot[Any]) -> None:
    """F5 as a clerk: what a clerk may not do there is said, not cut."""
    await log_in(pilot)
    await pilot.press("f5")
    await wait_for(pilot, lambda: type(pilot.app.screen).__name__ == "BackupScreen")


async def _audit_more(pilot: Pilot[Any]) -> None:
    await audit_shot(pilot)
    await pilot.press("m")
    await pilot.pause(0.2)


async def _supervisor_lookup(pilot: Pilot[Any]) -> None:
    await log_in_as(pilot, "super", "super")
    await look_up(pilot, "有限公司")


SCREENS: dict[str, Step] = {
    "login": _login,
    "help": _help,
    "results": _results,
    "results-void-hidden": _results_void_hidden,
    "detail": _detail,
    "not-found": _not_found,
    "candidates": _candidates,
    "checklist-longest": _checklist_longest,
    "checklist-on-file": _checklist_on_file,
    "checklist-items": _checklist_items,
    "clearing-preflight": preflight_shot,
    "clearing-report": report_shot,
    "clearing-kind": kind_shot,
    "clearing-scan": scan_shot,
    "clearing-confirm": confirm_shot,
    "clearing-results": results_shot,
    "clearing-log": log_shot,
    "backup": _backup,
    "backup-clerk": _clerk_backup,
    "disk": _disk,
    "tracking": _tracking,
    "mark": _mark,
    "summary": _summary,
    "users": users_shot,
    "audit": audit_shot,
    "audit-more": _audit_more,
    "supervisor-lookup": _supervisor_lookup,
}

# -- what counts as cut


def _deliberate_ellipses() -> set[str]:
    """The words next to an ellipsis that a catalogue text itself carries ("正在查询…")."""
    return {word for texts in catalogue().values() for text in texts
            for word in re.findall(r"\S*…", text)}  # fmt: skip


def _names_in_lists(app: FapiaoApp) -> set[str]:
    """THE ONE EXCEPTION: a counterparty's name in the result list is cut to its column
    (company names run to 30 cells and more; the number, status and amount keep theirs).
    Enter on the row shows the name whole in the detail view ("detail" below)."""
    from tui.widgets.invoice_table import InvoiceTable

    return {name for table in app.screen.query(InvoiceTable) for item in table.summaries
            for name in (item.buyer_name, item.counterparty_name)}  # fmt: skip


def _cut_ellipses(line: str, deliberate: set[str], names: set[str]) -> list[str]:
    cut = []
    for word in re.finditer(r"(\S+ ?)?…", line):
        shown = (word.group(1) or "").strip()
        if word.group().lstrip() in deliberate:
            continue
        if shown and any(name.startswith(shown) for name in names):
            continue  # a name cut in the result list (see _names_in_lists)
        cut.append(word.group())
    return cut


def _split_numbers(lines: list[str], width: int) -> list[str]:
    """Pieces of one money amount / tax id / number on two lines, or cut at the right edge."""
    found = []
    for row, line in enumerate(lines):
        for piece in _PIECE.finditer(line):
            text = piece.group().rstrip(",.")
            if not text or _WHOLE.fullmatch(text) or not re.search(r"\d", text):
                continue
            at_edge = cell_len(line[: piece.end()]) >= width
            below = lines[row + 1] if row + 1 < len(lines) else ""
            starts = [
                m.group()
                for m in _PIECE.finditer(below)
                if m.start() in (0, len(below) - len(below.lstrip()))
            ]
            if at_edge and len(text) >= 4:
                found.append(f"row {row}: {text!r} cut at the right edge")
            elif piece.end() == len(line.rstrip()) and any(
                _WHOLE.fullmatch(text + s.rstrip(",.")) for s in starts
            ):
                found.append(f"row {row}: {text!r} continues on the next line")
    return found


def _hidden_sideways(app: FapiaoApp) -> list[str]:
    """Widgets whose content is wider than they are (scrolled sideways: columns hidden)."""
    hidden = []
    for widget in app.screen.query(Widget):
        if isinstance(widget, Input) or not widget.display or not widget.region:
            continue
        if widget.is_scrollable and widget.max_scroll_x > 0:
            hidden.append(f"{widget!r} hides {widget.max_scroll_x} columns on the right")
    return hidden


def _clipped_texts(app: FapiaoApp) -> list[str]:
    """Texts longer than their place: a line past a one-line widget's edge, or lines below a
    widget's bottom (cut without any mark, so no "…" gives them away)."""
    clipped = []
    for widget in app.screen.query(Static):
        region = widget.content_region
        if not widget.display or not region or widget.is_container:
            continue
        parent = widget.parent
        container = parent.size if isinstance(parent, Widget) else app.size
        viewport = app.size
        if widget.styles.text_wrap == "nowrap":
            wide = widget.get_content_width(container, viewport)
            if wide > region.width:
                clipped.append(f"{widget!r}: {wide} cells shown in {region.width}")
        else:
            tall = widget.get_content_height(container, viewport, region.width)
            if tall > region.height:
                clipped.append(f"{widget!r}: {tall} lines shown in {region.height}")
    return clipped


def _problems(app: FapiaoApp, language: str, deliberate: set[str]) -> list[str]:
    lines = screen_lines(app)
    names = _names_in_lists(app)
    problems = [f"{language} row {row}: cut {word!r} in {line!r}" for row, line in enumerate(lines)
                for word in _cut_ellipses(line, deliberate, names)]  # fmt: skip
    problems += [f"{language} {p}" for p in _split_numbers(lines, SIZE[0])]
    problems += [f"{language} {p}" for p in _hidden_sideways(app)]
    problems += [f"{language} {p}" for p in _clipped_texts(app)]
    if problems:
        problems.append("\n".join(f"{row:2}|{line}" for row, line in enumerate(lines)))
    return problems


@pytest.mark.parametrize("language", ["zh", "en"])
@pytest.mark.parametrize("name", list(SCREENS))
async def test_no_text_is_cut_at_80x24(
    name: str, language: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_screen, "CLOCK", lambda: SHOT_NOW)  # the backup list's ages
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.store_state == "ready")
        if language == "en":
            await pilot.press("f8")  # on the login screen, as a clerk would
            await wait_for(pilot, lambda: app.language == "en")
        await SCREENS[name](pilot)
        await pilot.pause(0.3)
        assert app.language == language
        problems = _problems(app, language, _deliberate_ellipses())
    assert not problems, "\n".join(problems)
