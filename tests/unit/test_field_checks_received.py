"""Field rules that received e-invoices broke (issue 13): tax written ``***``/``*``/免税/
不征税, 差额征税, a buyer who is a person, QR type 20 (电专), the year in a 数电 number."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from storage.importing.einvoice.found import parse_tax
from storage.messages import set_language
from storage.rules.field_checks import InvoiceDraft, Verdict, check_invoice, no_tax
from storage.rules.qr import parse_qr

TODAY = dt.date(2026, 11, 23)


@pytest.fixture(autouse=True)
def _chinese() -> None:
    set_language("zh")


def _verdicts(**fields: str) -> dict[str, tuple[Verdict, str]]:
    draft = InvoiceDraft(**fields)  # type: ignore[arg-type]
    return {v.field: (v.verdict, v.reason.text()) for v in check_invoice(draft, today=TODAY)}


DIGITAL = {"number": "25322000000365404822", "date": "2025-08-08", "type": "32"}


@pytest.mark.parametrize("written", ["***", "*", "免税", "不征税"])
def test_a_tax_written_as_none_is_zero_not_an_error(written: str) -> None:
    v = _verdicts(**DIGITAL, amount="100.00", tax=written, total="100.00", rate="免税")
    assert v["tax"][0] is Verdict.OK and written in v["tax"][1]
    assert v["total"][0] is Verdict.OK and v["rate"][0] is Verdict.OK
    assert no_tax(written) and parse_tax(written) == Decimal("0.00")


def test_a_star_rate_with_a_star_tax_passes() -> None:
    v = _verdicts(**DIGITAL, amount="100.00", tax="***", total="100.00", rate="***")
    assert (v["tax"][0], v["rate"][0]) == (Verdict.OK, Verdict.OK)


def test_a_real_tax_still_must_match_amount_times_rate() -> None:
    v = _verdicts(**DIGITAL, amount="100.00", tax="3.00", total="103.00", rate="6%")
    assert v["tax"][0] is Verdict.ERROR


def test_difference_tax_skips_amount_times_rate() -> None:
    # 差额征税: 劳务派遣 10,000 of which 9,000 passed on; 5% on the 1,000 left.
    fields = {**DIGITAL, "amount": "9952.38", "tax": "47.62", "total": "10000.00", "rate": "5%"}
    assert _verdicts(**fields)["tax"][0] is Verdict.ERROR
    v = _verdicts(**fields, remark="差额征税：9000.00。")
    assert v["tax"][0] is Verdict.OK and "差额征税" in v["tax"][1]


def test_a_buyer_who_is_a_person_needs_no_tax_id() -> None:
    v = _verdicts(**DIGITAL, buyer_name="个人", buyer_tax_id="")
    assert v["buyer_tax_id"] == (Verdict.OK, "购买方为个人，无纳税人识别号")
    v = _verdicts(**DIGITAL, buyer_name="个人（张三）", buyer_tax_id="11010519491231002X")
    assert v["buyer_tax_id"] == (Verdict.OK, "购买方为个人，此为身份证号码")
    # The same ID card number for a company is no 统一社会信用代码.
    v = _verdicts(**DIGITAL, buyer_name="北京某某有限公司", buyer_tax_id="11010519491231002X")
    assert v["buyer_tax_id"][0] is not Verdict.OK


def test_qr_type_20_is_the_e_special_invoice() -> None:
    # The QR of easyofd_增值税电子专票5 (tests/fixtures/einvoice): type 20, 查验 type 08.
    qr = parse_qr("01,20,052002100113,00008006,24519.05,20220505,18001801513030862041,88CD,")
    assert (qr.qr_type, qr.type) == ("20", "08")
    # With a code that tells nothing (an unknown suffix), 20 still means 08.
    qr = parse_qr("01,20,052002100199,00008006,24519.05,20220505,18001801513030862041,88CD,")
    assert qr.type == "08"


def test_an_e_special_invoice_may_carry_its_check_code() -> None:
    v = _verdicts(code="052002100113", number="00008006", date="2022-05-05",
                  check_code="18001801513030862041", amount="24519.05", tax="735.57",
                  total="25254.62", rate="3%")  # fmt: skip
    assert v["check_code"][0] is Verdict.OK
    assert v["type"][0] is Verdict.OK
    # A paper 专票 has none: a check code there is still a warning.
    v = _verdicts(code="4403171130", number="02550485", date="2022-05-05",
                  check_code="18001801513030862041")  # fmt: skip
    assert v["check_code"][0] is Verdict.WARNING


def test_a_digital_number_not_starting_with_its_year_is_a_warning() -> None:
    assert _verdicts(**DIGITAL)["number"][0] is Verdict.OK
    v = _verdicts(number="25322000000365404822", date="2024-12-31", type="32")
    assert v["number"][0] is Verdict.WARNING and "2024" in v["number"][1]
