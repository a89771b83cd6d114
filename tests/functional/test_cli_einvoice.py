"""``fapiao import`` of received files: what the clerk reads, the exit codes, ``--json``."""

from __future__ import annotations

import json
from pathlib import Path

import peewee
import pytest

from storage.demo.received_files import ofd_bytes, pdf_bytes
from storage.store.database import close_database, open_database
from storage.store.models import Invoice, Role
from tests.support.cli import signed_in
from tests.support.received import SAMPLES, digital, einvoice_xml, zip_bytes
from tui.cli.main import main


@pytest.fixture
def cli_store(
    store_url: str, store: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """A store with the clerk li of 上海分公司, and the password in a 0600 file."""
    return signed_in(store_url, tmp_path, monkeypatch, [("clerk", Role.CLERK, "上海分公司")])


def _stored(url: str) -> list[tuple[str, str, str]]:
    open_database(url)
    try:
        return [
            (i.number, str(i.total), i.direction) for i in Invoice.select().order_by(Invoice.number)
        ]
    finally:
        close_database()


def _file(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return str(path)


def test_a_bundle_goes_in_and_says_what_it_skipped(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _file(tmp_path, "发票批量下载_1.zip", zip_bytes([
        ("a/dzfp.ofd", (SAMPLES / "ofdrw_1_033002000211_83089647.ofd").read_bytes()),
        ("a/dzfp.pdf", pdf_bytes(digital())),
        ("说明.txt".encode("gb18030") + b"____", b"readme"),
    ]))  # fmt: skip
    assert main(["import", bundle]) == 0
    out = capsys.readouterr().out
    assert "发票批量下载_1.zip：新增 2 张，更新 0 张，未变 0 张，拒绝 0 行" in out
    assert "注意：说明.txt____：不是发票文件，已跳过" in out
    assert _stored(cli_store) == [("25322000000365404822", "250.00", "received"),
                                  ("83089647", "526.00", "received")]  # fmt: skip


def test_a_conflict_is_shown_and_exits_1(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xml = _file(tmp_path, "dzfp.xml", einvoice_xml(digital()))
    bundle = _file(
        tmp_path, "b.zip", zip_bytes([("x/dzfp.pdf", pdf_bytes(digital(total="260.00")))])
    )
    assert main(["import", xml, bundle]) == 1
    out = capsys.readouterr().out
    reason = ("同一发票的金额不一致：dzfp.xml（数电 XML）为 235.85，"
              "b.zip/x/dzfp.pdf（PDF 文档属性）为 245.28；未导入")  # fmt: skip
    assert f"\n  {reason}\n" in out  # under dzfp.xml
    assert "  x/dzfp.pdf：同一发票的金额不一致" in out  # the bundle names its member
    assert _stored(cli_store) == []


def test_json_names_members_and_reasons(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = _file(tmp_path, "b.zip", zip_bytes([
        ("ok.ofd", ofd_bytes(digital())),
        ("bad.pdf", pdf_bytes(digital("25322000000365404823"), info=False,
                              leave_out=("开票日期：",))),
    ]))  # fmt: skip
    assert main(["--lang", "en", "import", "--json", bundle]) == 1
    (report,) = json.loads(capsys.readouterr().out)["files"]
    assert (report["added"], report["rejected_count"]) == (1, 1)
    (rejected,) = report["rejected"]
    assert (rejected["member"], rejected["code"]) == ("bad.pdf", "import.einvoice.pdf_unsure")
    assert "no reliable date" in rejected["reason"]


def test_an_unusable_received_file_exits_2_with_its_reason(
    cli_store: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = _file(tmp_path, "dzfp.pdf", b"PK\x03\x04 not a pdf")
    evil = _file(tmp_path, "evil.zip", zip_bytes([("../../etc/x.ofd", b"x")]))
    assert main(["import", fake, evil]) == 2
    err = capsys.readouterr().err
    assert "dzfp.pdf：无法导入：文件内容与扩展名 .pdf 不符" in err
    assert "evil.zip：无法导入：压缩包内有越出目录的文件名（../../etc/x.ofd），拒绝处理" in err
    assert _stored(cli_store) == []


def test_direction_given_on_the_command_line(cli_store: str, tmp_path: Path) -> None:
    ofd = _file(tmp_path, "a.ofd", ofd_bytes(digital()))
    assert main(["import", "--direction", "issued", ofd]) == 0
    assert _stored(cli_store) == [("25322000000365404822", "250.00", "issued")]
