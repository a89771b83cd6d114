"""备份 (F5): the backups with kind, age, size and verified state; back up now, verify,
restore, prune and rotate the key, each with a progress bar (bytes, rate, time left).

Every action is a ``storage.backup.jobs.Job``, run by ``jobs.run`` (as ``fapiao backup`` runs
it) in one thread worker at a time; the service behind checks the role and audits, so the
screen only presents: what ``jobs.offered`` leaves out is shown disabled with the reason, and
if invoked anyway the service's refusal is what the clerk reads. The passphrase comes from the keyring or a 0600 file; else a
supervisor types it in a dialog and it goes straight to the service, kept nowhere.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, DataTable, ProgressBar, Static
from textual.worker import Worker

from storage.backup.jobs import Job, byte_size
from storage.messages import catalogue
from tui.display import fit
from tui.language import Said, msg, said_of, t
from tui.screens.base import ADMIN_HINTS, DeskScreen, Hints
from tui.screens.dialogs import ConfirmDialog, PassphraseDialog, RestoreDialog, SetPassphraseDialog
from tui.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from collections.abc import Callable

    from storage.accounts.users import Session
    from storage.backup.manifest import BackupEntry
    from storage.backup.secrets import PassphraseSource
    from storage.backup.service import Progress
    from storage.config.settings import Settings


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone()


#: What "now" is for the ages in the list; tests and screenshots fix it.
CLOCK: Callable[[], dt.datetime] = _now

#: How often progress is sent to the screen (over SSH, fewer redraws is better).
PROGRESS_EVERY = 0.1

_ACTIONS = ("full", "incremental", "verify", "restore", "prune", "rotate")
_WIDTHS = {"time": 11, "age": 9, "kind": 5, "reason": 8, "size": 9, "verified": 14, "key": 8}


def age_text(created: dt.datetime, now: dt.datetime) -> str:
    seconds = (now - created).total_seconds()
    if seconds < 60:
        return t("tui.backup.age.now")
    if seconds < 3600:
        return t("tui.backup.age.minutes", n=int(seconds // 60))
    if seconds < 86400:
        return t("tui.backup.age.hours", n=int(seconds // 3600))
    return t("tui.backup.age.days", n=int(seconds // 86400))


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return t("tui.backup.eta_unknown")
    if seconds < 120:
        return t("tui.backup.seconds", n=max(0, round(seconds)))
    return t("tui.backup.minutes", n=round(seconds / 60))


def _word(prefix: str, value: str) -> str:
    key = f"{prefix}.{value}"
    return t(key) if key in catalogue() else value


def verified_text(entry: BackupEntry) -> Text:
    """The state in words (a mark and a word: never colour alone)."""
    if entry.verified_ok is None:
        return Text(t("tui.backup.verified.never"))
    if entry.verified_ok:
        return Text(f"{t('tui.backup.verified.ok')} {entry.verified_at[5:10]}")
    return Text(t("tui.backup.verified.bad"), style="bold reverse")


def passphrase_must_be_asked(settings: Settings) -> bool:
    """True when neither a 0600 file nor the keyring gives it (else the service asks a tty)."""
    from storage.backup import secrets

    source = secrets.describe(settings)
    if source.where == "file":
        return False  # the service reads it, or says plainly why the file is refused
    if source.where == "keyring":
        import keyring

        return not keyring.get_password(secrets.KEYRING_SERVICE, secrets.KEYRING_USER)
    return True


class BackupsLoaded(Message):
    def __init__(self, entries: list[BackupEntry], source: PassphraseSource, ask: bool,
                 new_key: bool, folder: str, error: Said = "") -> None:  # fmt: skip
        super().__init__()
        self.entries = entries
        self.source = source  # where the passphrase comes from
        self.ask = ask  # the passphrase must be typed in
        self.new_key = new_key  # no key yet: the first backup creates one
        self.folder = folder
        self.error = error


class JobProgress(Message):
    def __init__(self, progress: Progress) -> None:
        super().__init__()
        self.progress = progress


class JobDone(Message):
    def __init__(self, job: Job, text: Said, ok: bool) -> None:
        super().__init__()
        self.job = job
        self.text = text
        self.ok = ok


class BackupScreen(DeskScreen):
    DEFAULT_CSS = """
    /* a long path or note wraps onto a second line rather than being cut */
    BackupScreen .backup-line { height: auto; padding: 0 1; }
    BackupScreen #backup-source { color: $text-muted; }
    BackupScreen #backups { height: 1fr; }
    BackupScreen #backup-progress-row { height: 1; padding: 0 1; }
    BackupScreen #backup-phase { width: auto; margin-right: 1; }
    BackupScreen #backup-progress { width: auto; }
    BackupScreen #backup-rate { width: 1fr; margin-left: 1; text-wrap: nowrap; }
    BackupScreen #backup-message { height: auto; max-height: 3; padding: 0 1; }
    BackupScreen #backup-message.-error { color: $error; text-style: bold; }
    BackupScreen #backup-role-note { color: $text-muted; }
    BackupScreen #backup-actions { height: 1; padding: 0 0 0 1; }
    BackupScreen #backup-actions Button { margin-right: 1; width: 12; min-width: 12; }
    /* Textual gives a disabled button a tall border that the one-row bar cuts to a blank box */
    BackupScreen #backup-actions Button:disabled { border: none !important; }
    """
    HINTS: ClassVar[Hints] = ADMIN_HINTS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", show=False, id="backup.back"),
        Binding("b", "start('full')", show=False, id="backup.full"),
        Binding("i", "start('incremental')", show=False, id="backup.incremental"),
        Binding("v", "start('verify')", show=False, id="backup.verify"),
        Binding("r", "start('restore')", show=False, id="backup.restore"),
        Binding("p", "start('prune')", show=False, id="backup.prune"),
        Binding("k", "start('rotate')", show=False, id="backup.rotate"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.entries: list[BackupEntry] = []
        self.running: Job | None = None
        self._loaded: BackupsLoaded | None = None
        self._message: tuple[Said, bool] = ("", False)  # (text, is an error)
        self._loading: tuple[Said, bool] = ("", False)
        self.offered: frozenset[str] = frozenset()  # the actions this user's role may start

    def compose_body(self) -> ComposeResult:
        yield Static(id="backup-source", classes="backup-line")
        yield DataTable(id="backups", cursor_type="row")
        yield Static(id="backup-selected", classes="backup-line")
        with Horizontal(id="backup-progress-row"):
            yield Static(id="backup-phase")
            yield ProgressBar(id="backup-progress", show_eta=False)
            yield Static(id="backup-rate")
        yield StatusLine(id="backup-message")
        yield Static(id="backup-role-note", classes="backup-line")
        with Horizontal(id="backup-actions"):
            for action in _ACTIONS:
                yield Button(id=f"do-{action}", compact=True)

    @property
    def table(self) -> DataTable[str | Text]:
        return self.query_one("#backups", DataTable)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#backup-progress-row").display = False
        from storage.backup.jobs import offered

        session = self.desk.session
        self.offered = offered(session) if session is not None else frozenset()
        for action in _ACTIONS:
            self.query_one(f"#do-{action}", Button).disabled = action not in self.offered
        self.query_one("#backup-role-note").display = not self.offered >= set(_ACTIONS)
        self.retranslate()
        self.table.focus()
        self._loading = (msg("tui.backup.loading"), False)
        self._say(*self._loading)
        self.reload()

    def retranslate(self) -> None:
        for action in _ACTIONS:
            self.query_one(f"#do-{action}", Button).label = t(f"tui.backup.action.{action}")
        reason = t("auth.needs_role", role=t("role.supervisor"))
        self.query_one("#backup-role-note", Static).update(
            t("tui.backup.supervisor_only", reason=reason)
        )
        loaded = self._loaded
        if loaded is not None:
            source = loaded.source
            self.query_one("#backup-source", Static).update(
                t(f"tui.backup.source.{source.where}", path=source.detail)
            )
        self._fill()  # (the status line says its message again itself)

    # -- the list

    def reload(self) -> None:
        self._load(self.desk.settings)

    @work(thread=True, exclusive=True, group="backup-list", exit_on_error=False, name="backups")
    def _load(self, settings: Settings) -> None:
        from storage.backup import keys, secrets, service
        from storage.backup.errors import BackupError

        folder = service.backup_folder(settings)
        source = secrets.describe(settings)
        new_key = not keys.has_keys(keys.key_dir(folder))
        ask = passphrase_must_be_asked(settings)
        try:
            entries = service.list_backups(settings)
        except BackupError as exc:
            self.post_message(BackupsLoaded([], source, ask, new_key, str(folder), said_of(exc)))
            return
        self.post_message(BackupsLoaded(entries, source, ask, new_key, str(folder)))

    def on_backups_loaded(self, event: BackupsLoaded) -> None:
        self._loaded = event
        self.entries = event.entries
        self.retranslate()
        if event.error:
            self._say(event.error, error=True)
        elif self._message == self._loading:
            self._say("")

    def _fill(self) -> None:
        table = self.table
        chosen = self.selected()
        table.clear(columns=True)
        for name, width in _WIDTHS.items():
            table.add_column(t(f"tui.backup.col.{name}"), width=width, key=name)
        now = CLOCK()
        for entry in self.entries:
            created = entry.created_at
            table.add_row(
                created.strftime("%m-%d %H:%M"),
                fit(age_text(created, now), _WIDTHS["age"]),
                fit(_word("tui.backup.kind", entry.kind), _WIDTHS["kind"]),
                fit(_word("tui.backup.reason", entry.reason), _WIDTHS["reason"]),
                Text(byte_size(entry.file_size), justify="right"),
                verified_text(entry),
                entry.key_id[:8],
                key=entry.id,
            )
        if chosen is not None:
            rows = [e.id for e in self.entries]
            if chosen.id in rows:
                table.move_cursor(row=rows.index(chosen.id))
        self._show_selected()

    def selected(self) -> BackupEntry | None:
        if not self.entries or self.table.cursor_row < 0:
            return None
        return self.entries[min(self.table.cursor_row, len(self.entries) - 1)]

    @on(DataTable.RowHighlighted, "#backups")
    def _highlighted(self) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        entry = self.selected()
        line = self.query_one("#backup-selected", Static)
        if entry is None:
            loaded = self._loaded
            line.update(t("tui.backup.empty", folder=loaded.folder) if loaded else "")
            return
        text = t("tui.backup.selected", id=entry.id, key_id=entry.key_id[:8],
                 size=byte_size(entry.store_size))  # fmt: skip
        if entry.verified_ok is False and entry.verify_detail:
            text += " · " + t("tui.backup.selected_detail", detail=entry.verify_detail)
        line.update(text)

    # -- actions

    def busy_reason(self) -> str | None:
        """Why quitting now would interrupt something (the app asks before it quits)."""
        if self.running is None:
            return None
        if self.running.phase == "backup":
            return t("tui.backup.busy_quit")
        if self.running.phase == "restore":
            return t("tui.backup.restore_busy_quit")
        return None

    @on(Button.Pressed)
    def _button(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("do-"):
            self.action_start(event.button.id.removeprefix("do-"))

    def action_start(self, action: str) -> None:
        session = self.desk.session
        if session is None:
            return
        if self.running is not None:
            self._say(msg("tui.backup.busy"), error=True)
            return
        entry = self.selected()
        if action not in self.offered:
            # no questions first: the service refuses (and audits) before touching anything
            self._run(Job(action, backup_id=entry.id if entry else ""))
            return
        if action in ("verify", "restore") and entry is None:
            self._say(msg("tui.backup.nothing_selected"), error=True)
            return
        if action == "restore" and entry is not None:
            self.app.push_screen(RestoreDialog(entry.id), self._restore_target_chosen)
        elif action == "prune":
            self.app.push_screen(ConfirmDialog("tui.backup.confirm_prune"),
                                 lambda yes: self._run(Job("prune")) if yes else None)  # fmt: skip
        elif action == "rotate":
            self.app.push_screen(ConfirmDialog("tui.backup.confirm_rotate"),
                                 lambda yes: self._with_passphrase(Job("rotate")) if yes else None)  # fmt: skip
        else:
            self._with_passphrase(Job(action, backup_id=entry.id if entry else ""))

    def _restore_target_chosen(self, target: str | None) -> None:
        entry = self.selected()
        if target is None or entry is None:
            return
        job = Job("restore", backup_id=entry.id, target=target or None)
        if target:
            self._with_passphrase(job)
            return
        self.app.push_screen(
            ConfirmDialog("tui.backup.confirm_restore_live", id=entry.id),
            lambda yes: self._with_passphrase(job) if yes else None,
        )

    def _with_passphrase(self, job: Job) -> None:
        loaded = self._loaded
        if loaded is None or not loaded.ask:
            self._run(job)
            return
        from storage.backup.jobs import needs_approval

        new_key = loaded.new_key and job.phase == "backup"
        session = self.desk.session
        if new_key and session is not None and needs_approval(session):
            # a clerk's first backup would set the passphrase: a supervisor approves it
            self.app.push_screen(SetPassphraseDialog(), lambda typed: self._approved(job, typed))
            return

        def typed(passphrase: str | None) -> None:
            if passphrase:
                self._run(replace(job, passphrase=passphrase))

        self.app.push_screen(PassphraseDialog(new_key=new_key), typed)

    def _approved(self, job: Job, typed: tuple[str, str, str] | None) -> None:
        from storage.accounts.users import Approval

        if typed is not None:
            name, password, passphrase = typed
            self._run(replace(job, passphrase=passphrase, approval=Approval(name, password)))

    def _run(self, job: Job) -> None:
        session = self.desk.session
        if session is None:
            return
        self.running = job
        self._say("")
        self._show_progress_row(job, None)
        self._work(job, session, self.desk.settings)

    @work(thread=True, exclusive=True, group="backup", exit_on_error=False, name="backup")
    def _work(self, job: Job, session: Session, settings: Settings) -> None:
        from storage.accounts.permissions import PermissionDenied
        from storage.backup import jobs
        from storage.backup.errors import BackupError
        from storage.store.database import StoreUnreachable

        last = 0.0

        def progress(p: Progress) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= PROGRESS_EVERY or p.done >= p.total:
                last = now
                self.post_message(JobProgress(p))

        try:
            with self.desk.store_connection():
                report = jobs.run(session, job, settings=settings, progress=progress)
        except (BackupError, PermissionDenied) as exc:
            self.post_message(JobDone(job, said_of(exc), ok=False))
            return
        except (StoreUnreachable, OSError) as exc:
            self.post_message(JobDone(job, msg("tui.backup.failed", detail=str(exc)), ok=False))
            return
        self.post_message(JobDone(job, " ".join(m.text() for m in report.said), ok=report.ok))

    def on_job_progress(self, event: JobProgress) -> None:
        if self.running is not None:
            self._show_progress_row(self.running, event.progress)

    def on_job_done(self, event: JobDone) -> None:
        self.running = None
        self.query_one("#backup-progress-row").display = False
        self._say(event.text, error=not event.ok)
        self.reload()

    def worker_failed(self, worker: Worker[Any]) -> None:
        if worker.group == "backup":
            self.running = None
            self.query_one("#backup-progress-row").display = False

    def _show_progress_row(self, job: Job, progress: Progress | None) -> None:
        self.query_one("#backup-progress-row").display = True
        self.query_one("#backup-phase", Static).update(t(f"tui.backup.phase.{job.phase}"))
        bar = self.query_one("#backup-progress", ProgressBar)
        rate = self.query_one("#backup-rate", Static)
        if progress is None or not progress.total:
            bar.update(total=None)
            rate.update("")
            return
        bar.update(total=progress.total, progress=min(progress.done, progress.total))
        rate.update(t("tui.backup.progress", done=byte_size(progress.done),
                      total=byte_size(progress.total), rate=byte_size(progress.rate),
                      eta=_duration(progress.eta_seconds)))  # fmt: skip

    def _say(self, text: Said, error: bool = False) -> None:
        self._message = (text, error)
        self.query_one("#backup-message", StatusLine).say(text, error)

    async def action_back(self) -> None:
        await self.app.run_action("open('lookup')")
