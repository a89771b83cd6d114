"""``fapiao import`` / ``fapiao export`` run in-process: exit codes and what is printed."""

from __future__ import annotations

import json
from pathlib import Path

import peewee
import pytest

from storage.accounts.users import add_user
from storage.store.database import close_database, open_database
from storage.store.models import Invoice, Role
from storage.store.schema import upgrade
from tests.support.cli import signed_in
from tests.support.paths import FIXTURES
from tui.cli.main import main

IMPORT_FILES = FIXTURES / "import"
HEADER = ("发票代码,发票号码,数电票号码,销方识别号,销方名称,购方识别号,购买方名称,开票日期,"
          "金额,税额,价税合计,税率,发票票种,发票状态,备注")  # fmt: skip
GOOD = ("044001500111,81966722,,91110105MA005AEF36,北京某某商贸有限公司,91310115MA1K3YJ12X,"
        "上海华信科技有限公司,2026-11-02,173.79,22.59,196.38,13%,增值税电子普通发票,正常,")  # fmt: skip


@pytest.fixture
def cli_store(
    store_url: str, store: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A store with the clerk li of 上海分公司, and the password in a 0600 file."""
    return signed_in(store_url, tmp_path, monkeypatch, [("clerk", Role.CLERK, "上海分公司")])


def _add_user(url: str, name: str, role: Role, branch: str, all_branches: bool = False) -> None:
    upgrade(open_database(url))
    add_user(name, "secret", role=role, branch=branch, all_branches=all_branches)
    close_database()


def _csv(tmp_path: Path, rows: list[str], name: str = "dzfp.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8-sig")
    return path


def _invoices(url: str) -> list[tuple[str, str]]:
    open_database(url)
    try:
        return [(i.number, i.branch) for i in Invoice.select().order_by(Invoice.number)]
    finally:
        close_database()


def test_import_prints_the_summary_and_each_rejected_row(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, [GOOD, GOOD.replace("81966722", "1966722")])
    assert main(["import", str(path)]) == 1
    out = capsys.readouterr().out
    assert "dzfp.csv：新增 1 张，更新 0 张，未变 0 张，拒绝 1 行" in out
    assert "第 3 行：发票号码只有 7 位" in out and "补足前导零" in out
    assert _invoices(cli_store) == [("81966722", "上海分公司")]


def test_a_clean_import_exits_0_and_a_second_run_says_already_imported(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, [GOOD])
    assert main(["import", str(path)]) == 0
    capsys.readouterr()
    assert main(["import", str(path)]) == 0
    assert "此文件已于" in capsys.readouterr().out
    assert len(_invoices(cli_store)) == 1


def test_an_unusable_file_exits_2_and_stores_nothing(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(IMPORT_FILES / "billion_laughs.xml")]) == 2
    assert "billion_laughs.xml：无法导入" in capsys.readouterr().err
    assert main(["import", str(tmp_path / "missing.csv")]) == 2
    assert _invoices(cli_store) == []


def test_json_has_one_document_per_run(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _csv(tmp_path, [GOOD.replace("81966722", "8196672")])
    code = main(["import", "--json", str(good), str(IMPORT_FILES / "einvoice.xml")])
    doc = json.loads(capsys.readouterr().out)
    assert code == 1
    first, second = doc["files"]
    assert (
        first["rejected"][0]["row"] == 2 and first["rejected"][0]["code"] == "import.row.number_7"
    )
    assert (second["file"], second["added"]) == ("einvoice.xml", 1)


def test_english_with_lang(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, [GOOD, GOOD.replace("2026-11-02", "2026-13-01")])
    assert main(["--lang", "en", "import", str(path)]) == 1
    out = capsys.readouterr().out
    assert "dzfp.csv: 1 added, 0 updated, 0 unchanged, 1 rows rejected" in out
    assert "row 3: the invoice date is not a real date: 2026-13-01" in out


def test_an_auditor_cannot_import(
    cli_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    _add_user(cli_store, "audit", Role.AUDITOR, "上海分公司")
    monkeypatch.setenv("FAPIAO_USER", "audit")
    assert main(["import", str(_csv(tmp_path, [GOOD]))]) == 1
    assert "此操作需要 前台 权限" in capsys.readouterr().err
    assert _invoices(cli_store) == []


def test_a_wrong_password_imports_nothing(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad-password"
    bad.write_text("nope")
    bad.chmod(0o600)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAPIAO_PASSWORD_FILE", str(bad))
        assert main(["import", str(_csv(tmp_path, [GOOD]))]) == 1
    assert _invoices(cli_store) == []


def test_unreachable_store_exits_3(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FAPIAO_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")
    monkeypatch.setenv("FAPIAO_USER", "clerk")
    assert main(["import", str(_csv(tmp_path, [GOOD]))]) == 3


def test_export_then_import_round_trip_via_the_cli(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(IMPORT_FILES / "etax_per_invoice.csv")]) == 0
    out = tmp_path / "out.xlsx"
    assert main(["export", "--out", str(out), "--status", "作废"]) == 0
    assert "已导出 1 张发票（1 行）" in capsys.readouterr().out
    assert out.exists()


def test_export_refuses_bad_extension_and_dates_with_exit_2(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--out", str(tmp_path / "x.pdf")]) == 2
    assert ".xlsx 或 .csv" in capsys.readouterr().err
    assert main(["export", "--out", str(tmp_path / "x.csv"), "--from", "2026-02-30"]) == 2
    assert main(["export", "--out", str(tmp_path / "x.csv"), "--status", "lost"]) == 2
    assert not (tmp_path / "x.csv").exists()


def test_export_of_another_branch_needs_all_branches(
    cli_store: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    assert main(["export", "--out", str(tmp_path / "x.csv"), "--branch", "总部"]) == 1
    assert "所有分支" in capsys.readouterr().err
    _add_user(cli_store, "boss", Role.SUPERVISOR, "总部", all_branches=True)
    monkeypatch.setenv("FAPIAO_USER", "boss")
    assert main(["export", "--json", "--out", str(tmp_path / "x.csv"), "--branch", "总部"]) == 0
    assert json.loads(capsys.readouterr().out)["invoices"] == 0
