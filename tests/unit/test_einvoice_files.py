"""Reading the invoice files people receive (OFD, PDF, 数电 XML, ZIP bundles) and merging
their sources, without a store: every real sample against its expected values, files built
here (数电 PDF with and without its Info dictionary, OFDs, bundles with nested folders and
GB18030 names), and hostile or broken archives, each refused with its reason."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from storage.demo.received_files import ofd_bytes, pdf_bytes
from storage.importing.einvoice import archive as archive_limits
from storage.importing.einvoice.found import Rank
from storage.importing.einvoice.merge import Merged, group, known_names, merge
from storage.importing.einvoice.reading import Reading, read_file
from storage.importing.report import FileRefused
from storage.messages import set_language
from tests.support.received import SAMPLES, classic, digital, einvoice_xml, expected, zip_bytes

BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016">&lol3;</ofd:OFD>'
)


@pytest.fixture(autouse=True)
def _chinese() -> None:
    set_language("zh")


def _read(name: str, data: bytes) -> Reading:
    return read_file(name, data, file_index=0)


def _merged(reading: Reading) -> list[Merged]:
    return [merge(sources, direction="received") for sources in group(reading.sources)]


def _one(name: str, data: bytes) -> Merged:
    merged = _merged(_read(name, data))
    assert len(merged) == 1
    return merged[0]


def _refused(name: str, data: bytes) -> str:
    with pytest.raises(FileRefused) as caught:
        _read(name, data)
    return caught.value.problem.key


def _fields(invoice: Merged) -> dict[str, str]:
    r = invoice.record
    assert r is not None, invoice.problem and invoice.problem.text()
    return {"code": r.code, "number": r.number, "date": r.date.isoformat(),
            "amount": str(r.amount), "tax": str(r.tax), "total": str(r.total),
            "check_code": r.check_code, "buyer_name": r.buyer_name,
            "buyer_tax_id": r.buyer_tax_id, "seller_name": r.seller_name,
            "seller_tax_id": r.seller_tax_id}  # fmt: skip


@pytest.mark.parametrize("sample", expected(), ids=lambda s: s["file"][:24])
def test_every_sample_reads_as_printed(sample: dict[str, Any]) -> None:
    invoice = _one(sample["file"], (SAMPLES / sample["file"]).read_bytes())
    assert _fields(invoice) == {k: sample[k] for k in _fields(invoice)}
    assert invoice.warnings == []


def test_sample_types_and_sources() -> None:
    kinds = {}
    for sample in expected():
        invoice = _one(sample["file"], (SAMPLES / sample["file"]).read_bytes())
        assert invoice.record is not None
        kinds[sample["number"]] = (invoice.record.type, [s.rank.name for s in invoice.sources])
    assert kinds == {
        "25924000000001260164": ("31", ["OFD_CUSTOM_DATA"]),  # 数电专票: title on the page
        "00008006": ("08", ["OFD_ATTACHMENT", "OFD_CUSTOM_DATA"]),  # 电专 (QR type 20)
        "25322000000365404822": ("32", ["XML"]),
        "83089647": ("10", ["OFD_ATTACHMENT", "OFD_CUSTOM_DATA"]),
        "99999951": ("10", ["OFD_ATTACHMENT", "OFD_CUSTOM_DATA"]),
    }


def test_the_classic_sample_keeps_its_three_lines() -> None:
    invoice = _one("x.ofd", (SAMPLES / "ofdrw_发票示例_050001700111_99999951.ofd").read_bytes())
    assert invoice.record is not None
    assert [(ln.amount, ln.rate, ln.tax) for ln in invoice.record.lines] == [
        (Decimal("100.00"), "0.06", Decimal("6.00"))] * 3  # fmt: skip


def test_a_digital_pdf_with_its_info_dictionary() -> None:
    record = digital()
    invoice = _one("dzfp.pdf", pdf_bytes(record, info=True))
    assert invoice.best.rank is Rank.PDF_INFO
    # Info has no names: the PDF's own text gave them.
    assert _fields(invoice) == _fields_of(record)


def test_info_amounts_without_decimals() -> None:
    record = digital(total="0.80", amount=Decimal("0.80"), tax=Decimal("0.00"))
    data = pdf_bytes(record, info=True, short_amounts=True)
    info = PdfReader(io.BytesIO(data)).metadata
    assert (
        info is not None and str(info["/TotalTax-includedAmount"]) == "0.8"
    )  # as the platform does
    invoice = _one("dzfp.pdf", data)
    assert invoice.record is not None and invoice.record.total == Decimal("0.80")


def test_a_resaved_pdf_falls_back_to_its_text_in_any_drawing_order() -> None:
    record = digital()
    for seed in range(4):
        invoice = _one("resaved.pdf", pdf_bytes(record, info=False, seed=seed))
        assert invoice.best.rank is Rank.PDF_TEXT
        fields = _fields(invoice)
        assert fields == {**_fields_of(record), "buyer_tax_id": "", "seller_tax_id": ""}


def test_a_classic_pdf_text_with_code_and_check_code() -> None:
    record = classic()
    invoice = _one("classic.pdf", pdf_bytes(record, info=False, seed=5))
    assert invoice.record is not None
    assert (invoice.record.code, invoice.record.check_code, invoice.record.type) == (
        record.code, record.check_code, "10")  # fmt: skip


def test_a_pdf_without_confident_fields_is_refused_with_the_reason() -> None:
    record = digital()
    # The date is drawn but its label is not: which date it is cannot be told.
    unlabelled = pdf_bytes(record, info=False, leave_out=("开票日期：",))
    with pytest.raises(FileRefused) as caught:
        _read("unlabelled.pdf", unlabelled)
    assert caught.value.problem.key == "import.einvoice.pdf_unsure"
    assert caught.value.problem.text() == (
        "PDF 没有发票属性，文字层中找不到可靠的开票日期：未导入，请导入同一发票的 OFD 或 XML"
    )
    assert _refused("image.pdf", _pdf_without_text()) == "import.einvoice.pdf_no_text"


def test_an_ofd_built_here_both_kinds() -> None:
    for record in (digital(remark="差额征税：100.00。"), classic()):
        invoice = _one("built.ofd", ofd_bytes(record, downloads=3))
        assert _fields(invoice) == _fields_of(record)
        assert invoice.record is not None and invoice.record.remark == record.remark


def test_a_bundle_with_nested_folders_gb18030_and_utf8_names() -> None:
    a, b, c = digital(), digital("25322000000365404823"), classic()
    inner = zip_bytes([("深层/发票.ofd", ofd_bytes(c))])
    data = zip_bytes([
        ("发票批量下载/2025/08/dzfp_a.pdf".encode("gb18030"), pdf_bytes(a)),
        ("发票批量下载/2025/08/电子发票_b.ofd", ofd_bytes(b)),
        ("发票批量下载/说明.txt".encode("gb18030"), "请查收".encode("gb18030")),
        ("发票批量下载/内层.zip", inner),
        ("__MACOSX/._dzfp_a.pdf", b"\x00\x05"),
    ])  # fmt: skip
    reading = _read("发票批量下载_20250808.zip", data)
    assert reading.problems == []
    assert reading.skipped == ["发票批量下载/说明.txt"]
    origins = sorted(s.origin for s in reading.sources)
    assert origins == [
        "发票批量下载_20250808.zip/发票批量下载/2025/08/dzfp_a.pdf",
        "发票批量下载_20250808.zip/发票批量下载/2025/08/电子发票_b.ofd",
        "发票批量下载_20250808.zip/发票批量下载/内层.zip/深层/发票.ofd",
        "发票批量下载_20250808.zip/发票批量下载/内层.zip/深层/发票.ofd",  # attachment + CustomData
    ]
    numbers = sorted(m.record.number for m in _merged(reading) if m.record)
    assert numbers == sorted([a.number, b.number, c.number])


def test_the_same_invoice_in_three_formats_is_one_record() -> None:
    record = digital()
    resaved_pdf = pdf_bytes(record, info=False)  # the weakest: text only, no tax ids
    data = zip_bytes([("a/x.pdf", resaved_pdf), ("b/x.ofd", ofd_bytes(record)),
                      ("c/x.xml", einvoice_xml(record))])  # fmt: skip
    (invoice,) = _merged(_read("bundle.zip", data))
    assert [s.rank for s in invoice.sources] == [Rank.XML, Rank.OFD_CUSTOM_DATA, Rank.PDF_TEXT]
    assert _fields(invoice) == _fields_of(record)


def test_a_better_source_fills_what_the_weaker_left_empty() -> None:
    record = digital()
    # The PDF's text has no tax ids; the OFD (stronger) has no lines here; each fills the other.
    data = zip_bytes([("x.pdf", pdf_bytes(record, info=False)), ("x.ofd", ofd_bytes(record))])
    (invoice,) = _merged(_read("bundle.zip", data))
    assert invoice.record is not None
    assert (invoice.record.buyer_tax_id, invoice.record.buyer_name) == (
        record.buyer_tax_id, record.buyer_name)  # fmt: skip


def test_different_amounts_for_one_invoice_are_a_conflict_naming_both_files() -> None:
    record = digital()
    other = digital(total="260.00")
    data = zip_bytes([("x.xml", einvoice_xml(record)), ("x.pdf", pdf_bytes(other))])
    (invoice,) = _merged(_read("bundle.zip", data))
    assert invoice.record is None and invoice.problem is not None
    assert invoice.problem.key == "import.einvoice.conflict"
    text = invoice.problem.text()
    assert "bundle.zip/x.xml（数电 XML）为 235.85" in text
    assert "bundle.zip/x.pdf（PDF 文档属性）为 245.28" in text


def test_a_digital_number_from_another_year_is_a_warning() -> None:
    record = digital(number="24322000000365404822")
    invoice = _one("x.xml", einvoice_xml(record))
    assert invoice.record is not None
    assert [w.key for w in invoice.warnings] == ["import.einvoice.number_year"]


def test_tax_written_as_stars_and_a_person_as_buyer() -> None:
    record = digital(total="100.00", amount=Decimal("100.00"), tax=Decimal("0.00"),
                     buyer_name="个人", buyer_tax_id="")  # fmt: skip
    invoice = _one("x.ofd", ofd_bytes(record, tax_written="***"))
    assert invoice.record is not None
    assert (invoice.record.tax, invoice.record.buyer_name, invoice.record.buyer_tax_id) == (
        Decimal("0.00"), "个人", "")  # fmt: skip


# Hostile and broken files: each refused (or its member rejected) with a reason.


def test_a_zip_bomb_is_refused() -> None:
    bomb = zip_bytes([("dzfp.xml", b"<" + b" " * (8 * 1024 * 1024) + b"/>")])
    assert len(bomb) < 100_000
    assert _refused("bomb.zip", bomb) == "import.einvoice.zip_bomb"
    # Inside a bundle, the bomb is one bad member; the rest goes in.
    outer = _read("outer.zip", zip_bytes([("b.zip", bomb), ("ok.xml", einvoice_xml(digital()))],
                                         compress=False))  # fmt: skip
    assert [(m, p.key) for m, p in outer.problems] == [("b.zip", "import.einvoice.zip_bomb")]
    assert len(outer.sources) == 1


def test_a_member_too_big_is_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive_limits, "MAX_MEMBER_BYTES", 1000)
    reading = _read("b.zip", zip_bytes([("big.xml", b"<a>" + b"x" * 2000 + b"</a>")]))
    assert [(m, p.key) for m, p in reading.problems] == [
        ("big.xml", "import.einvoice.member_too_big")]  # fmt: skip


@pytest.mark.parametrize("name", ["../../etc/cron.d/x.xml", "/etc/x.pdf", "C:\\x.pdf",
                                  "ok/../../x.ofd", "..\\..\\x.pdf"])  # fmt: skip
def test_a_path_climbing_out_is_refused(name: str) -> None:
    data = zip_bytes([("good.xml", einvoice_xml(digital())), (name, b"<x/>")])
    assert _refused("evil.zip", data) == "import.einvoice.unsafe_path"


def test_entity_expansion_is_refused_without_expanding() -> None:
    assert _refused("lol.xml", BILLION_LAUGHS) == "import.file.unsafe_xml"
    ofd = zip_bytes([("OFD.xml", BILLION_LAUGHS)])
    assert _refused("lol.ofd", ofd) == "import.einvoice.unsafe_xml"
    reading = _read("b.zip", zip_bytes([("lol.ofd", ofd)]))
    assert [(m, p.key) for m, p in reading.problems] == [("lol.ofd", "import.einvoice.unsafe_xml")]


@pytest.mark.parametrize("cut", [0.3, 0.6, 0.9])
def test_truncated_files_are_refused(cut: float) -> None:
    record = digital()
    for name, data, keys in [
        ("x.zip", zip_bytes([("x.ofd", ofd_bytes(record))]), {"import.einvoice.bad_zip"}),
        ("x.ofd", ofd_bytes(record), {"import.einvoice.bad_zip"}),
        ("x.pdf", pdf_bytes(record), {"import.einvoice.bad_pdf", "import.einvoice.pdf_no_text",
                                      "import.einvoice.pdf_unsure"}),
    ]:  # fmt: skip
        assert _refused(name, data[: int(len(data) * cut)]) in keys


def test_a_damaged_member_is_rejected_and_the_rest_read() -> None:
    good = ofd_bytes(digital())
    data = bytearray(zip_bytes([("a.ofd", good), ("b.ofd", good)], compress=False))
    # Flip bytes inside the second member's data: its CRC no longer holds.
    at = data.rfind(b"OFD.xml") + 40
    data[at : at + 8] = b"\xff" * 8
    reading = _read("b.zip", bytes(data))
    assert len(reading.problems) == 1 and reading.problems[0][0] == "b.ofd"
    assert reading.problems[0][1].key in ("import.einvoice.damaged", "import.einvoice.bad_zip")


def test_too_many_members_and_too_deep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive_limits, "MAX_MEMBERS", 3)
    many = zip_bytes([(f"{n}.xml", b"<x/>") for n in range(4)])
    assert _refused("many.zip", many) == "import.einvoice.too_many_members"
    monkeypatch.setattr(archive_limits, "MAX_MEMBERS", 100)
    deep = ofd_bytes(digital())
    for level in range(4):
        deep = zip_bytes([(f"level{level}.{'ofd' if level == 0 else 'zip'}", deep)])
    reading = _read("deep.zip", deep)
    assert reading.sources == []
    assert [p.key for _, p in reading.problems] == ["import.einvoice.too_deep"]


def test_an_encrypted_member_is_rejected() -> None:
    data = bytearray(zip_bytes([("secret.pdf", b"%PDF-1.7 not really")], compress=False))
    # Set the "encrypted" bit of the general purpose flags, in both headers.
    data[6] |= 0x1
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 0x1
    reading = _read("b.zip", bytes(data))
    assert [(m, p.key) for m, p in reading.problems] == [
        ("secret.pdf", "import.einvoice.encrypted")
    ]


def test_not_an_invoice_file() -> None:
    assert (
        _refused("photo.zip", zip_bytes([("photo.png", b"\x89PNG")]))
        == "import.einvoice.empty_bundle"
    )
    assert _refused("odd.ofd", zip_bytes([("Doc_0/x.xml", b"<x/>")])) == "import.einvoice.not_ofd"


# Helpers


def _fields_of(record: Any) -> dict[str, str]:
    return {"code": record.code, "number": record.number, "date": record.date.isoformat(),
            "amount": str(record.amount), "tax": str(record.tax), "total": str(record.total),
            "check_code": record.check_code, "buyer_name": record.buyer_name,
            "buyer_tax_id": record.buyer_tax_id, "seller_name": record.seller_name,
            "seller_tax_id": record.seller_tax_id}  # fmt: skip


def _pdf_without_text() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 420)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_an_xbrl_attachment_gives_code_and_number_run_together() -> None:
    record = classic()
    xbrl = (
        '<?xml version="1.0" encoding="UTF-8"?><xbrli:xbrl xmlns:xbrli="http://www.xbrl.org/2003/instance"'
        ' xmlns:fp="http://xbrl.mof.gov.cn/taxonomy/fp"><fp:UniqueCodeOfInvoice>'
        f"{record.code}{record.number}</fp:UniqueCodeOfInvoice><fp:DateOfIssue>2020-07-23"
        "</fp:DateOfIssue><fp:TotalAmountExcludingTax>510.68</fp:TotalAmountExcludingTax>"
        "<fp:TotalTaxAmount>15.32</fp:TotalTaxAmount><fp:TotalAmountIncludingTax>526.00"
        "</fp:TotalAmountIncludingTax></xbrli:xbrl>"
    ).encode()
    # A 数电-style OFD of the same invoice whose CustomData lacks the code: the XBRL gives it.
    base = zipfile.ZipFile(io.BytesIO(ofd_bytes(record)))
    members = [(i.filename, base.read(i)) for i in base.infolist()
               if not i.filename.startswith("Doc_0/Attachs/")]  # fmt: skip
    members.append(("Doc_0/Attachs/invoice.xbrl.xml", xbrl))
    invoice = _one("x.ofd", zip_bytes(members))
    assert invoice.record is not None
    assert [s.rank for s in invoice.sources] == [Rank.OFD_ATTACHMENT, Rank.OFD_CUSTOM_DATA]
    assert (invoice.record.code, invoice.record.number, invoice.record.total) == (
        record.code, record.number, Decimal("526.00"))  # fmt: skip


_FUZZ_BASE = zip_bytes([
    ("a/x.ofd", (SAMPLES / "easyofd_增值税电子专票5_052002100113_00008006.ofd").read_bytes()),
    ("b/y.pdf", pdf_bytes(digital())),
    ("c/z.xml", einvoice_xml(digital("25322000000365404823"))),
], compress=False)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_FUZZ_BASE) - 1), st.integers(0, 255)),
                min_size=1, max_size=8), st.integers(64, len(_FUZZ_BASE)))  # fmt: skip
def test_fuzzed_bundles_are_read_or_refused_with_a_reason(
    flips: list[tuple[int, int]], length: int
) -> None:
    data = bytearray(_FUZZ_BASE[:length])
    for at, value in flips:
        if at < len(data):
            data[at] = value
    try:
        reading = _read("fuzz.zip", bytes(data))
    except FileRefused as exc:
        assert exc.problem.text()  # a reason a clerk can read, in the catalogue
        return
    for member, problem in reading.problems:
        assert member and problem.text()
    for invoice in _merged(reading):
        assert (invoice.record is None) != (invoice.problem is None)


def test_what_a_pdfs_info_lacks_comes_from_its_own_text() -> None:
    from pypdf import PdfWriter

    record = digital()
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(record, info=False))))
    # A producer that wrote the number and the total only.
    writer.add_metadata({"/InvoiceNumber": record.number, "/TotalTax-includedAmount": "250"})
    out = io.BytesIO()
    writer.write(out)
    invoice = _one("partial.pdf", out.getvalue())
    assert [s.rank for s in invoice.sources] == [Rank.PDF_INFO, Rank.PDF_TEXT]
    assert _fields(invoice) == {**_fields_of(record), "buyer_tax_id": "", "seller_tax_id": ""}


_FUZZ_PDF = pdf_bytes(digital(), info=False)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, len(_FUZZ_PDF) - 1), st.integers(0, 255)),
                min_size=1, max_size=6), st.integers(16, len(_FUZZ_PDF)))  # fmt: skip
def test_fuzzed_pdfs_are_read_or_refused_with_a_reason(
    flips: list[tuple[int, int]], length: int
) -> None:
    data = bytearray(_FUZZ_PDF[:length])
    for at, value in flips:
        if at < len(data):
            data[at] = value
    try:
        (invoice,) = _merged(_read("fuzz.pdf", bytes(data)))
    except FileRefused as exc:
        assert exc.problem.text()
        return
    assert (invoice.record is None) != (invoice.problem is None)


def test_a_classic_invoice_xml_received_on_its_own() -> None:
    sample = SAMPLES / "ofdrw_1_033002000211_83089647.ofd"
    attached = zipfile.ZipFile(sample).read("Doc_0/Attachs/original_invoice.xml")
    invoice = _one("original_invoice.xml", attached)
    (by_file,) = [s for s in expected() if s["file"] == sample.name]
    assert _fields(invoice) == {k: by_file[k] for k in _fields(invoice)}
    assert _refused("other.xml", b"<Invoice><ID>1</ID></Invoice>") == "import.file.not_einvoice"


def test_names_a_pdf_lacks_come_from_the_same_tax_id_elsewhere_in_the_run() -> None:
    first, second = digital(), digital("25322000000365404823")
    # The second invoice's PDF: Info (tax ids, no names), and no name labels in its text.
    blind = pdf_bytes(second, info=True, leave_out=("名称：",))
    alone = _one("b.pdf", blind)
    assert alone.record is not None and alone.record.seller_name == ""
    reading = _read("bundle.zip", zip_bytes([("a.ofd", ofd_bytes(first)), ("b.pdf", blind)]))
    records = {m.record.number: m.record for m in _merged_with_names(reading) if m.record}
    assert (records[second.number].buyer_name, records[second.number].seller_name) == (
        second.buyer_name, second.seller_name)  # fmt: skip


def _merged_with_names(reading: Reading) -> list[Merged]:
    names = known_names(reading.sources)
    return [merge(same, direction="received", names=names) for same in group(reading.sources)]
