"""The files people receive into the store (SQLite and PostgreSQL): every sample as printed,
one record for one invoice in several formats, better sources filling what weaker ones left
empty, conflicts reported and nothing overwritten, one transaction per run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import peewee
import pytest

from storage.audit import chain
from storage.audit.chain import AuditEntry
from storage.demo.received_files import ofd_bytes, pdf_bytes
from storage.importing import FileReport, Who, import_file, import_files
from storage.store.invoice_store import count_invoices, save_invoices
from storage.store.models import ImportedFile, Invoice, Party, Source
from tests.support.received import SAMPLES, classic, digital, einvoice_xml, expected, zip_bytes

CLERK = Who(username="li", branch="上海分公司")


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _reasons(report: FileReport) -> list[tuple[str, str]]:
    return [(r.member, r.problem.text()) for r in report.rejected]


def test_every_sample_goes_in_as_printed(store: peewee.Database) -> None:
    samples = expected()
    reports = import_files([SAMPLES / s["file"] for s in samples], CLERK)
    assert [(r.added, r.rejected, r.refused) for r in reports] == [(1, [], None)] * len(samples)
    for sample in samples:
        invoice = Invoice.get(
            (Invoice.number == sample["number"]) & (Invoice.code == sample["code"])
        )
        stored = {"date": invoice.date.isoformat(), "amount": f"{invoice.amount:.2f}",
                  "tax": f"{invoice.tax:.2f}", "total": f"{invoice.total:.2f}",
                  "check_code": invoice.check_code, "buyer_name": invoice.buyer_name,
                  "buyer_tax_id": invoice.buyer_tax_id, "seller_name": invoice.seller_name,
                  "seller_tax_id": invoice.seller_tax_id}  # fmt: skip
        assert stored == {k: sample[k] for k in stored}
        assert (invoice.direction, invoice.branch) == ("received", "上海分公司")
    # The classic sample's three lines, and the seller as the counterparty of a received one.
    example = Invoice.get(Invoice.number == "99999951")
    assert example.lines.count() == 3
    assert example.counterparty.name == "杭州融易算企业管理咨询有限公司"


def test_a_bundle_of_the_samples_and_reimporting_it(store: peewee.Database, tmp_path: Path) -> None:
    members = [(f"发票/{s['file']}".encode("gb18030"), (SAMPLES / s["file"]).read_bytes())
               for s in expected()]  # fmt: skip
    bundle = _write(tmp_path, "发票批量下载_20250808.zip", zip_bytes(members))
    report = import_file(bundle, CLERK)
    assert (report.added, report.rejected, report.warnings) == (5, [], [])
    assert count_invoices() == 5
    again = import_file(bundle, CLERK)
    assert again.already_imported and count_invoices() == 5


def test_one_invoice_as_pdf_ofd_and_xml_is_one_record(
    store: peewee.Database, tmp_path: Path
) -> None:
    record = digital()
    paths = [_write(tmp_path, "dzfp.pdf", pdf_bytes(record, info=False)),
             _write(tmp_path, "dzfp.ofd", ofd_bytes(record)),
             _write(tmp_path, "dzfp.xml", einvoice_xml(record))]  # fmt: skip
    reports = import_files(paths, CLERK)
    assert [(r.added, r.unchanged, r.rejected) for r in reports] == [
        (0, 1, []), (0, 1, []), (1, 0, [])]  # fmt: skip
    (invoice,) = Invoice.select()
    assert (invoice.number, invoice.total, invoice.buyer_tax_id, invoice.seller_name) == (
        record.number, Decimal("250.00"), record.buyer_tax_id, record.seller_name)  # fmt: skip


def test_a_better_file_later_fills_in_what_the_first_lacked(
    store: peewee.Database, tmp_path: Path
) -> None:
    record = digital()
    # A re-saved PDF: its text gives no tax ids.
    import_files([_write(tmp_path, "a.pdf", pdf_bytes(record, info=False))], CLERK)
    first = Invoice.get()
    assert (first.buyer_tax_id, first.seller_tax_id) == ("", "")
    report = import_files([_write(tmp_path, "a.ofd", ofd_bytes(record))], CLERK)[0]
    assert (report.added, report.updated, report.rejected) == (0, 1, [])
    invoice = Invoice.get()
    assert (invoice.buyer_tax_id, invoice.seller_tax_id) == (
        record.buyer_tax_id, record.seller_tax_id)  # fmt: skip
    # The counterparty (the seller of a received invoice) now carries its tax id too.
    assert (invoice.counterparty.name, invoice.counterparty.tax_id) == (
        record.seller_name, record.seller_tax_id)  # fmt: skip
    assert Party.select().where(Party.tax_id == record.seller_tax_id).count() == 1


def test_two_files_disagreeing_is_a_conflict_and_nothing_goes_in(
    store: peewee.Database, tmp_path: Path
) -> None:
    xml = _write(tmp_path, "x.xml", einvoice_xml(digital()))
    pdf = _write(tmp_path, "x.pdf", pdf_bytes(digital(total="260.00")))
    reports = import_files([xml, pdf], CLERK)
    for report in reports:
        assert [r.problem.key for r in report.rejected] == ["import.einvoice.conflict"]
        assert "x.xml（数电 XML）为 235.85" in report.rejected[0].problem.text()
        assert "x.pdf（PDF 文档属性）为 245.28" in report.rejected[0].problem.text()
    assert count_invoices() == 0
    assert ImportedFile.select().count() == 0  # fixed, both can be imported again


def test_a_pdf_disagreeing_with_the_disk_sync_is_not_overwritten(
    store: peewee.Database, tmp_path: Path
) -> None:
    synced = digital(total="250.00", source=Source.DISK.value, direction="received")
    save_invoices([synced], branch="上海分公司")
    pdf = _write(tmp_path, "dzfp_25322000000365404822.pdf", pdf_bytes(digital(total="260.00")))
    report = import_files([pdf], CLERK)[0]
    assert [r.problem.text() for r in report.rejected] == [
        "库中已有此发票，但金额不同（库中 235.85，dzfp_25322000000365404822.pdf 为 245.28），未覆盖"
    ]
    invoice = Invoice.get()
    assert (invoice.total, invoice.source) == (Decimal("250.00"), "disk")


def test_a_bad_member_is_reported_and_the_rest_goes_in(
    store: peewee.Database, tmp_path: Path
) -> None:
    bundle = _write(tmp_path, "b.zip", zip_bytes([
        ("ok/a.ofd", ofd_bytes(digital())),
        ("ok/c.ofd", ofd_bytes(classic())),
        ("bad/scan.pdf", pdf_bytes(digital("25322000000365404823"), info=False,
                                   leave_out=("发票号码：",))),
        ("bad/cut.ofd", ofd_bytes(classic("83089648"))[:300]),
    ]))  # fmt: skip
    report = import_files([bundle], CLERK)[0]
    assert report.added == 2
    assert [(r.member, r.problem.key) for r in report.rejected] == [
        ("bad/scan.pdf", "import.einvoice.pdf_unsure"),
        ("bad/cut.ofd", "import.einvoice.bad_zip"),
    ]
    assert _reasons(report)[0][1] == (
        "PDF 没有发票属性，文字层中找不到可靠的发票号码：未导入，请导入同一发票的 OFD 或 XML"
    )
    assert ImportedFile.select().count() == 0


def test_a_refused_bundle_stores_nothing(store: peewee.Database, tmp_path: Path) -> None:
    bomb = _write(tmp_path, "bomb.zip", zip_bytes([("x.xml", b"<" + b" " * (4 << 20) + b"/>")]))
    evil = _write(tmp_path, "evil.zip", zip_bytes([("../../x.ofd", ofd_bytes(classic()))]))
    good = _write(tmp_path, "good.ofd", ofd_bytes(digital()))
    reports = import_files([bomb, evil, good], CLERK)
    assert [r.refused.key if r.refused else None for r in reports] == [
        "import.einvoice.zip_bomb", "import.einvoice.unsafe_path", None]  # fmt: skip
    assert [i.number for i in Invoice.select()] == [digital().number]


def test_a_run_that_fails_half_way_leaves_the_store_as_it_was(
    store: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [_write(tmp_path, "a.ofd", ofd_bytes(digital())),
             _write(tmp_path, "b.ofd", ofd_bytes(classic()))]  # fmt: skip
    calls = []
    real = chain.record

    def failing(*args: object, **kwargs: object) -> object:
        calls.append(args)
        if len(calls) == 2:  # the second file's audit entry, after both were saved
            raise OSError("disk full")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(chain, "record", failing)
    with pytest.raises(OSError):
        import_files(paths, CLERK)
    assert count_invoices() == 0 and ImportedFile.select().count() == 0
    assert AuditEntry.select().where(AuditEntry.action == "import").count() == 0


def test_an_import_run_is_audited_per_file(store: peewee.Database, tmp_path: Path) -> None:
    paths = [_write(tmp_path, "a.ofd", ofd_bytes(digital())),
             _write(tmp_path, "b.ofd", ofd_bytes(classic()))]  # fmt: skip
    import_files(paths, CLERK)
    entries = AuditEntry.select().where(AuditEntry.action == "import").order_by(AuditEntry.seq)
    assert [(e.username, e.target) for e in entries] == [("li", "a.ofd"), ("li", "b.ofd")]


def test_the_direction_may_be_given(store: peewee.Database, tmp_path: Path) -> None:
    import_files([_write(tmp_path, "a.ofd", ofd_bytes(digital()))], CLERK,
                 received_direction="issued")  # fmt: skip
    assert Invoice.get().direction == "issued"


def test_a_digital_number_from_another_year_is_noted(
    store: peewee.Database, tmp_path: Path
) -> None:
    record = digital(number="24322000000365404822", date=dt.date(2025, 1, 2))
    report = import_files([_write(tmp_path, "a.xml", einvoice_xml(record))], CLERK)[0]
    assert report.added == 1 and report.ok
    assert [w.problem.key for w in report.warnings] == ["import.einvoice.number_year"]


def test_a_scanned_qr_is_completed_by_the_file_and_a_wrong_one_is_a_conflict(
    store: peewee.Database, tmp_path: Path
) -> None:
    right, wrong = digital(), digital("25322000000365404823")
    qr = _write(tmp_path, "scans.txt", (
        f"01,32,,{right.number},250.00,20250808,,A1B2,\n"
        f"01,32,,{wrong.number},999.00,20250808,,A1B2,\n").encode())  # fmt: skip
    files = [
        _write(tmp_path, "a.ofd", ofd_bytes(right)),
        _write(tmp_path, "b.ofd", ofd_bytes(wrong)),
    ]
    reports = import_files([qr, *files], CLERK)
    assert reports[0].added == 2  # the scans go in first, tax to be completed
    assert (reports[1].updated, reports[1].rejected) == (1, [])
    completed = Invoice.get(Invoice.number == right.number)
    assert (completed.amount, completed.tax, completed.total, completed.remark) == (
        Decimal("235.85"), Decimal("14.15"), Decimal("250.00"), "")  # fmt: skip
    assert completed.buyer_name == right.buyer_name  # and what the QR lacked is filled in
    assert [r.problem.key for r in reports[2].rejected] == ["import.einvoice.stored_conflict"]
    assert Invoice.get(Invoice.number == wrong.number).total == Decimal("999.00")


def test_a_file_too_big_or_missing_is_refused(
    store: peewee.Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storage.importing.einvoice import run

    monkeypatch.setattr(run, "MAX_FILE_BYTES", 1000)
    big = _write(tmp_path, "big.ofd", ofd_bytes(digital()))
    reports = import_files([big, tmp_path / "gone.zip"], CLERK)
    assert [r.refused.key if r.refused else None for r in reports] == [
        "import.file.too_big", "import.file.missing"]  # fmt: skip
    assert count_invoices() == 0


def test_a_pdf_alone_takes_the_seller_name_the_store_knows_by_its_tax_id(
    store: peewee.Database, tmp_path: Path
) -> None:
    record = digital()
    import_files([_write(tmp_path, "a.ofd", ofd_bytes(record))], CLERK)
    later = digital("25322000000365404899")
    blind = pdf_bytes(later, info=True, leave_out=("名称：",))  # Info: tax ids, no names
    report = import_files([_write(tmp_path, "b.pdf", blind)], CLERK)[0]
    assert report.added == 1
    invoice = Invoice.get(Invoice.number == later.number)
    assert (invoice.seller_name, invoice.seller_tax_id) == (
        record.seller_name,
        record.seller_tax_id,
    )
    assert invoice.counterparty.name == record.seller_name
