"""清卡 (F4): the clearing wizard — checks, report, kind, scan, a supervisor's confirmation, the
clear with its progress, the results and a retry of only the failed types.

Everything the disk or the store decides happens in ``devices.clearing`` (which checks the
roles, journals and audits); this screen asks, shows progress and presents the answers. All
disk and store work runs in thread workers that post their results back, one at a time; a
key only starts one, so each answers at once. On entering, whatever a crash left unfinished
is settled with the disk first and the user is told.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message as TextualMessage
from textual.widgets import (
    ContentSwitcher,
    DataTable,
    Input,
    Label,
    OptionList,
    ProgressBar,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option
from textual.worker import Worker

from devices.clearing.model import Action, ClearPlan
from devices.client import ClearKind
from storage.messages import Listing, Message, MessageError
from tui.language import Said, msg, said_of, t, text_of
from tui.screens.base import DeskScreen, Hints
from tui.screens.clearing_dialogs import PinDialog, SupervisorDialog
from tui.screens.dialogs import PassphraseDialog, SetPassphraseDialog
from tui.widgets import clearing_panels as panels
from tui.widgets.key_hints import KeyHints

if TYPE_CHECKING:
    from devices.clearing.model import ClearingContext, ClearOutcome, Preflight, Scan, TypeResult
    from devices.client import TypeStatus
    from storage.accounts.users import Approval, Session
    from storage.clearing.journal import LockHolder

#: How often progress goes to the screen (over SSH, fewer redraws is better).
PROGRESS_EVERY = 0.1
CHINA = dt.timezone(dt.timedelta(hours=8))
KINDS = (ClearKind.ORDINARY, ClearKind.SPECIAL, ClearKind.SPECIFIC, ClearKind.ANNUAL)
_WITH_TYPES = (ClearKind.SPECIFIC, ClearKind.SPECIAL)
#: The scan table's columns; each is as wide as its widest cell, one cell apart (the table's
#: own two-cell padding does not leave room at 80 columns in English).
_SCAN_COLUMNS = ("type", "state", "count", "void", "red", "amount", "tax", "store")
#: What a running step is called on the progress row and in the quit question.
_PHASES = {"upload": "tui.clear.uploading", "backup": "tui.clear.backing_up",
           "report": "tui.clear.reporting", "clear": "clear.cmd.CLEAR"}  # fmt: skip


def failure_text(exc: BaseException) -> Said:
    """What the status line says for a step that could not go on, and the fix where the
    flow names one; never a traceback. Kept as a message: said again on F8."""
    from devices.errors import DiskProblem

    if isinstance(exc, DiskProblem) and not isinstance(exc, MessageError):
        return msg("clear.error.disk_problem", detail=str(exc))
    said = said_of(exc)
    fix = getattr(exc, "fix", None)
    if isinstance(fix, Message):
        return msg("tui.clear.refused_with_fix", text=said, fix=fix)
    return said


def _caught() -> tuple[type[BaseException], ...]:
    """The failures a step reports in words (anything else is a bug: logged, told once)."""
    from storage.errors import FapiaoError

    return (FapiaoError, OSError)


class Checked(TextualMessage):
    def __init__(self, pre: Preflight, holder: LockHolder | None, types: tuple[TypeStatus, ...],
                 ask: bool, new_key: bool, notices: list[Message]) -> None:  # fmt: skip
        super().__init__()
        self.pre = pre
        self.holder = holder
        self.types = types
        self.ask = ask  # the backup passphrase must be typed in
        self.new_key = new_key
        self.notices = notices  # what settling an unfinished step found


class Progressed(TextualMessage):
    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class Finished(TextualMessage):
    """A step's worker is done: ``ok`` with ``value``, or ``text`` says why not."""

    def __init__(self, what: str, ok: bool, text: Said = "", value: Any = None,
                 notices: list[Message] | None = None) -> None:  # fmt: skip
        super().__init__()
        self.what = what
        self.ok = ok
        self.text = text
        self.value = value
        self.notices = notices or []


class ClearingScreen(DeskScreen):
    DEFAULT_CSS = """
    ClearingScreen .clear-line { height: 1; padding: 0 1; text-wrap: nowrap; text-overflow: ellipsis; }
    ClearingScreen #clear-body { height: 1fr; }
    ClearingScreen .clear-step { height: 1fr; padding: 0 1; }
    ClearingScreen #kind-step { padding: 0 1; }
    ClearingScreen #kind-title { height: 1; }
    ClearingScreen #kind-list { height: auto; max-height: 8; border: none; padding: 0; }
    ClearingScreen #kind-types-label { height: 1; margin-top: 1; }
    ClearingScreen #kind-types { height: auto; max-height: 6; border: none; padding: 0; }
    ClearingScreen #kind-reason-row { height: 1; margin-top: 1; }
    ClearingScreen #kind-reason-label { width: auto; margin-right: 1; }
    ClearingScreen #kind-reason { width: 1fr; }
    ClearingScreen #scan-step { padding: 0 1; }
    ClearingScreen #scan-table { height: auto; max-height: 7; }
    ClearingScreen #scan-notes-box { height: 1fr; }
    ClearingScreen #clear-progress-row { height: 1; padding: 0 1; }
    ClearingScreen #clear-phase { width: auto; margin-right: 1; }
    ClearingScreen #clear-progress { width: auto; }
    ClearingScreen #clear-count { width: 1fr; margin-left: 1; text-wrap: nowrap; }
    ClearingScreen #clear-status { height: auto; max-height: 3; padding: 0 1; }
    ClearingScreen #clear-status.-error { text-style: bold; color: $error; }
    """
    HINTS: ClassVar[Hints] = ()
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="clearing.back"),
        Binding("enter", "next", show=False, id="clearing.next"),
        Binding("p", "login", show=False, id="clearing.login"),
        Binding("u", "upload", show=False, id="clearing.upload"),
        Binding("b", "backup", show=False, id="clearing.backup"),
        Binding("c", "toggle_filed", show=False, id="clearing.filed"),
        Binding("r", "again", show=False, id="clearing.again"),
        Binding("l", "log", show=False, id="clearing.log"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.step = "preflight"
        self.running: str | None = (
            None  # check | login | upload | backup | report | scan | clear | retry
        )
        self.pre: Preflight | None = None
        self.holder: LockHolder | None = None
        self.types: tuple[TypeStatus, ...] = ()  # the period's types, as the disk has them
        self.filed = False
        self.ask_passphrase = False
        self.new_key = False
        self.report_results: list[TypeResult] | None = None
        self.plan: ClearPlan | None = None
        self.scan: Scan | None = None
        self.outcome: ClearOutcome | None = None
        self.progress: tuple[int, int] | None = None
        self._message: tuple[str | Message, bool] = ("", False)
        self._modal_open = False

    # -- layout

    def compose_body(self) -> ComposeResult:
        yield Static(id="clear-steps", classes="clear-line")
        yield Static(id="clear-info", classes="clear-line")
        with ContentSwitcher(id="clear-body", initial="preflight-step"):
            with VerticalScroll(id="preflight-step", classes="clear-step"):
                yield Static(id="preflight-checks")
            with VerticalScroll(id="report-step", classes="clear-step"):
                yield Static(id="report-text")
            with Vertical(id="kind-step"):
                yield Static(id="kind-title")
                yield OptionList(id="kind-list", compact=True)
                yield Static(id="kind-types-label")
                yield SelectionList[str](id="kind-types", compact=True)
                with Horizontal(id="kind-reason-row"):
                    yield Label(id="kind-reason-label")
                    yield Input(id="kind-reason", compact=True, max_length=200)
            with Vertical(id="scan-step"):
                yield DataTable(id="scan-table", cursor_type="none", zebra_stripes=False)
                with VerticalScroll(id="scan-notes-box"):
                    yield Static(id="scan-notes")
            with VerticalScroll(id="execute-step", classes="clear-step"):
                yield Static(id="execute-text")
            with VerticalScroll(id="results-step", classes="clear-step"):
                yield Static(id="results-text")
        with Horizontal(id="clear-progress-row"):
            yield Static(id="clear-phase")
            yield ProgressBar(id="clear-progress", show_eta=False)
            yield Static(id="clear-count")
        yield Static(id="clear-status")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#clear-progress-row").display = False
        self.query_one("#scan-table", DataTable).can_focus = False
        self.query_one("#kind-reason", Input).cursor_blink = False
        self.retranslate()

    def on_screen_resume(self) -> None:
        """Entering F4 (and coming back to it): settle and check again, unless a question of
        this screen just closed or something runs."""
        if self._modal_open:
            self._modal_open = False
            return
        if self.step == "preflight" and self.running is None:
            self._check()

    def retranslate(self) -> None:
        self.query_one("#clear-steps", Static).update(panels.steps_line(self.step))
        self.query_one("#clear-info", Static).update(panels.info_line(self.pre, self.holder))
        self._show_preflight()
        self.query_one("#report-text", Static).update(
            panels.report_panel(self._report_types(), self.report_results)
        )
        self.query_one("#kind-title", Static).update(t("tui.clear.kind_title"))
        self.query_one("#kind-types-label", Static).update(t("tui.clear.types_label"))
        self.query_one("#kind-reason-label", Label).update(t("tui.clear.reason_label"))
        self.query_one("#kind-reason", Input).placeholder = t("tui.clear.reason_placeholder")
        self._fill_kinds()
        self._fill_types()
        self._show_scan()
        self._show_execute()
        if self.outcome is not None and self.plan is not None:
            self.query_one("#results-text", Static).update(
                panels.outcome_panel(self.outcome, self.plan.period)
            )
        self._show_progress()
        self._say(*self._message)
        self._show_hints()

    # -- showing

    def _go(self, step: str) -> None:
        self.step = step
        self.query_one("#clear-body", ContentSwitcher).current = f"{step}-step"
        self.query_one("#clear-steps", Static).update(panels.steps_line(step))
        self._show_hints()
        if step == "kind":
            self.query_one("#kind-list", OptionList).focus()
        else:
            self.set_focus(self.query_one(f"#{step}-step" if step != "scan" else "#scan-notes-box"))

    def _show_preflight(self) -> None:
        checks = self.query_one("#preflight-checks", Static)
        if self.pre is None:
            checks.update(t("tui.clear.checking") if self.running == "check" else "")
        else:
            checks.update(panels.checks_panel(self.pre))

    def _show_scan(self) -> None:
        table = self.query_one("#scan-table", DataTable)
        table.clear(columns=True)
        notes = self.query_one("#scan-notes", Static)
        found = self.scan
        rows: list[list[str]] = []
        for line in found.types if found is not None else ():
            disk, store = line.disk, line.store
            rows.append([panels.type_label(line.type), t(f"clear.state.{line.state}"),
                         str(disk.count), str(disk.void), str(disk.red), f"{disk.amount:,.2f}",
                         f"{disk.tax:,.2f}", str(store.count) if store else "—"])  # fmt: skip
        table.cell_padding = 0
        for index, name in enumerate(_SCAN_COLUMNS):
            label = t(f"tui.clear.col.{name}")
            width = max(cell_len(cell) for cell in [label, *(row[index] for row in rows)]) + 1
            left = name in ("type", "state")
            table.add_column(
                Text(label, justify="left" if left else "right"), width=width, key=name
            )
        if found is None:
            notes.update(t("tui.clear.scanning") if self.running == "scan" else "")
            return
        for row in rows:  # the gap before each right-aligned column is its width's extra cell
            table.add_row(*(Text(cell, justify="left" if index < 2 else "right")
                            for index, cell in enumerate(row)))  # fmt: skip
        notes.update(panels.scan_notes(found, self.plan))

    def _show_execute(self) -> None:
        text = Text()
        if self.plan is not None:
            text.append(panels.plan_line(self.plan) + "\n\n", style="bold")
        if self.running == "clear":
            text.append(t("tui.clear.running", cmd=Message("clear.cmd.CLEAR")))
        self.query_one("#execute-text", Static).update(text)

    def _show_progress(self) -> None:
        row = self.query_one("#clear-progress-row")
        phase = _PHASES.get(self.running or "")
        row.display = phase is not None
        if phase is None:
            return
        self.query_one("#clear-phase", Static).update(t(phase))
        bar = self.query_one("#clear-progress", ProgressBar)
        count = self.query_one("#clear-count", Static)
        if self.progress is None or not self.progress[1]:
            bar.update(total=None)
            count.update(t("tui.clear.waiting"))
            return
        done, total = self.progress
        bar.update(total=total, progress=min(done, total))
        count.update("")

    def _say(self, text: str | Message, error: bool = False) -> None:
        """The status line; a ``Message`` is said again in the new language on F8."""
        self._message = (text, error)
        line = self.query_one("#clear-status", Static)
        line.update(text_of(text) if isinstance(text, Message) else text)
        line.set_class(error, "-error")

    def _hints(self) -> Hints:
        step = self.step
        if step == "preflight":
            offered = {c.action for c in self.pre.checks} if self.pre else set()
            keys: list[tuple[str, str]] = [
                (key, f"tui.clear.key.{name}")
                for key, action, name in (("P", Action.LOGIN, "login"), ("U", Action.UPLOAD, "upload"),
                                          ("B", Action.BACKUP, "backup"))
                if action in offered
            ]  # fmt: skip
            keys += [("C", "tui.clear.key.filed"), ("R", "tui.clear.key.recheck"),
                     ("⏎", "tui.clear.key.next"), ("L", "tui.clear.key.log"), ("Esc", "tui.clear.key.back")]  # fmt: skip
            return tuple(keys)
        if step == "report":
            first = "tui.clear.key.next" if self.report_results else "tui.clear.key.report"
            return (("⏎", first), ("Esc", "tui.clear.key.previous"), ("L", "tui.clear.key.log"))
        if step == "kind":
            return (("↑↓", "tui.clear.key.choose"), ("Tab", "tui.clear.key.move"), ("␣", "tui.clear.key.types"),
                    ("⏎", "tui.clear.key.next"), ("Esc", "tui.clear.key.previous"))  # fmt: skip
        if step == "scan":
            return (("⏎", "tui.clear.key.clear"), ("R", "tui.clear.key.rescan"),
                    ("Esc", "tui.clear.key.previous"), ("L", "tui.clear.key.log"))  # fmt: skip
        if step == "execute":
            return (("^Q", "tui.clear.key.quit"),)
        keys = [("R", "tui.clear.key.retry")] if self.outcome and self.outcome.failed else []
        return (
            *keys,
            ("⏎", "tui.clear.key.done"),
            ("L", "tui.clear.key.log"),
            ("Esc", "tui.clear.key.back"),
        )

    def _show_hints(self) -> None:
        hints = self.query_one(KeyHints)
        hints.hints = self._hints()
        hints.refresh()

    # -- the kind step

    def _report_types(self) -> tuple[str, ...]:
        rec = self.pre.recommendation if self.pre else None
        return rec.report_first if rec else ()

    def _recommended_kind(self) -> ClearKind | None:
        rec = self.pre.recommendation if self.pre else None
        return rec.kind if rec else None

    def _fill_kinds(self) -> None:
        options = self.query_one("#kind-list", OptionList)
        chosen = options.highlighted
        recommended = self._recommended_kind()
        options.clear_options()
        width = max(cell_len(t(f"clear.kind.{kind.value}")) for kind in KINDS)
        for kind in KINDS:
            name = t(f"clear.kind.{kind.value}")
            prompt = Text(name + " " * (width - cell_len(name)), style="bold")
            prompt.append("  " + t(f"clear.kind_help.{kind.value}"), style="not bold")
            if kind is recommended:
                prompt.append(t("tui.clear.recommended_mark"), style="bold")
            options.add_option(Option(prompt, id=kind.value))
        if chosen is None:
            chosen = KINDS.index(recommended) if recommended in KINDS else 0
        options.highlighted = chosen

    def chosen_kind(self) -> ClearKind:
        index = self.query_one("#kind-list", OptionList).highlighted
        return KINDS[index if index is not None else 0]

    def _fill_types(self) -> None:
        box = self.query_one("#kind-types", SelectionList)
        picked = set(box.selected) if box.option_count else set(self._default_types())
        box.clear_options()
        for line in self.types:
            box.add_option((panels.type_prompt(line), line.type, line.type in picked))
        self._kind_changed()

    def _default_types(self) -> tuple[str, ...]:
        rec = self.pre.recommendation if self.pre else None
        return rec.types if rec else ()

    @on(OptionList.OptionHighlighted, "#kind-list")
    def _kind_changed(self) -> None:
        kind = self.chosen_kind()
        with_types = kind in _WITH_TYPES
        self.query_one("#kind-types-label").display = with_types
        self.query_one("#kind-types").display = with_types
        self.query_one("#kind-reason-row").display = kind is ClearKind.SPECIAL

    @on(OptionList.OptionSelected, "#kind-list")
    def _kind_selected(self) -> None:
        self.action_next()

    @on(Input.Submitted, "#kind-reason")
    def _reason_entered(self) -> None:
        self.action_next()

    def _plan_from_kind_step(self) -> ClearPlan | None:
        from devices.clearing.model import BadPlan

        assert self.pre is not None
        kind = self.chosen_kind()
        types: tuple[str, ...] = ()
        if kind in _WITH_TYPES:
            types = tuple(sorted(self.query_one("#kind-types", SelectionList).selected))
        reason = (
            self.query_one("#kind-reason", Input).value.strip() if kind is ClearKind.SPECIAL else ""
        )
        plan = ClearPlan(self.pre.period, kind, types, reason, self.filed)
        try:
            return plan.validated()
        except BadPlan as exc:
            self._say(exc.message, error=True)
            return None

    # -- keys

    def _idle(self) -> bool:
        if self.running is None:
            return True
        self._say(Message("tui.clear.busy"), error=True)
        return False

    def action_next(self) -> None:
        if not self._idle():
            return
        step = self.step
        if step == "preflight":
            self._leave_preflight()
        elif step == "report":
            if self.report_results is None:
                self._start("report", self._report)
            else:
                self._go("kind")
        elif step == "kind":
            plan = self._plan_from_kind_step()
            if plan is not None:
                self.plan = plan
                self.scan = None
                self._say("")
                self._go("scan")
                self._start("scan", self._scan)
        elif step == "scan":
            self._confirm()
        elif step == "results":
            if self.outcome is not None and self.outcome.all_ok:
                self.filed = False  # the next clear is for another period: asked again
            self._restart()

    def _leave_preflight(self) -> None:
        pre = self.pre
        if pre is None:
            return
        if not pre.ok:
            failed = Listing([text_of(c.title) for c in pre.failed])
            self._say(Message("clear.error.preflight", {"checks": failed}), error=True)
            return
        rec = pre.recommendation
        self._say("")
        if rec is not None and rec.report_first:
            self.report_results = None
            self.query_one("#report-text", Static).update(
                panels.report_panel(rec.report_first, None)
            )
            self._go("report")
        elif rec is not None and rec.kind is None:
            self._say(rec.why, error=True)
        else:
            self._fill_kinds_fresh()
            self._go("kind")

    def _fill_kinds_fresh(self) -> None:
        """The recommendation pre-selected (again) each time the kind step is reached."""
        options = self.query_one("#kind-list", OptionList)
        options.highlighted = None
        box = self.query_one("#kind-types", SelectionList)
        box.clear_options()
        self._fill_kinds()
        self._fill_types()

    async def action_back(self) -> None:
        step = self.step
        if step == "preflight":
            await self.app.run_action("open('lookup')")
            return
        if not self._idle():
            return
        self._say("")
        if step in ("report", "kind", "results"):
            self._restart()
        elif step == "scan":
            self._go("kind")

    def action_again(self) -> None:
        if not self._idle():
            return
        if self.step == "preflight":
            self._say("")
            self._check()
        elif self.step == "scan" and self.plan is not None:
            self.scan = None
            self._start("scan", self._scan)
        elif self.step == "results" and self.outcome is not None and self.outcome.failed:
            failed = Listing([r.type for r in self.outcome.failed])
            self._say(Message("tui.clear.preparing_retry", {"types": failed}))
            self._start("retry", self._retry, self.outcome.run_id)

    def action_login(self) -> None:
        if self.step != "preflight" or not self._idle():
            return

        def typed(pin: str | None) -> None:
            if pin is not None:
                self._say(Message("tui.clear.logging_in"))
                self._start("login", self._log_in, pin)

        self._ask(PinDialog(), typed)

    def action_upload(self) -> None:
        if self.step != "preflight" or not self._idle():
            return
        if self.pre is not None and not self.pre.offline_pending:
            self._say(Message("tui.clear.nothing_offline"))
            return
        self._start("upload", self._upload)

    def action_backup(self) -> None:
        if self.step != "preflight" or not self._idle():
            return
        if not self.ask_passphrase:
            self._start("backup", self._backup, None, None)
            return
        from storage.backup.jobs import needs_approval

        session = self.desk.session
        if self.new_key and session is not None and needs_approval(session):
            # a clerk's first backup would set the passphrase: a supervisor approves it (F5 too)
            def approved(typed: tuple[str, str, str] | None) -> None:
                if typed is not None:
                    from storage.accounts.users import Approval

                    name, password, passphrase = typed
                    self._start("backup", self._backup, passphrase, Approval(name, password))

            self._ask(SetPassphraseDialog(), approved)
            return

        def typed(passphrase: str | None) -> None:
            if passphrase:
                self._start("backup", self._backup, passphrase, None)

        self._ask(PassphraseDialog(new_key=self.new_key), typed)

    def action_toggle_filed(self) -> None:
        if self.step != "preflight" or not self._idle():
            return
        self.filed = not self.filed
        self._say(Message("tui.clear.filed_on" if self.filed else "tui.clear.filed_off"))
        self._check()

    async def action_log(self) -> None:
        await self.app.run_action("open('clearing_log')")

    def _confirm(self) -> None:
        plan = self.plan
        if plan is None or self.scan is None:
            return

        def confirmed(confirmer: Session | None) -> None:
            if confirmer is not None and self.plan is not None:
                self.outcome = None
                self._say("")
                self._go("execute")
                self._start("clear", self._clear, confirmer)

        self._ask(
            SupervisorDialog(Message(f"clear.kind.{plan.kind.value}"), plan.period), confirmed
        )

    def _ask(self, dialog: Any, then: Callable[[Any], None]) -> None:
        self._modal_open = True
        self.app.push_screen(dialog, then)

    def _restart(self) -> None:
        self.report_results = None
        self.plan = None
        self.scan = None
        self.outcome = None
        self._go("preflight")
        self._check()

    # -- the workers

    def busy_reason(self) -> str | None:
        """Why quitting now would interrupt something (the app asks before it quits)."""
        if self.running == "clear":
            return t("tui.clear.busy_quit")
        phase = _PHASES.get(self.running or "")
        return t("tui.clear.busy_quit_step", what=Message(phase)) if phase else None

    def _clearing_context(self) -> ClearingContext | None:
        from devices.clearing.model import ClearingContext, host_now

        live = getattr(self.app, "disk_live", None)
        client = live.client if live is not None else None
        if client is None:
            return None
        settings = self.desk.settings
        today = self.desk.today
        # A fixed day (tests, screenshots): the demo disk's clock is 10:00 on that day.
        now = (
            (lambda: dt.datetime.combine(today, dt.time(10, 0), tzinfo=CHINA))
            if today
            else host_now
        )
        return ClearingContext(client=client, settings=settings, now=now)  # fmt: skip

    def _start(self, what: str, worker: Callable[..., Any], *args: Any) -> bool:
        session = self.desk.session
        ctx = self._clearing_context()
        if session is None:
            return False
        if ctx is None:
            self._say(Message("tui.clear.no_disk"), error=True)
            if what == "check":
                self.pre = None
                self._show_preflight()
            return False
        self.running = what
        self.progress = None
        self._show_progress()
        if what == "clear":
            self._show_execute()
        worker(session, ctx, *args)
        return True

    def _check(self) -> None:
        if self._start("check", self._run_check, self.filed):
            self._show_preflight()

    def _progress(self) -> Callable[[Any], None]:
        """A progress callback for a worker thread: at most every PROGRESS_EVERY seconds."""
        last = [0.0]

        def report(step: Any) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY or step.done >= step.total:
                last[0] = now
                self.post_message(Progressed(step.done, step.total))

        return report

    @work(thread=True, exclusive=True, group="clear-check", exit_on_error=False, name="clear-check")
    def _run_check(self, session: Session, ctx: ClearingContext, filed: bool) -> None:
        from devices.clearing.preflight import preflight, types_of
        from devices.clearing.steps import reconcile
        from devices.errors import DiskProblem
        from storage.backup import keys, service
        from storage.clearing.journal import lock_holder
        from tui.screens.backup import passphrase_must_be_asked

        notices: list[Message] = []
        try:
            with self.desk.store_connection():
                notices = [s.message for s in reconcile(session, ctx)]
                pre = preflight(session, ctx, filed_confirmed=filed)
                holder = lock_holder(pre.device_id) if pre.device_id else None
            types: tuple[TypeStatus, ...] = ()
            if pre.device_id:
                try:
                    types = tuple(types_of(ctx.client.status(), pre.period))
                except DiskProblem:
                    types = ()
            ask = passphrase_must_be_asked(ctx.settings)
            new_key = not keys.has_keys(keys.key_dir(service.backup_folder(ctx.settings)))
        except _caught() as exc:
            self.post_message(Finished("check", False, failure_text(exc), notices=notices))
            return
        self.post_message(Checked(pre, holder, types, ask, new_key, notices))

    @work(thread=True, exclusive=True, group="clear-step", exit_on_error=False, name="clear-login")
    def _log_in(self, session: Session, ctx: ClearingContext, pin: str) -> None:
        from tui.disk_login import log_in_with_pin

        live = self.desk.disk_live
        text, ok = log_in_with_pin(live, pin)
        del pin
        if ok:
            live.poke()
        self.post_message(Finished("login", ok, text))

    @work(thread=True, exclusive=True, group="clear-step", exit_on_error=False, name="clear-upload")
    def _upload(self, session: Session, ctx: ClearingContext) -> None:
        from devices.clearing.steps import upload_offline

        try:
            with self.desk.store_connection():
                result = upload_offline(session, ctx, progress=self._progress())
        except _caught() as exc:
            self.post_message(Finished("upload", False, failure_text(exc)))
            return
        self.post_message(Finished("upload", not result.failed,
                                   msg("tui.clear.uploaded", ok=len(result.uploaded), failed=len(result.failed))))  # fmt: skip

    @work(thread=True, exclusive=True, group="clear-step", exit_on_error=False, name="clear-backup")
    def _backup(self, session: Session, ctx: ClearingContext, passphrase: str | None,
                approval: Approval | None) -> None:  # fmt: skip
        from devices.clearing.steps import take_backup

        ctx = dataclasses.replace(ctx, backup_passphrase=passphrase)
        del passphrase
        try:
            with self.desk.store_connection():
                backup_id = take_backup(session, ctx, progress=self._progress(), approval=approval)
        except _caught() as exc:
            self.post_message(Finished("backup", False, failure_text(exc)))
            return
        self.post_message(Finished("backup", True, msg("tui.clear.backed_up", id=backup_id)))

    @work(thread=True, exclusive=True, group="clear-step", exit_on_error=False, name="clear-report")
    def _report(self, session: Session, ctx: ClearingContext) -> None:
        from devices.clearing.steps import report

        assert self.pre is not None
        try:
            with self.desk.store_connection():
                results = report(session, ctx, self.pre.period, progress=self._progress())
        except _caught() as exc:
            self.post_message(Finished("report", False, failure_text(exc)))
            return
        self.post_message(Finished("report", True, value=results))

    @work(thread=True, exclusive=True, group="clear-step", exit_on_error=False, name="clear-scan")
    def _scan(self, session: Session, ctx: ClearingContext) -> None:
        from devices.clearing.scan import scan

        plan = self.plan
        assert plan is not None
        try:
            with self.desk.store_connection():
                found = scan(session, ctx, plan.period)
        except _caught() as exc:
            self.post_message(Finished("scan", False, failure_text(exc)))
            return
        self.post_message(Finished("scan", True, value=found))

    @work(thread=True, exclusive=True, group="clear-run", exit_on_error=False, name="clear-run")
    def _clear(self, session: Session, ctx: ClearingContext, confirmer: Session) -> None:
        from devices.clearing.steps import execute

        plan = self.plan
        assert plan is not None
        try:
            with self.desk.store_connection():
                outcome = execute(session, confirmer, ctx, plan, progress=self._progress())
        except _caught() as exc:
            self.post_message(Finished("clear", False, failure_text(exc)))
            return
        finally:
            self.desk.disk_live.poke()  # the header shows the disk's new state
        self.post_message(Finished("clear", True, value=outcome))

    @work(thread=True, exclusive=True, group="clear-step", exit_on_error=False, name="clear-retry")
    def _retry(self, session: Session, ctx: ClearingContext, run_id: int) -> None:
        from devices.clearing.scan import scan
        from devices.clearing.steps import retry_plan

        try:
            with self.desk.store_connection():
                plan = retry_plan(session, run_id, filed_confirmed=self.filed)
                found = scan(session, ctx, plan.period)
        except _caught() as exc:
            self.post_message(Finished("retry", False, failure_text(exc)))
            return
        self.post_message(Finished("retry", True, value=dataclasses.replace(plan, scan=found)))

    # -- what the workers post

    def on_progressed(self, event: Progressed) -> None:
        if self.running is not None:
            self.progress = (event.done, event.total)
            self._show_progress()

    def on_checked(self, event: Checked) -> None:
        self.running = None
        self.pre = event.pre
        self.holder = event.holder
        self.types = event.types
        self.ask_passphrase = event.ask
        self.new_key = event.new_key
        for notice in event.notices:
            self.app.notify(text_of(notice), timeout=10)
        self.query_one("#clear-info", Static).update(panels.info_line(self.pre, self.holder))
        self._show_preflight()
        self._show_progress()
        self._show_hints()

    def on_finished(self, event: Finished) -> None:
        what = event.what
        self.running = None
        self.progress = None
        self._show_progress()
        for notice in event.notices:
            self.app.notify(text_of(notice), timeout=10)
        if not event.ok and what not in ("upload", "login"):
            self._say(event.text, error=True)
        if what == "check":
            self._show_preflight()
        elif what in ("login", "upload", "backup"):
            if event.ok or what != "backup":
                self._say(event.text, error=not event.ok)
            self._check()
        elif what == "report" and event.ok:
            self.report_results = list(event.value)
            self.query_one("#report-text", Static).update(
                panels.report_panel(self._report_types(), self.report_results)
            )
            self._show_hints()
            self._check()  # the recommendation after the report
        elif what == "scan":
            self._scanned(event.value if event.ok else None)
        elif what == "clear":
            if event.ok:
                self.outcome = event.value
                assert self.plan is not None and self.outcome is not None
                self.query_one("#results-text", Static).update(
                    panels.outcome_panel(self.outcome, self.plan.period)
                )
                self._go("results")
            else:
                self._show_execute()
                self._go("scan")  # nothing ran, or the journal settles it later: said above
        elif what == "retry" and event.ok:
            self.plan = event.value
            self.scan = None
            self._say("")
            self._go("scan")
            self._scanned(self.plan.scan if self.plan else None)
            self._confirm()

    def _scanned(self, found: Scan | None) -> None:
        self.scan = found
        if found is not None and self.plan is not None:
            self.plan = dataclasses.replace(
                self.plan, scan=found,
                targets=self.plan.targets or self.plan.types or found.recommendation.types,
            )  # fmt: skip
        self._show_scan()

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group.startswith("clear-"):
            self.running = None
            self.progress = None
            self._show_progress()
            self._show_preflight()
