"""Sync from the simulated disk into the store (SQLite and PostgreSQL), and the CLI commands
``fapiao sync`` and ``fapiao device-sim``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import peewee
import pytest

from devices.simulator.scenarios import void_invoice
from devices.sync import sync_disk, sync_invoices
from storage.accounts.permissions import PermissionDenied
from storage.accounts.users import Session, add_user
from storage.audit.chain import AuditEntry
from storage.store.invoice_store import count_invoices
from storage.store.models import Invoice, Role
from storage.store.sync_state import last_synced_seq
from tests.support.disk import PIN, client, restart_after_first_page, serve
from tui.cli.main import main


def test_sync_pulls_every_record_once_and_follows_a_later_void(store: peewee.Database) -> None:
    with serve("issuing", invoices=250) as (disk, server):
        records = disk.state.invoices
        voided_early = [r for r in records if r["status"] == "void"]
        assert voided_early  # voided after issue: they came back with a higher seq
        with client(server.url) as c:
            c.login(PIN)
            first = sync_invoices(c, branch="总部")
            assert (first.added, first.fetched, first.last_seq) == (
                len(records), len(records), disk.state.last_seq)  # fmt: skip
            assert count_invoices() == len(records)
            again = sync_invoices(c, branch="总部")
            assert (again.fetched, again.added, again.updated) == (0, 0, 0)
            # Void one more after the sync: it reappears with a higher seq and updates.
            target = next(r for r in records if r["status"] == "normal" and r["code"])
            void_invoice(disk.state, target["number"], target["code"])
            third = sync_invoices(c, branch="总部")
            assert (third.fetched, third.added, third.updated) == (1, 0, 1)
    assert count_invoices() == len(records)
    stored = Invoice.get(Invoice.number == target["number"], Invoice.code == target["code"])
    assert (stored.status, stored.disk_seq, stored.source) == ("void", disk.state.last_seq, "disk")
    assert last_synced_seq("661620039941") == disk.state.last_seq
    early = Invoice.get(Invoice.number == voided_early[0]["number"])
    assert early.status == "void"
    digital = Invoice.select().where(Invoice.code == "").first()
    assert digital is not None and digital.type in ("31", "32") and len(digital.number) == 20
    classic = Invoice.get(
        Invoice.number == records[0]["number"], Invoice.code == records[0]["code"]
    )
    assert str(classic.total) == records[0]["total"] and classic.branch == "总部"


def test_an_invoice_imported_first_gets_its_sync_time_when_the_disk_reports_it(
    store: peewee.Database,
) -> None:
    """The detail view once said "同步时间 —" for an invoice the disk had reported."""
    from devices.sync import to_record
    from storage.store.invoice_store import save_invoices
    from storage.store.models import Source

    with serve("issuing", invoices=40) as (disk, server):
        first = disk.state.invoices[0]
        with client(server.url) as c:
            c.login(PIN)
            page = c.invoices(0, 1)
            imported = to_record(page.invoices[0])
            save_invoices([replace(imported, source=Source.IMPORT.value, disk_seq=None)],
                          branch="总部")  # fmt: skip
            before = Invoice.get(Invoice.number == first["number"], Invoice.code == first["code"])
            assert before.synced_at is None
            sync_invoices(c, branch="总部")
    after = Invoice.get(Invoice.number == first["number"], Invoice.code == first["code"])
    assert after.synced_at is not None and after.disk_seq == first["seq"]
    assert Invoice.select().where(Invoice.synced_at.is_null()).count() == 0
    # A record saved as the disk's without its seq (the demo's seeding) counts as synced too.
    save_invoices([replace(imported, number="99999999", disk_seq=None)], branch="总部")
    assert Invoice.get(Invoice.number == "99999999").synced_at is not None


def test_an_interrupted_sync_resumes_without_duplicates(store: peewee.Database) -> None:
    with serve("issuing", invoices=700) as (disk, server), client(server.url) as c:
        c.login(PIN)
        pages = c.invoice_pages(0)
        first_page = next(pages)  # as if the link dropped after one page: save it by hand
        from devices.sync import to_record
        from storage.store.invoice_store import save_invoices

        save_invoices([to_record(i) for i in first_page.invoices], branch="总部")
        result = sync_invoices(c, branch="总部")
        assert result.added == len(disk.state.invoices) - len(first_page.invoices)
        assert result.unchanged == len(first_page.invoices)  # read again, changed nothing
    assert count_invoices() == len(disk.state.invoices)


def test_the_sync_use_case_refuses_an_auditor_audits_it_and_reads_nothing(
    store: peewee.Database,
) -> None:
    auditor = Session("shen", Role.AUDITOR, "总部")
    with serve("issuing", invoices=30) as (disk, server), client(server.url) as c:
        c.login(PIN)
        with pytest.raises(PermissionDenied):
            sync_disk(auditor, c)
        assert disk.executions["INVOICES"] == 0
    assert count_invoices() == 0 and last_synced_seq("661620039941") == 0
    (entry,) = AuditEntry.select()
    assert (entry.username, entry.action, entry.target, entry.ok) == (
        "shen", "denied", "sync", False)  # fmt: skip


def test_the_sync_use_case_audits_what_it_saved(store: peewee.Database) -> None:
    clerk = Session("wang", Role.CLERK, "上海分公司")
    with serve("issuing", invoices=30) as (disk, server), client(server.url) as c:
        c.login(PIN)
        result = sync_disk(clerk, c)
    assert result.added == count_invoices() == len(disk.state.invoices)
    assert {i.branch for i in Invoice.select()} == {"上海分公司"}
    (entry,) = AuditEntry.select()
    assert (entry.username, entry.action, entry.target, entry.ok) == (
        "wang", "sync", "661620039941", True)  # fmt: skip
    assert json.loads(entry.detail)["added"] == result.added


# -- the command line ------------------------------------------------------------------------


def _secret(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text + "\n", encoding="utf-8")
    os.chmod(path, 0o600)
    return str(path)


@pytest.fixture
def clerk(store: peewee.Database, store_url: str, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    add_user("wang", "clerk-pw-1", role=Role.CLERK, branch="总部")
    monkeypatch.setenv("FAPIAO_DATABASE_URL", store_url)
    monkeypatch.setenv("FAPIAO_USER", "wang")
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", _secret(tmp_path, "pw", "clerk-pw-1"))
    monkeypatch.setenv("FAPIAO_PIN_FILE", _secret(tmp_path, "pin", PIN))


def test_cli_sync_reports_counts_and_a_second_run_adds_nothing(
    clerk: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve("issuing", invoices=120) as (disk, server):
        monkeypatch.setenv("FAPIAO_DEVICE_URL", server.url)
        assert main(["sync", "--json"]) == 0
        first = json.loads(capsys.readouterr().out)
        assert main(["sync"]) == 0
        text = capsys.readouterr().out
    assert first["added"] == len(disk.state.invoices) and first["device_id"] == "661620039941"
    assert "新增 0 张" in text and "已从税控盘" in text
    assert disk.executions["LOGIN"] == 2 and disk.executions["LOGOUT"] == 2


def test_cli_sync_wrong_pin_says_tries_left_and_never_retries(
    clerk: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("FAPIAO_PIN_FILE", _secret(tmp_path, "badpin", "11112222"))
    with serve("issuing") as (disk, server):
        monkeypatch.setenv("FAPIAO_DEVICE_URL", server.url)
        assert main(["sync"]) == 1
        assert disk.executions["LOGIN"] == 1 and disk.state.pin_tries_left == 4
    assert "还可尝试 4 次" in capsys.readouterr().err
    assert count_invoices() == 0


def test_cli_sync_refuses_an_auditor_before_the_pin_is_sent(
    clerk: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_user("shen", "auditor-pw-1", role=Role.AUDITOR, branch="总部")
    monkeypatch.setenv("FAPIAO_USER", "shen")
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", _secret(Path(os.environ["FAPIAO_PIN_FILE"]).parent,
                                                       "auditor-pw", "auditor-pw-1"))  # fmt: skip
    with serve("issuing") as (disk, server):
        monkeypatch.setenv("FAPIAO_DEVICE_URL", server.url)
        assert main(["sync"]) == 1
        assert disk.executions["LOGIN"] == 0 and disk.executions["INVOICES"] == 0
    assert "此操作需要 前台 权限" in capsys.readouterr().err
    assert count_invoices() == 0
    denied = AuditEntry.get(AuditEntry.action == "denied")
    assert (denied.username, denied.target, denied.ok) == ("shen", "sync", False)


def test_cli_sync_exits_3_when_the_disk_is_unreachable_or_silent(
    clerk: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAPIAO_DEVICE_URL", "/dev/no-such-disk")
    assert main(["sync"]) == 3
    assert "无法连接税控盘" in capsys.readouterr().err


def test_cli_sync_refuses_a_pin_file_others_can_read(
    clerk: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    loose = _secret(tmp_path, "loose", PIN)
    os.chmod(loose, 0o644)
    monkeypatch.setenv("FAPIAO_PIN_FILE", loose)
    with serve("issuing") as (disk, server):
        monkeypatch.setenv("FAPIAO_DEVICE_URL", server.url)
        assert main(["sync"]) == 2
        assert disk.executions["LOGIN"] == 0
    assert "600" in capsys.readouterr().err


def test_device_sim_serves_a_pty_until_sigterm(tmp_path: Path) -> None:
    state = tmp_path / "sim.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.cli.main", "device-sim", "--pty", "--state", str(state),
         "--scenario", "reported"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        path = proc.stdout.readline().strip()
        assert path.startswith("/dev/pts/")
        with client(path) as c:
            assert c.hello().device_id == "661620039941"
            assert {t.state.value for t in c.status().types} == {"reported"}
        assert json.loads(state.read_text(encoding="utf-8"))["types"][0]["reported"] is True
    finally:
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(10)
    assert code == 0


def test_device_sim_over_tcp_refuses_a_bad_address(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["device-sim", "--tcp", "nonsense"]) == 2
    assert "HOST:PORT" in capsys.readouterr().err


def test_the_sync_position_never_moves_back_except_after_a_disk_reset(
    store: peewee.Database,
) -> None:
    from storage.store.database import write
    from storage.store.sync_state import last_synced_seq, record_synced_seq

    write(lambda: record_synced_seq("661620039941", 120))
    write(lambda: record_synced_seq("661620039941", 80))  # a slower terminal's older page
    assert last_synced_seq("661620039941") == 120
    write(lambda: record_synced_seq("661620039941", 5, restart=True))
    assert last_synced_seq("661620039941") == 5


# -- a wrong PIN file in a nightly job, a disk that restarts mid-sync -------------------------


def test_a_pin_the_disk_rejected_is_not_sent_again_until_the_file_changes(
    clerk: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    bad = _secret(tmp_path, "nightly-pin", "11112222")
    monkeypatch.setenv("FAPIAO_PIN_FILE", bad)
    with serve("issuing") as (disk, server):
        monkeypatch.setenv("FAPIAO_DEVICE_URL", server.url)
        assert main(["sync"]) == 1
        assert "还可尝试 4 次" in capsys.readouterr().err
        for _night in range(5):  # cron goes on; the disk must not lock
            assert main(["sync"]) == 1
            err = capsys.readouterr().err
            assert bad in err and "拒绝过" in err and "不再发送" in err
        assert disk.executions["LOGIN"] == 1 and disk.state.pin_tries_left == 4
        Path(bad).write_text(PIN + "\n", encoding="utf-8")  # the admin corrects the file
        assert main(["sync"]) == 0
        assert disk.executions["LOGIN"] == 2 and disk.state.pin_tries_left == 5
        Path(bad).write_text("11112222\n", encoding="utf-8")  # a good login forgot the refusal
        assert main(["sync"]) == 1
        assert "还可尝试 4 次" in capsys.readouterr().err
    assert count_invoices() == len(disk.state.invoices)


def test_the_rejected_pin_is_kept_as_a_salted_hash_in_a_private_file(
    clerk: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FAPIAO_PIN_FILE", _secret(tmp_path, "badpin", "11112222"))
    with serve("issuing") as (_disk, server):
        monkeypatch.setenv("FAPIAO_DEVICE_URL", server.url)
        assert main(["sync"]) == 1
    memory = tmp_path / "data" / "disk-pin-rejected.json"
    assert memory.stat().st_mode & 0o777 == 0o600
    text = memory.read_text(encoding="utf-8")
    assert "661620039941" in text and "11112222" not in text
    import hashlib

    assert hashlib.sha256(b"11112222").hexdigest() not in text  # salted, not a bare hash


@pytest.mark.parametrize("pin", ["abc", "12345", "123456789", "８８８８８８８８", ""])
def test_a_pin_that_is_not_6_to_8_digits_is_refused_unsent(
    clerk: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str], pin: str,
) -> None:  # fmt: skip
    path = _secret(tmp_path, "pin-file", pin)
    monkeypatch.setenv("FAPIAO_PIN_FILE", path)
    with serve("issuing") as (disk, server):
        monkeypatch.setenv("FAPIAO_DEVICE_URL", server.url)
        assert main(["sync"]) == 2
        assert disk.executions["LOGIN"] == 0 and disk.state.pin_tries_left == 5
    err = capsys.readouterr().err
    assert path in err and "6–8 位数字" in err


def test_a_disk_that_restarts_mid_sync_is_logged_in_again_once_and_the_sync_goes_on(
    clerk: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve("issuing", invoices=1200) as (disk, server):
        monkeypatch.setenv("FAPIAO_DEVICE_URL", server.url)
        restart_after_first_page(disk)
        assert main(["sync", "--json"]) == 0
        assert disk.executions["LOGIN"] == 2
    assert json.loads(capsys.readouterr().out)["added"] == len(disk.state.invoices)
    assert count_invoices() == len(disk.state.invoices)


def test_a_disk_that_keeps_forgetting_the_login_is_said_to_have_restarted(
    clerk: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve("issuing", invoices=1200) as (disk, server):
        monkeypatch.setenv("FAPIAO_DEVICE_URL", server.url)
        restart_after_first_page(disk, forever=True)
        assert main(["sync"]) == 3
        assert disk.executions["LOGIN"] == 2  # one login again, never more
    err = capsys.readouterr().err
    assert "税控盘中途重启" in err and "E_AUTH" not in err
    # The first page is saved; the next sync resumes after it.
    assert 0 < count_invoices() < len(disk.state.invoices)


def test_without_a_pin_to_log_in_again_the_sync_says_the_disk_restarted(
    store: peewee.Database,
) -> None:
    from devices.errors import DiskRestarted, NotLoggedIn

    with serve("issuing", invoices=1200) as (disk, server), client(server.url) as c:
        with pytest.raises(NotLoggedIn):  # never logged in: the disk's own words are right
            sync_invoices(c, branch="总部")
        c.login(PIN)
        restart_after_first_page(disk)
        with pytest.raises(DiskRestarted):
            sync_invoices(c, branch="总部")
    assert 0 < count_invoices() < len(disk.state.invoices)
