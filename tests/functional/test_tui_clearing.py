"""F4 清卡 at 80×24 against the simulator behind a device service: the wizard end to end as
a supervisor, a clerk refused below the screen with nothing sent, F8, ctrl+q during a clear
and a partial failure retried for the failed type only, settling an interrupted step on entry,
and the clearing log with its filters and export. SVG snapshots of each step at the end."""

from __future__ import annotations

import csv
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.binding import Binding
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList

from storage.audit.chain import AuditEntry
from storage.clearing import journal
from storage.clearing.journal import ClearRun
from storage.store.database import write
from tests.support.disk import PIN
from tests.support.tui import demo_app, disk_service, log_in, plain, wait_for
from tui.app import FapiaoApp
from tui.quit_guard import QuitQuestion
from tui.screens.clearing import ClearingScreen
from tui.screens.clearing_dialogs import ExportDialog, PinDialog, SupervisorDialog
from tui.screens.clearing_log import ClearLogScreen
from tui.screens.dialogs import PassphraseDialog, SetPassphraseDialog
from tui.screenshots_clearing import (
    confirm_shot,
    execute_shot,
    kind_shot,
    log_shot,
    preflight_shot,
    report_shot,
    results_shot,
    scan_shot,
)
from tui.widgets.key_hints import KeyHints

SIZE = (80, 24)
TYPES = ("004", "007", "026", "028")
PASSPHRASE = "horse battery staple 26"
SnapCompare = Callable[..., bool]


@pytest.fixture
def passphrase_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "backup-passphrase"
    path.write_text(PASSPHRASE + "\n", encoding="utf-8")
    path.chmod(0o600)
    monkeypatch.setenv("FAPIAO_BACKUP_PASSPHRASE_FILE", str(path))
    return path


def checks_text(screen: ClearingScreen) -> str:
    return plain(screen.query_one("#preflight-checks"))


def status(screen: ClearingScreen) -> str:
    return plain(screen.query_one("#clear-status"))


def verdict(screen: ClearingScreen, name: str) -> str:
    assert screen.pre is not None
    return screen.pre.check(name).verdict.value


async def open_wizard(pilot: Pilot[Any], user: str) -> ClearingScreen:
    app: FapiaoApp = pilot.app  # type: ignore[assignment]
    await log_in(pilot, user, user)
    await wait_for(pilot, lambda: app.disk_state.connected, timeout=5)
    await pilot.press("f4")
    await wait_for(pilot, lambda: isinstance(app.screen, ClearingScreen))
    screen = app.screen
    assert isinstance(screen, ClearingScreen)
    await wait_for(pilot, lambda: screen.pre is not None and screen.running is None, timeout=10)
    return screen


async def settle(pilot: Pilot[Any], screen: ClearingScreen, timeout: float = 30) -> None:
    await wait_for(pilot, lambda: screen.running is None, timeout=timeout)


async def prepare(
    pilot: Pilot[Any],
    screen: ClearingScreen,
    *,
    ask_passphrase: bool = False,
    all_pass: bool = True,
    approved_by: tuple[str, str] | None = None,
) -> None:
    """Log in to the disk (P), back up (B), confirm the return filed (C): every check passes."""
    app = pilot.app
    assert verdict(screen, "disk") == "fail" and "✗ 未通过 税控盘" in checks_text(screen)
    assert "P 登录" in plain(screen.query_one(KeyHints))
    await pilot.press("p")
    await wait_for(pilot, lambda: isinstance(app.screen, PinDialog))
    assert "演示口令 88888888" in plain(app.screen.query_one("#pin-note"))
    await pilot.press(*PIN, "enter")
    await wait_for(
        pilot, lambda: screen.running is None and verdict(screen, "disk") == "pass", timeout=10
    )
    assert verdict(screen, "backup") == "fail" and "→ 现在备份一次（按 B）" in checks_text(screen)
    await pilot.press("b")
    if approved_by is not None:  # a clerk's first backup sets the passphrase: a supervisor approves
        await wait_for(pilot, lambda: isinstance(app.screen, SetPassphraseDialog))
        dialog = app.screen
        dialog.query_one("#supervisor", Input).value = approved_by[0]
        dialog.query_one("#supervisor-password", Input).value = approved_by[1]
        dialog.query_one("#passphrase", Input).value = PASSPHRASE
        dialog.query_one("#passphrase-again", Input).value = PASSPHRASE
        dialog.query_one("#passphrase-again", Input).focus()
        await pilot.press("enter")
    elif ask_passphrase:
        await wait_for(pilot, lambda: isinstance(app.screen, PassphraseDialog))
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        app.screen.query_one("#passphrase", Input).focus()
        await pilot.press("enter")
        app.screen.query_one("#passphrase-again", Input).value = PASSPHRASE
        await pilot.press("enter")
    await wait_for(pilot, lambda: screen.running == "backup" or verdict(screen, "backup") == "pass")
    await wait_for(
        pilot, lambda: screen.running is None and verdict(screen, "backup") == "pass", timeout=60
    )
    assert "已备份并验证" in status(screen)
    assert verdict(screen, "filed") == "fail"
    await pilot.press("c")
    await wait_for(
        pilot, lambda: screen.running is None and verdict(screen, "filed") == "pass", timeout=10
    )
    assert screen.pre is not None and screen.pre.ok is all_pass
    assert "✓ 通过   申报     已确认" in checks_text(screen)


async def to_scan(pilot: Pilot[Any], screen: ClearingScreen) -> None:
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.step == "kind")
    assert screen.chosen_kind().value == "ordinary"  # the recommendation, pre-selected
    await pilot.press("enter")
    await wait_for(pilot, lambda: screen.scan is not None and screen.running is None, timeout=30)
    assert screen.step == "scan"


async def confirm_as(pilot: Pilot[Any], user: str) -> None:
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, SupervisorDialog), timeout=30)
    await pilot.press(*user, "enter", *user, "enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, SupervisorDialog), timeout=10)


async def test_supervisor_clears_end_to_end_and_the_log_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, passphrase_file: Path
) -> None:
    with disk_service(monkeypatch) as (disk, server, _service):
        february = next(r for r in disk.state.invoices if r["date"].startswith("2026-02"))
        disk.state.offline = [
            february["number"]
        ]  # one offline invoice of the period to upload first
        february["uploaded"] = False
        app = demo_app(tmp_path, device_url=server.url, backup_dir=str(tmp_path / "backups"))
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(pilot, "super")
            text = checks_text(screen)
            assert "所属期 2026-02 · 税控盘 661620039941" in plain(screen.query_one("#clear-info"))
            assert "✓ 通过   时钟" in text and "! " not in text.split("建议")[0]
            assert (
                "✗ 未通过 离线发票 1 张离线发票未上传" in text
                and "→ 先上传离线发票（按 U）" in text
            )
            assert "建议：普通清卡" in text
            await prepare(pilot, screen, all_pass=False)
            await pilot.press("enter")  # not yet: the check that fails is named
            assert (
                "清卡前检查未通过：没有未上传的离线发票" in status(screen)
                and screen.step == "preflight"
            )
            await pilot.press("u")
            await wait_for(
                pilot,
                lambda: screen.running is None and verdict(screen, "offline") == "pass",
                timeout=20,
            )
            assert disk.state.offline == [] and "已上传 1 张离线发票，失败 0 张" in status(screen)
            await pilot.press("enter")
            await wait_for(pilot, lambda: screen.step == "kind")
            options = screen.query_one("#kind-list", OptionList)
            assert str(options.get_option_at_index(0).prompt).endswith("（建议）")
            assert "所有票种都已抄税：一次清完本期所有票种" in str(
                options.get_option_at_index(0).prompt
            )
            assert not screen.query_one("#kind-types").display
            await pilot.press("enter")
            await wait_for(
                pilot, lambda: screen.scan is not None and screen.running is None, timeout=30
            )
            table = screen.query_one("#scan-table", DataTable)
            rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
            assert [r[0] for r in rows] == ["004 专票", "007 普票", "026 电普", "028 电专"]
            assert all(r[1] == "已抄税未清卡" for r in rows)
            summary = {t["type"]: t for t in screen.scan.to_json()["types"]}  # type: ignore[union-attr]
            assert rows[0][2] == str(summary["004"]["disk"]["count"])
            notes = plain(screen.query_one("#scan-notes"))
            assert "将执行：普通清卡，所属期 2026-02，票种 004、007、026、028" in notes
            for difference in screen.scan.differences:  # type: ignore[union-attr]
                assert f"! {difference.text()}" in notes
            assert disk.executions["CLEAR"] == 0  # nothing sent before the confirmation
            await pilot.press("enter")
            await confirm_as(pilot, "super")
            await wait_for(pilot, lambda: screen.step == "results", timeout=30)
            results = plain(screen.query_one("#results-text"))
            assert "清卡结果（所属期 2026-02）：成功" in results
            for code in TYPES:
                assert f"✓ {code}" in results
            assert "已清卡，新截止日 2026-04-18" in results and "✗" not in results
            assert disk.executions["CLEAR"] == 1
            assert all(t.open_period == "2026-03" and not t.reported for t in disk.state.types)
            (txn,) = [v for v in disk.state.txns.values() if v["cmd"] == "CLEAR"]
            assert txn["params"]["kind"] == "ordinary"

            await pilot.press("l")
            await wait_for(pilot, lambda: isinstance(app.screen, ClearLogScreen))
            log = app.screen
            assert isinstance(log, ClearLogScreen)
            await wait_for(pilot, lambda: len(log.views) == 1 and not log.fetching)
            row = [str(c) for c in log.table.get_row_at(0)]
            assert row[2:7] == ["2026-02", "普通清卡", "成功", "super", "super"]
            assert row[7] == "✓4"
            assert "004 ✓ 2026-04-18" in plain(log.query_one("#clear-log-detail"))
            log.query_one("#f-user", Input).value = "clerk"
            log.query_one("#f-user", Input).focus()
            await pilot.press("enter")
            await wait_for(pilot, lambda: not log.views and not log.fetching)
            assert plain(log.query_one("#clear-log-status")) == "没有符合条件的清卡记录"
            log.query_one("#f-user", Input).value = ""
            await pilot.press("enter")
            await wait_for(pilot, lambda: len(log.views) == 1 and not log.fetching)
            log.table.focus()
            out = tmp_path / "clears.csv"
            await pilot.press("x")
            await wait_for(pilot, lambda: isinstance(app.screen, ExportDialog))
            app.screen.query_one("#export-path", Input).value = str(out)
            await pilot.press("enter")
            await wait_for(
                pilot, lambda: "已导出 1 条" in plain(log.query_one("#clear-log-result"))
            )
            with out.open(encoding="utf-8-sig") as f:
                exported = list(csv.reader(f))
            assert (
                exported[0][:4] == ["编号", "所属期", "类型", "结果"]
                and exported[1][1] == "2026-02"
            )
            assert stat.S_IMODE(out.stat().st_mode) == 0o600
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, ClearingScreen))


async def test_a_clerk_confirming_with_own_password_is_refused_and_nothing_is_sent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with disk_service(monkeypatch) as (disk, server, _service):
        app = demo_app(tmp_path, device_url=server.url, backup_dir=str(tmp_path / "backups"))
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(pilot, "clerk")
            await prepare(pilot, screen, approved_by=("super", "super"))  # no file, no keyring
            await to_scan(pilot, screen)
            await pilot.press("enter")
            await confirm_as(pilot, "clerk")
            await wait_for(
                pilot, lambda: screen.running is None and status(screen) != "", timeout=10
            )
            assert "主管" in status(screen) and screen.step == "scan"
            assert disk.executions["CLEAR"] == 0
            assert all(t.reported for t in disk.state.types)
            with app.store_connection():
                denied = AuditEntry.select().where((AuditEntry.action == "denied")
                                                   & (AuditEntry.target == "clear")).count()  # fmt: skip
                assert denied == 1 and ClearRun.select().count() == 0
            # a wrong password is said in the dialog and nothing runs
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, SupervisorDialog))
            await pilot.press(*"super", "enter", *"wrong", "enter")
            dialog = app.screen
            assert isinstance(dialog, SupervisorDialog)
            await wait_for(
                pilot,
                lambda: "密码" in plain(dialog.query_one("#dialog-error")) and not dialog.checking,
            )
            await pilot.press("escape")
            assert disk.executions["CLEAR"] == 0


async def test_ctrl_q_mid_clear_asks_first_and_retry_clears_only_the_failed_type(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, passphrase_file: Path
) -> None:
    """One wizard for what happens once the clear is sent (the way there is the same):
    F8 renders the steps again; ctrl+q while the clear runs asks first and "no" lets it
    finish; a type that fails shows its fix, and retry clears that type alone."""
    with disk_service(monkeypatch) as (disk, server, _service):
        app = demo_app(tmp_path, device_url=server.url, backup_dir=str(tmp_path / "backups"))
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_wizard(pilot, "super")
            await pilot.press("f8")
            assert app.language == "en"  # the app's choice (no process-wide language)
            assert "✗ fail" in checks_text(screen) and "1 Checks" in plain(
                screen.query_one("#clear-steps")
            )
            assert "P Log in" in plain(screen.query_one(KeyHints))
            await pilot.press("f8")
            assert "✗ 未通过" in checks_text(screen)
            await prepare(pilot, screen)
            await to_scan(pilot, screen)
            disk.state.not_filed = ["007"]
            fast, disk.long_seconds = disk.long_seconds, 3.0
            await pilot.press("enter")
            await confirm_as(pilot, "super")
            await wait_for(
                pilot, lambda: screen.progress is not None and screen.progress[0] > 0, timeout=10
            )
            assert screen.step == "execute" and screen.query_one("#clear-progress-row").display
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, QuitQuestion))
            assert plain(app.screen.query_one("#dialog-title")) == "正在清卡，确定退出？"
            await pilot.press("n")
            assert app.is_running
            await wait_for(pilot, lambda: screen.step == "results", timeout=30)
            assert disk.executions["CLEAR"] == 1
            assert screen.busy_reason() is None
            results = plain(screen.query_one("#results-text"))
            assert "：部分成功" in results
            assert "✗ 007 普票  清卡失败" in results and "E_NOT_FILED" in results
            assert "→ 先完成本期纳税申报，再重试失败的票种" in results
            for code in ("004", "026", "028"):
                assert f"✓ {code}" in results
            assert "R 重试失败" in plain(screen.query_one(KeyHints))
            disk.state.not_filed = []  # the return is filed now
            disk.long_seconds = fast
            await pilot.press("r")
            await wait_for(pilot, lambda: isinstance(app.screen, SupervisorDialog), timeout=30)
            assert screen.plan is not None and screen.plan.types == ("007",)
            assert "票种 007" in plain(screen.query_one("#scan-notes"))
            await confirm_as(pilot, "super")
            await wait_for(
                pilot, lambda: screen.step == "results" and screen.running is None, timeout=30
            )
            results = plain(screen.query_one("#results-text"))
            assert "✓ 007" in results and "✗" not in results and "：成功" in results
            assert disk.executions["CLEAR"] == 2
            clears = [v for v in disk.state.txns.values() if v["cmd"] == "CLEAR"]
            assert (
                clears[-1]["params"]["types"] == ["007"]
                and clears[-1]["params"]["kind"] == "specific"
            )
            assert all(t.open_period == "2026-03" for t in disk.state.types)
            with app.store_connection():
                runs = list(ClearRun.select().order_by(ClearRun.id))
            assert [r.state for r in runs] == ["partial", "done"] and runs[1].retry_of == runs[0].id


async def test_entering_f4_settles_an_interrupted_clear_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with disk_service(monkeypatch) as (disk, server, _service):
        app = demo_app(tmp_path, device_url=server.url)
        said: list[str] = []
        shown = app.notify

        def notify(message: str, **options: Any) -> None:  # what reaches the screen, however soon
            said.append(message)
            shown(message, **options)

        app.notify = notify  # type: ignore[method-assign]
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.store_state == "ready")
            with app.store_connection():  # a clear journaled, then the terminal died before sending
                write(lambda: journal.open_step(disk.state.device_id, "2026-02", "CLEAR", "txn-lost-1",
                                                {}, "super"))  # fmt: skip
            await open_wizard(pilot, "super")  # settled at log-in, or on entering F4
            await wait_for(pilot, lambda: any("交易 txn-lost-1" in m for m in said), timeout=10)
            assert any("交易 txn-lost-1" in m and "没有执行" in m for m in said), said
            with app.store_connection():
                assert journal.unsettled_steps() == []
            assert disk.executions["CLEAR"] == 0


def test_every_binding_has_an_id_and_none_sits_on_ctrl_h_i_m() -> None:
    for cls in (ClearingScreen, ClearLogScreen, PinDialog, SupervisorDialog, ExportDialog):
        for binding in cls.__dict__.get("BINDINGS", []):
            assert isinstance(binding, Binding) and binding.id, binding
            assert not {"ctrl+h", "ctrl+i", "ctrl+m"} & set(binding.key.split(","))


# -- 80×24 snapshots of each step (the demo's own disk: a fixed day, so a fixed clock) --------


def test_snapshot_preflight(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=preflight_shot)


def test_snapshot_report(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=report_shot)


def test_snapshot_kind(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=kind_shot)


def test_snapshot_scan(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=scan_shot)


def test_snapshot_confirm(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=confirm_shot)


def test_snapshot_execute(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=execute_shot)


def test_snapshot_results(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=results_shot)


def test_snapshot_log(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(demo_app(tmp_path), terminal_size=SIZE, run_before=log_shot)
