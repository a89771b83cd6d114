"""No text cut at 80×24, in Chinese and in English (after F8): every screen a clerk and a
supervisor reach, driven with Pilot on the demo app, in Chinese and again after F8, read back
as the terminal shows it
(``tests.support.screen_text``), with

- no "…" where Textual or the app cut a text to fit (texts that say "…" themselves —
  "正在查询…" — are told apart: only an ellipsis no catalogue text carries is a cut);
- no money amount, tax id or invoice number split across two lines, or cut at the right edge;
- nothing scrolled out sideways (a table wider than the screen hides its right-hand columns);
- no text longer than its widget (a line past a one-line widget's edge, lines below its bottom).

One exception, documented where it is made: a company name in the result list.

The screens are reached along a few paths, one app each (starting an app and logging in costs
more than reading a screen): each screen is read as the path reaches it, in Chinese, then after
F8 in English, then F8 back to Chinese for the next one; a failure names the screen.
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
from tui.screenshots_admin import (
    SHOT_NOW,
    log_in_as,
    open_audit,
    open_backup,
    open_users,
    sample_accounts,
    sample_audit,
    shot_backups,
)
from tui.screenshots_clearing import (
    fresh_sample_backup,
    get_ready,
    open_log,
    open_wizard,
    sample_runs,
    to_confirm,
    to_kind,
    to_report,
    to_results,
    to_scan,
    unreport_two_types,
)

SIZE = (80, 24)

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


# -- walking the screens


class Walk:
    """One app walked along a path of screens, each read as the path reaches it; what is cut
    is kept with the screen's name."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot
        self.app: FapiaoApp = pilot.app  # type: ignore[assignment]
        self.deliberate = _deliberate_ellipses()
        self.problems: list[str] = []
        self.clearing: Any = None  # the F4 wizard, once the path has opened it

    async def read(self, name: str) -> None:
        """The screen now, in the app's language, once it has settled."""
        await self.pilot.pause(0.3)
        found = _problems(self.app, self.app.language, self.deliberate)
        self.problems += [f"{name}: {problem}" for problem in found]

    async def switch_language(self) -> None:
        wanted = "en" if self.app.language == "zh" else "zh"
        await self.pilot.press("f8")
        await wait_for(self.pilot, lambda: self.app.language == wanted)

    async def both(self, name: str) -> None:
        """In Chinese, then after F8 the same screen re-rendered in English; F8 again: back
        to Chinese for the rest of the path."""
        await self.read(name)
        await self.switch_language()
        await self.read(name)
        await self.switch_language()

    async def dialog(
        self,
        name: str,
        open_it: Callable[[], Awaitable[None]],
        close_it: Callable[[], Awaitable[None]],
    ) -> None:
        """A dialog keeps F8 to itself while open: opened over the screen switched to English
        and read, closed; then opened again over the screen back in Chinese and read (and left
        open for the path to go on)."""
        await self.switch_language()
        await open_it()
        await self.read(name)
        await close_it()
        await self.switch_language()
        await open_it()
        await self.read(name)


Step = Callable[[Walk], Awaitable[None]]


async def _screen_is(walk: Walk, name: str) -> None:
    await wait_for(walk.pilot, lambda: type(walk.app.screen).__name__ == name)


async def _look_up_again(walk: Walk, text: str) -> None:
    """The next query typed in the lookup box (the focus brought back to it first)."""
    from tui.screens.lookup import LookupScreen

    screen = walk.app.screen
    assert isinstance(screen, LookupScreen)
    screen.query_box.focus()
    await look_up(walk.pilot, text)


# The clerk at the lookup screen.


async def _login(walk: Walk) -> None:
    app = walk.app
    await wait_for(walk.pilot, lambda: app.focused is not None and app.focused.id == "username")


async def _help(walk: Walk) -> None:
    await log_in(walk.pilot)
    await walk.pilot.press("f1")
    await _screen_is(walk, "HelpScreen")


async def _results(walk: Walk) -> None:
    """Many rows, long counterparty names, red and void ones shown."""
    await walk.pilot.press("escape")  # the help closed
    await _screen_is(walk, "LookupScreen")
    await look_up(walk.pilot, "有限公司")


async def _results_void_hidden(walk: Walk) -> None:
    screen: Any = walk.app.screen
    shown = screen.result
    await walk.pilot.press("f7")  # the same query again, without them
    await wait_for(
        walk.pilot, lambda: screen.result is not shown and screen.result.query == shown.query
    )


async def _not_found(walk: Walk) -> None:
    await walk.pilot.press("f7")  # red and void shown again
    await _look_up_again(walk, MISSING_NUMBER)


async def _candidates(walk: Walk) -> None:
    from tui.widgets.diagnosis import Diagnosis

    await _look_up_again(walk, TYPO_NUMBER)
    diagnosis = walk.app.screen.query_one(Diagnosis)
    assert diagnosis.has_candidates  # the near misses are listed, amounts and all
    await walk.pilot.press("down")  # into the list: the first choice highlighted


async def _detail(walk: Walk) -> None:
    from textual.widgets import DataTable

    from tui.screens.detail import DetailScreen

    app = walk.app
    await _look_up_again(walk, NORMAL_NUMBER)
    await walk.pilot.press("down", "enter")
    await wait_for(walk.pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.view)
    # The lines' table is laid out a refresh later; on a busy machine, after a capture.
    lines = app.screen.query_one("#lines", DataTable)
    await wait_for(walk.pilot, lambda: lines.region.height > lines.row_count)


async def _tracking(walk: Walk) -> None:
    await walk.pilot.press("f2")  # back to the list
    await _screen_is(walk, "LookupScreen")
    await _look_up_again(walk, "住宿费")
    await walk.pilot.press("down", "space", "space")


async def _mark(walk: Walk) -> None:
    async def open_it() -> None:
        await walk.pilot.press("f9")
        await _screen_is(walk, "MarkDialog")

    async def close_it() -> None:
        await walk.pilot.press("escape")
        await _screen_is(walk, "LookupScreen")

    await walk.dialog("mark", open_it, close_it)


# The clerk's other modes.


async def _summary(walk: Walk) -> None:
    from tui.screens.summary import SummaryScreen

    app = walk.app
    await log_in(walk.pilot)
    await walk.pilot.press("f10")
    await wait_for(walk.pilot, lambda: isinstance(app.screen, SummaryScreen) and app.screen.summary)


async def _disk(walk: Walk) -> None:
    from textual.widgets import DataTable

    app = walk.app
    await walk.pilot.press("f6")
    await wait_for(walk.pilot, lambda: app.screen.query("#disk-types")
                   and app.screen.query_one("#disk-types", DataTable).row_count > 0)  # fmt: skip


async def _clerk_backup(walk: Walk) -> None:
    """F5 as a clerk: what a clerk may not do there is said, not cut."""
    await walk.pilot.press("f5")
    await _screen_is(walk, "BackupScreen")


async def _checklist(
    walk: Walk, values: dict[str, str], focus: str, *, on_file: bool = False
) -> None:
    """The form filled with ``values``, ``focus`` focused, the store's answer shown (with
    ``on_file``: the differences from the invoice on file)."""
    from tui.screens.checklist import ChecklistScreen

    screen = walk.app.screen
    assert isinstance(screen, ChecklistScreen)
    for name, value in values.items():
        screen.box(name).value = value
    screen.box(focus).focus()
    await wait_for(
        walk.pilot, lambda: bool(screen.items) and (bool(screen.differences) or not on_file)
    )
    await walk.pilot.pause(0.3)


async def _checklist_longest(walk: Walk) -> None:
    await walk.pilot.press("f3")
    await _screen_is(walk, "ChecklistScreen")
    await _checklist(walk, LONGEST_REASONS, "buyer_tax_id")


async def _checklist_items(walk: Walk) -> None:
    await _checklist(walk, {}, "number")
    await walk.pilot.press("f3")  # the troubleshooting checklist's page
    await walk.pilot.pause(0.2)


async def _checklist_on_file(walk: Walk) -> None:
    """An invoice on file with its total mistyped: the differences table under the form."""
    await walk.pilot.press("f3", "ctrl+n")  # back to the form, emptied
    await _checklist(walk, BAD_INVOICE, "total", on_file=True)


# The supervisor's screens, on fixed sample data written before the log-in.


async def _supervisor_lookup(walk: Walk) -> None:
    app = walk.app
    await wait_for(walk.pilot, lambda: app.store_state == "ready")
    with app.store_connection():
        sample_audit()  # first: its entries numbered as when it is alone
        sample_accounts()
        sample_runs()
    shot_backups(app)
    await log_in_as(walk.pilot, "super", "super")
    await look_up(walk.pilot, "有限公司")


async def _users(walk: Walk) -> None:
    await open_users(walk.pilot)


async def _audit(walk: Walk) -> None:
    await open_audit(walk.pilot)


async def _audit_more(walk: Walk) -> None:
    await walk.pilot.press("m")
    await walk.pilot.pause(0.2)


async def _clearing_log(walk: Walk) -> None:
    await open_log(walk.pilot)


async def _backup(walk: Walk) -> None:
    await open_backup(walk.pilot)


# The F4 clearing wizard, step by step, as the supervisor.


async def _clearing_preflight(walk: Walk) -> None:
    """The first look: not logged in to the disk, no backup, the return not confirmed."""
    walk.clearing = await open_wizard(walk.pilot, backup=False)


async def _clearing_report(walk: Walk) -> None:
    """Two types not reported yet: the report step comes first."""
    await unreport_two_types(walk.pilot)
    fresh_sample_backup(walk.app)
    await get_ready(walk.pilot, walk.clearing)
    await to_report(walk.pilot, walk.clearing)


async def _clearing_kind(walk: Walk) -> None:
    screen = walk.clearing
    await walk.pilot.press("enter")  # reported
    await wait_for(
        walk.pilot, lambda: screen.report_results is not None and screen.running is None, timeout=30
    )
    await walk.pilot.press("escape")  # back to the checks, all passing now
    await wait_for(
        walk.pilot,
        lambda: screen.step == "preflight" and screen.running is None and screen.pre.ok,
        timeout=10,
    )
    await to_kind(walk.pilot, screen)
    await walk.pilot.press("down", "down")  # 专项: its types are listed to choose from


async def _clearing_scan(walk: Walk) -> None:
    screen = walk.clearing
    await walk.pilot.press("up", "up")
    assert screen.chosen_kind().value == "ordinary"  # the recommendation, as first shown
    await to_scan(walk.pilot, screen)


async def _clearing_confirm(walk: Walk) -> None:
    async def close_it() -> None:
        await walk.pilot.press("escape")
        await _screen_is(walk, "ClearingScreen")

    await walk.dialog("clearing-confirm", lambda: to_confirm(walk.pilot), close_it)


async def _clearing_results(walk: Walk) -> None:
    await to_results(walk.pilot, walk.clearing)


#: Each path one app, its screens in the order reached; each step goes on from the one before.
PATHS: dict[str, list[tuple[str, Step]]] = {
    "clerk-lookup": [
        ("login", _login),
        ("help", _help),
        ("results", _results),
        ("results-void-hidden", _results_void_hidden),
        ("not-found", _not_found),
        ("candidates", _candidates),
        ("detail", _detail),
        ("tracking", _tracking),
        ("mark", _mark),
    ],
    "clerk-modes": [
        ("summary", _summary),
        ("disk", _disk),
        ("backup-clerk", _clerk_backup),
        ("checklist-longest", _checklist_longest),
        ("checklist-items", _checklist_items),
        ("checklist-on-file", _checklist_on_file),
    ],
    "supervisor": [
        ("supervisor-lookup", _supervisor_lookup),
        ("users", _users),
        ("audit", _audit),
        ("audit-more", _audit_more),
        ("clearing-log", _clearing_log),
        ("backup", _backup),
    ],
    "clearing": [
        ("clearing-preflight", _clearing_preflight),
        ("clearing-report", _clearing_report),
        ("clearing-kind", _clearing_kind),
        ("clearing-scan", _clearing_scan),
        ("clearing-confirm", _clearing_confirm),
        ("clearing-results", _clearing_results),
    ],
}

#: Dialogs that keep F8 to themselves while open: their steps read them (``Walk.dialog``).
MODAL = {"clearing-confirm", "mark"}

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


@pytest.mark.parametrize("path", list(PATHS))
async def test_no_text_is_cut_at_80x24(
    path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every screen of the path in Chinese, then after F8 the same screen re-rendered in
    English; a dialog in English, then in Chinese (``Walk.dialog``)."""
    monkeypatch.setattr(backup_screen, "CLOCK", lambda: SHOT_NOW)  # the backup list's ages
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        walk = Walk(pilot)
        await wait_for(pilot, lambda: app.store_state == "ready")
        for name, step in PATHS[path]:
            try:
                await step(walk)
            except (AssertionError, TimeoutError) as exc:
                raise AssertionError(f"{name}: the screen was not reached: {exc}") from exc
            if name not in MODAL:
                await walk.both(name)
    assert not walk.problems, "\n".join(walk.problems)
