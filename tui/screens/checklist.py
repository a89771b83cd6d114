"""信息核对 (F3): every field of an invoice with its verdict as you type, the scanner's QR
filling the whole form at once, the invoice on file compared side by side, and the
troubleshooting checklist with the checks the machine can do done for you.

The field rules run on each keystroke (well under a millisecond: no worker). What needs the
store — the invoice on file and the checklist — runs in a thread worker 150 ms after the
last change; a result for a form that has changed since is dropped.
"""

from __future__ import annotations

import datetime as dt
import locale
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.events import DescendantFocus, Resize, ScreenResume
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Checkbox, Input, Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from storage.checklist.troubleshooting import ChecklistFacts, TerminalInfo
from storage.private_folder import private_folder
from storage.rules.field_checks import (
    FieldVerdict,
    InvoiceDraft,
    Verdict,
    check_invoice,
    effective_type,
)
from storage.rules.qr import QrError, QrInvoice, looks_like_qr, parse_qr
from tui.language import t, user_text
from tui.scanner_bridge import Scanned
from tui.screens.base import DeskScreen, Hints
from tui.typing_focus import focus_and_type
from tui.widgets.checklist_items import ChecklistItems
from tui.widgets.field_form import (
    TYPED_FIELDS,
    FieldRow,
    FormRow,
    TypeRow,
    differences_table,
    verdict_text,
)

if TYPE_CHECKING:
    from storage.accounts.users import Session
    from storage.checklist.cross_check import Difference
    from storage.checklist.troubleshooting import ChecklistItem

DEBOUNCE = 0.15
_COLOURS = {"truecolor": 16_777_216, "256": 256, "standard": 16, "windows": 16}


class StoreChecked(Message):
    """The invoice on file compared, and the checklist run, for ``draft``."""

    def __init__(
        self, draft: InvoiceDraft, differences: list[Difference], items: list[ChecklistItem]
    ) -> None:
        super().__init__()
        self.draft = draft
        self.differences = differences
        self.items = items


class ReportSaved(Message):
    def __init__(self, paths: list[Path], error: str = "") -> None:
        super().__init__()
        self.paths = paths
        self.error = error


def find_qr(text: str) -> tuple[str, QrInvoice | None, str]:
    """A QR string typed at the end of a field by a keyboard-wedge scanner:
    (what the field held before it, the invoice or None, the parse error or "")."""
    failed: tuple[str, str] | None = None
    for match in re.finditer("01,", text):
        candidate = text[match.start() :]
        if not looks_like_qr(candidate):
            continue
        try:
            return text[: match.start()], parse_qr(candidate), ""
        except QrError as exc:
            failed = failed or (text[: match.start()], user_text(exc))
    if failed is not None:
        return failed[0], None, failed[1]
    return text, None, ""


def _colours(app: object) -> int:
    theme = str(getattr(app, "theme", ""))
    if theme.startswith("ansi"):
        return 16  # the app draws with the terminal's own 16 colours
    console = getattr(app, "console", None)
    return _COLOURS.get(str(getattr(console, "color_system", "") or ""), 2)


def _encoding() -> str:
    stream = sys.__stdout__
    return getattr(stream, "encoding", None) or locale.getpreferredencoding(False) or "?"


def _safe_name(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]", "", text)[:20] or "blank"


class ChecklistScreen(DeskScreen):
    HINTS: ClassVar[Hints] = (
        ("F1", "tui.key.help"),
        ("F2", "tui.key.lookup"),
        ("F3", "tui.checklist.key_page"),
        ("^F", "tui.checklist.key_fix"),
        ("^S", "tui.checklist.key_save"),
        ("^N", "tui.checklist.key_clear"),
        ("F8", "tui.key.language"),
        ("^Q", "tui.key.quit"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="checklist.back"),
        # F3 on this screen turns the page between the fields and the checklist.
        Binding("f3", "switch_page", show=False, id="checklist.page"),
        Binding("ctrl+f", "apply_fix", show=False, id="checklist.fix"),
        Binding("ctrl+s", "save", show=False, id="checklist.save"),
        Binding("ctrl+n", "clear", show=False, id="checklist.clear"),
    ]
    DEFAULT_CSS = """
    ChecklistScreen #check-tabs { height: 1fr; }
    ChecklistScreen #check-tabs > ContentSwitcher { height: 1fr; }
    ChecklistScreen TabPane { height: 1fr; padding: 0; }
    ChecklistScreen #check-summary {
        height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis;
    }
    ChecklistScreen #field-form { height: 1fr; padding: 0 1; }
    ChecklistScreen #differences { height: auto; }
    ChecklistScreen #field-detail {
        height: auto; min-height: 2; max-height: 4; padding: 0 1; background: $panel;
    }
    ChecklistScreen #items-hint { height: auto; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._timer: Timer | None = None
        self._type_given = ""  # the verification type a QR gave; typed invoices infer it
        self._qr_type = ""  # the type printed in the QR, when it was scanned
        self._ticked: set[str] = set()
        self._last_field = TYPED_FIELDS[0]  # where F3 brings the clerk back to
        self.verdicts: list[FieldVerdict] = []
        self.differences: list[Difference] = []
        self.items: list[ChecklistItem] = []

    def compose_body(self) -> ComposeResult:
        with TabbedContent(id="check-tabs"):
            with TabPane(t("tui.checklist.tab_fields"), id="fields-page"):
                yield Static(id="check-summary")
                with VerticalScroll(id="field-form"):
                    yield TypeRow()
                    for name in TYPED_FIELDS:
                        yield FieldRow(name)
                    yield Static(id="differences")
                yield Static(id="field-detail")
            with TabPane(t("tui.checklist.tab_items"), id="items-page"):
                yield Static(id="items-hint")
                yield ChecklistItems(id="items")

    # -- parts

    def box(self, name: str) -> Input:
        return self.query_one(f"#field-{name}", Input)

    @property
    def red_box(self) -> Checkbox:
        return self.query_one("#field-red", Checkbox)

    @property
    def tabs(self) -> TabbedContent:
        return self.query_one("#check-tabs", TabbedContent)

    @property
    def checklist(self) -> ChecklistItems:
        return self.query_one(ChecklistItems)

    def draft(self) -> InvoiceDraft:
        values: dict[str, Any] = {name: self.box(name).value for name in TYPED_FIELDS}
        return InvoiceDraft(type=self._type_given, red=self.red_box.value, **values)

    def _today(self) -> dt.date:
        return self.desk.today or dt.date.today()

    # -- life cycle and language

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#differences").display = False
        self.retranslate()
        self.box(TYPED_FIELDS[0]).focus()

    def retranslate(self) -> None:
        self.tabs.get_tab("fields-page").label = t("tui.checklist.tab_fields")
        self.tabs.get_tab("items-page").label = t("tui.checklist.tab_items")
        for row in self.query(FieldRow):
            row.retranslate()
        self.query_one(TypeRow).retranslate()
        self.query_one("#items-hint", Static).update(t("tui.checklist.items_hint"))
        self._recheck(store=False)  # the form has not changed: its store check stands
        self._show_differences(self.differences)
        self.checklist.show(self.items)  # messages: said again, the store not asked again

    def on_screen_resume(self, event: ScreenResume) -> None:
        self._check_store_now()  # a sync or another clerk may have changed the store

    def on_resize(self, event: Resize) -> None:
        self._schedule_store_check()  # the terminal item reports the size

    # -- the field rules, on every change

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("field-"):
            self._recheck()

    @on(Checkbox.Changed, "#field-red")
    def _red_changed(self) -> None:
        self._recheck()

    def _recheck(self, *, store: bool = True) -> None:
        """The verdicts for the form as it is now; ``store``: check the store again soon."""
        draft = self.draft()
        self.verdicts = check_invoice(draft, today=self._today())
        by_field = {v.field: v for v in self.verdicts}
        stored = {d.field: d.stored for d in self.differences}
        for row in self.query(FieldRow):
            empty = not getattr(draft, row.field).strip()
            row.show(by_field[row.field], empty=empty, stored=stored.get(row.field))
        nothing_yet = not (draft.code.strip() or draft.number.strip() or self._type_given)
        self.query_one(TypeRow).show_type(
            by_field["type"], effective_type(draft.cleaned()), self._qr_type, empty=nothing_yet
        )
        self._show_summary()
        self._show_detail()
        if store:
            self._schedule_store_check()

    def _show_summary(self) -> None:
        draft = self.draft()
        filled = [v for v in self.verdicts if v.field != "type" and getattr(draft, v.field).strip()]
        if not filled:
            text = Text(t("tui.checklist.start"))
        else:
            errors = sum(v.verdict is Verdict.ERROR for v in self.verdicts)
            warnings = sum(v.verdict is Verdict.WARNING for v in self.verdicts)
            if errors or warnings:
                parts = [t("tui.checklist.errors", n=errors)] if errors else []
                parts += [t("tui.checklist.warnings", n=warnings)] if warnings else []
                text = Text("  ".join(parts), style="bold red" if errors else "bold yellow")
            else:
                text = Text(t("tui.checklist.summary_ok"))
        if self.differences:
            text.append("  " + t("tui.checklist.differs", n=len(self.differences)), style="bold")
        self.query_one("#check-summary", Static).update(text)

    def _focused_field(self) -> str | None:
        focused = self.focused
        if focused is not None and focused.id and focused.id.startswith("field-"):
            return focused.id.removeprefix("field-")
        return None

    def _show_detail(self) -> None:
        """The focused field's reason in full, and its fix."""
        name = self._focused_field()
        by_field = {v.field: v for v in self.verdicts}
        detail = self.query_one("#field-detail", Static)
        if name == "red":
            detail.update(t("tui.checklist.red_hint"))
            return
        if name is None or name not in by_field:
            detail.update(t("tui.checklist.start"))
            return
        verdict = by_field[name]
        empty = not self.box(name).value.strip()
        stored = next((d.stored for d in self.differences if d.field == name), None)
        text = Text(t("tui.checklist.detail_field", field=t(f"checks.field.{name}")), style="bold")
        text.append_text(verdict_text(verdict, empty=empty))
        if stored is not None:
            text.append("\n≠ " + t("tui.checklist.on_file", value=stored), style="bold")
        if verdict.fix and verdict.fix != self.box(name).value:
            text.append("\n→ ")
            text.append(t("tui.checklist.fix", fix=verdict.fix), style="bold reverse")
        detail.update(text)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        for row in self.query(FormRow):  # the focused field's label shows which row is current
            current = event.widget in row.children
            row.set_class(current, "-current")
            if current:
                row.scroll_visible(
                    animate=False
                )  # its reason's wrapped lines too, not the box alone
        name = self._focused_field()
        if name in TYPED_FIELDS:
            self._last_field = name
        self._show_detail()

    def on_key(self, event: events.Key) -> None:
        """Typing (or a wedge scan) on the checklist page goes into the form: the number box
        gets the characters, and a scan's Enter then fills the form instead of ticking."""
        if not (event.is_printable and event.character) or event.key in self.active_bindings:
            return  # space ticks the item under the cursor
        # (The keys of a burst after this one wait until the box has the focus: key_order.)
        if self.tabs.active != "items-page":
            return
        event.stop()
        self.tabs.active = "fields-page"
        focus_and_type(self, self.box("number"), event.character)

    # -- keys

    async def action_back(self) -> None:
        await self.app.run_action("open('lookup')")

    def action_switch_page(self) -> None:
        if self.tabs.active == "fields-page":
            self.tabs.active = "items-page"
            self.checklist.focus()
        else:
            self.tabs.active = "fields-page"
            self.box(self._last_field).focus()

    def action_apply_fix(self) -> None:
        name = self._focused_field()
        verdict = next((v for v in self.verdicts if v.field == name), None)
        if name is None or verdict is None or not verdict.fix:
            self.app.bell()
            return
        box = self.box(name)
        box.value = verdict.fix
        box.cursor_position = len(box.value)

    def action_clear(self) -> None:
        self._fill(dict.fromkeys(TYPED_FIELDS, ""), type_given="", qr_type="", red=False)
        self._ticked.clear()
        self.tabs.active = "fields-page"
        self.box(TYPED_FIELDS[0]).focus()

    # -- the scanner

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        box = event.input
        if not (box.id and box.id.startswith("field-")):
            return
        before, qr, error = find_qr(box.value)
        if qr is not None:
            self.fill_from_qr(qr)
            box.select_all()  # the next scan replaces what this one wrote
        elif error:
            box.value = before
            self.notify(error, severity="error", timeout=6)
        else:
            self.focus_next()

    def on_scanned(self, event: Scanned) -> None:
        _, qr, error = find_qr(event.text)
        if qr is None:
            detail = error or t("tui.checklist.not_a_scan", text=event.text[:40])
            self.notify(detail, severity="error", timeout=6)
            return
        self.fill_from_qr(qr)
        if self.tabs.active != "fields-page":
            self.tabs.active = "fields-page"
            self.box("number").focus()

    def fill_from_qr(self, qr: QrInvoice) -> None:
        """The whole form from one QR, in one redraw; what the QR lacks is emptied."""
        values = dict.fromkeys(TYPED_FIELDS, "")
        values.update(code=qr.code, number=qr.number, date=qr.date.isoformat(),
                      check_code=qr.check_code)  # fmt: skip
        values["total" if qr.amount_is_total else "amount"] = f"{qr.amount:.2f}"
        self._fill(values, type_given=qr.type, qr_type=qr.qr_type, red=qr.amount < 0)
        self._check_store_now()

    def _fill(self, values: dict[str, str], *, type_given: str, qr_type: str, red: bool) -> None:
        with self.app.batch_update(), self.prevent(Input.Changed, Checkbox.Changed):
            for name, value in values.items():
                self.box(name).value = value
            self.red_box.value = red
            self._type_given, self._qr_type = type_given, qr_type
            self.differences = []
            self._show_differences([])
            self._recheck()

    # -- what needs the store: the invoice on file and the checklist

    def _checklist_facts(self) -> ChecklistFacts:
        """Everything the checklist needs beyond the store and the form: the disk as the
        header's poller last saw it (None = no disk configured: "could not find out")."""
        size = self.app.size
        disk = self.desk.disk_state
        disk_seq, store_seq = self.desk.disk_live.lookup_seqs()
        return ChecklistFacts(
            disk_connected=disk.connected if disk.configured else None,
            disk_last_seq=disk_seq,
            store_last_seq=store_seq,
            terminal=TerminalInfo(size.width, size.height, _colours(self.app), _encoding()),
            notices=tuple(self.desk.settings.notices),
            ticked=frozenset(self._ticked),
        )

    def _schedule_store_check(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE, self._check_store_now)

    def _check_store_now(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        session = self.desk.session
        if session is None or not self.is_mounted:
            return
        self._run_store_checks(self.draft(), session, self._checklist_facts())

    @work(thread=True, exclusive=True, group="checks", exit_on_error=False, name="store-checks")
    def _run_store_checks(
        self, draft: InvoiceDraft, session: Session, facts: ChecklistFacts
    ) -> None:
        from storage.checklist.cross_check import cross_check
        from storage.checklist.troubleshooting import run_checklist

        worker = get_current_worker()
        with self.desk.store_connection():
            differences = cross_check(draft, session)
            items = run_checklist(draft, session, facts)
        if not worker.is_cancelled:
            self.post_message(StoreChecked(draft, differences, items))

    def on_store_checked(self, event: StoreChecked) -> None:
        if event.draft != self.draft():
            return  # the form has changed since; a newer check is on its way
        self.items = event.items
        self.checklist.show(event.items)
        if event.differences != self.differences:
            self.differences = event.differences
            self._show_differences(event.differences)
            self._recheck(store=False)

    def _show_differences(self, differences: list[Difference]) -> None:
        shown = self.query_one("#differences", Static)
        shown.display = bool(differences)
        if differences:
            shown.update(differences_table(differences))

    @on(ChecklistItems.Ticked)
    def _ticked_item(self, event: ChecklistItems.Ticked) -> None:
        self._ticked ^= {event.key}
        self._check_store_now()

    # -- the report

    def action_save(self) -> None:
        session = self.desk.session
        if session is None:
            return
        made_at = dt.datetime.now()
        self._save_report(self.draft(), session, self._checklist_facts(), self._today(), made_at)

    @work(thread=True, exclusive=True, group="report", exit_on_error=False, name="save-report")
    def _save_report(
        self, draft: InvoiceDraft, session: Session, facts: ChecklistFacts, today: dt.date,
        made_at: dt.datetime,
    ) -> None:  # fmt: skip
        from storage.checklist.cross_check import cross_check
        from storage.checklist.report import CheckReport, save_report
        from storage.checklist.troubleshooting import run_checklist
        from storage.config.settings import data_dir

        with self.desk.store_connection():
            differences = cross_check(draft, session)
            items = run_checklist(draft, session, facts)
        report = CheckReport(draft=draft, verdicts=check_invoice(draft, today=today), items=items,
                             differences=differences, session=session, made_at=made_at)  # fmt: skip
        folder = data_dir() / "reports"
        stem = f"check-{_safe_name(draft.cleaned().number)}-{made_at:%Y%m%d-%H%M%S}"
        try:
            private_folder(folder)
            paths = [save_report(report, folder / f"{stem}{ext}") for ext in (".txt", ".xlsx")]
        except OSError as exc:
            self.post_message(ReportSaved([], error=str(exc)))
            return
        self.post_message(ReportSaved(paths))

    def on_report_saved(self, event: ReportSaved) -> None:
        if event.error:
            failed = t("tui.checklist.save_failed", detail=event.error)
            self.notify(failed, severity="error", timeout=8)
            return
        txt, xlsx = (str(path) for path in event.paths)
        self.notify(t("tui.checklist.saved", txt=txt, xlsx=xlsx), timeout=10)
