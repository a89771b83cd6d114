"""``fapiao lookup`` in-process: the table, the diagnosis, JSON, and the exit codes."""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import peewee
import pytest
from rich.cells import cell_len

from devices.service_client import ServiceConnection, StatusEvent
from storage.accounts.users import add_user
from storage.store.database import close_database, open_database, write
from storage.store.invoice_store import save_invoices
from storage.store.models import Role
from storage.store.sync_state import record_synced_seq
from tests.support.invoices import make_record
from tests.support.tui import disk_service
from tui.cli.main import main


@pytest.fixture
def clerk_cli(
    store_url: str, store: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A store with a clerk of 总部, a few invoices, and the clerk's password file."""
    add_user("amy", "amy-pw", role=Role.CLERK, branch="总部")
    save_invoices([
        make_record("81966722"),
        make_record("81966723", status="void", buyer_name="华信", date=dt.date(2026, 3, 3)),
    ], branch="总部")  # fmt: skip
    save_invoices([make_record("70000001", buyer_name="上海机密客户有限公司")], branch="上海分公司")
    close_database()
    pw = tmp_path / "pw"
    pw.write_text("amy-pw\n", encoding="utf-8")
    os.chmod(pw, 0o600)
    monkeypatch.setenv("FAPIAO_DATABASE_URL", store_url)
    monkeypatch.setenv("FAPIAO_PASSWORD_FILE", str(pw))
    monkeypatch.setenv("FAPIAO_USER", "amy")
    yield
    close_database()


def test_found_prints_an_aligned_table_with_status(
    clerk_cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", "华信"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "找到 2 张发票"
    header, first, second = lines[1:4]
    assert "81966723" in first and "作废" in first  # newest first, status in words
    assert "81966722" in second and "正常" in second
    # Columns line up by display width although the names differ in length.
    assert cell_len(first[: first.index("196.38")]) == cell_len(second[: second.index("196.38")])
    assert cell_len(header[: header.index("状态")]) == cell_len(first[: first.index("作废")])


def test_not_found_prints_the_diagnosis_and_exits_1(
    clerk_cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", "81966732"]) == 1
    out = capsys.readouterr().out
    assert "没有找到“81966732”" in out
    assert "1. 发票号码可能有相邻两位颠倒" in out and "81966723" in out
    assert "本系统中没有这张发票" in out


def test_other_branch_is_named_but_not_shown(
    clerk_cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", "70000001"]) == 1
    out = capsys.readouterr().out
    assert "该发票属于其他分支机构，您无权查看" in out
    assert "机密客户" not in out and "上海分公司" not in out


def test_hidden_void_red_reports_filtered_out(
    clerk_cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", "--hide-void-red", "81966723"]) == 1
    assert "当前视图未显示" in capsys.readouterr().out


def test_json_is_one_document(clerk_cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "81966722", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["found"] is True and data["kind"] == "number"
    assert data["matches"][0]["total"] == "196.38"
    assert data["matches"][0]["status_text"] == "正常"
    assert main(["lookup", "55555555", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [c["kind"] for c in data["causes"]] == ["not_here"]


def test_one_character_is_bad_usage(clerk_cli: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lookup", "华"]) == 2
    assert "两个字" in capsys.readouterr().err


def test_unreachable_store_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAPIAO_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("FAPIAO_USER", "amy")
    assert main(["lookup", "81966722"]) == 3
    assert "无法" in capsys.readouterr().err


# A pasted page of Chinese: every two characters a different gram (the store used to be asked
# one condition per gram, and SQLite refused 1,000 of them).
LONG_CHINESE = "".join(chr(0x4E00 + i) for i in range(1000))


def test_a_very_long_query_is_bad_usage_naming_the_limit_not_a_store_problem(
    clerk_cli: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["lookup", LONG_CHINESE]) == 2
    err = capsys.readouterr().err
    assert "太长" in err and "最多 200 个字" in err and "1000" in err
    assert "无法打开数据库" not in err


def test_a_search_the_store_refuses_is_a_failure_not_an_unreachable_store(
    clerk_cli: None, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.lookup.engine

    def refused(*args: object, **kwargs: object) -> None:
        raise peewee.OperationalError("Expression tree is too large (maximum depth 1000)")

    monkeypatch.setattr(storage.lookup.engine, "find", refused)
    assert main(["lookup", "华信"]) == 1
    err = capsys.readouterr().err
    assert "查询失败" in err and "Expression tree" in err
    assert "无法打开数据库" not in err


def _disk_connected(socket: Path) -> None:
    """Wait until the device service has the disk (its first status may come before)."""
    connected = threading.Event()

    def seen(event: StatusEvent) -> None:
        if event.connected:
            connected.set()

    with ServiceConnection(socket, on_status=seen).connect():
        assert connected.wait(10)


def test_a_disk_ahead_of_the_store_is_said_when_a_device_service_runs(
    clerk_cli: None, store_url: str, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    with disk_service(monkeypatch) as (disk, server, service):
        monkeypatch.setenv("FAPIAO_DEVICE_URL", server.url)
        _disk_connected(service.socket_path)
        newest = disk.state.last_seq
        assert main(["lookup", "81966732"]) == 1
        out = capsys.readouterr().out
        assert "1. 税控盘上有尚未同步的发票" in out
        assert f"税控盘最新记录序号为 {newest}，本系统只同步到 0" in out
        assert main(["lookup", "81966732", "--json"]) == 1
        kinds = [c["kind"] for c in json.loads(capsys.readouterr().out)["causes"]]
        assert kinds[0] == "not_synced"
        # synced up to the disk's newest record: nothing more to say about the disk
        open_database(store_url)
        write(lambda: record_synced_seq(disk.state.device_id, newest))
        close_database()
        assert main(["lookup", "81966732"]) == 1
        assert "尚未同步" not in capsys.readouterr().out


def test_without_a_device_service_the_lookup_says_nothing_of_the_disk(
    clerk_cli: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("FAPIAO_DEVICE_URL", "/dev/no-such-disk")
    monkeypatch.setenv("FAPIAO_DEVICE_SOCKET", str(tmp_path / "nobody-listens.sock"))
    assert main(["lookup", "81966732"]) == 1
    out = capsys.readouterr().out
    assert "本系统中没有这张发票" in out and "尚未同步" not in out
    assert not (tmp_path / "nobody-listens.sock").exists()  # no service was started for it
