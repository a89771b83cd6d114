"""The input checklist's field rules, with real-world values (tests/fixtures/samples)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from storage.rules.field_checks import (
    FIELDS,
    FieldVerdict,
    InvoiceDraft,
    Verdict,
    check_invoice,
    effective_type,
    worst,
)
from tests.support.paths import FIXTURES

TODAY = dt.date(2026, 11, 23)
SAMPLES = FIXTURES / "samples"


def _verdicts(**fields: Any) -> dict[str, FieldVerdict]:
    return {v.field: v for v in check_invoice(InvoiceDraft(**fields), today=TODAY)}


def test_a_correct_e_ordinary_invoice_passes() -> None:
    v = _verdicts(code="044001500111", number="81966722", date="2017-05-24",
                  check_code="17884534745749991611", amount="173.79", tax="22.59",
                  total="196.38", rate="0.13", buyer_tax_id="91110105MA005AEF36")  # fmt: skip
    assert [f for f in FIELDS if v[f].verdict is not Verdict.OK] == ["date"]  # > 5 years old
    assert "5 年" in v["date"].reason.text()
    assert "增值税电子普通发票" in v["type"].reason.text()
    assert "534745749991611"[-6:] in v["check_code"].reason.text()  # the last 6 for 查验


def test_type_comes_from_the_code() -> None:
    assert effective_type(InvoiceDraft(code="4300171130")) == "01"  # 8th digit 1 → 专票
    assert effective_type(InvoiceDraft(code="4300171330")) == "04"
    assert effective_type(InvoiceDraft(code="044001500112", type="10")) == "14"  # 通行费
    assert effective_type(InvoiceDraft(number="24312000000136634917")) == "32"


def test_a_seven_digit_number_is_a_warning_with_the_fix() -> None:
    v = _verdicts(code="4300171130", number="2550485")
    assert v["number"].verdict is Verdict.WARNING
    assert v["number"].fix == "02550485"
    assert "前导零" in v["number"].reason.text()


def test_bad_numbers_are_errors() -> None:
    for number in ("123", "00000000", "12345678901", "8196672X"):
        assert _verdicts(code="4300171130", number=number)["number"].verdict is Verdict.ERROR


def test_digital_number_structure() -> None:
    v = _verdicts(number="24312000000136634917", date="2024-05-14", total="0.01")
    assert v["number"].verdict is Verdict.OK and "2024" in v["number"].reason.text()
    assert v["code"].verdict is Verdict.OK  # 数电 has no code
    assert v["total"].required and v["total"].verdict is Verdict.OK
    assert _verdicts(number="99312000000136634917")["number"].verdict is Verdict.ERROR


def test_dates() -> None:
    assert _verdicts(date="2026-11-24")["date"].verdict is Verdict.ERROR  # future
    assert _verdicts(date="2026-02-30")["date"].verdict is Verdict.ERROR  # not a real day
    assert _verdicts(code="4300171130", date="2016-01-15")["date"].verdict is Verdict.ERROR
    assert _verdicts(date="2026年11月2日")["date"].fix == "2026-11-02"


def test_check_code_by_type() -> None:
    special = _verdicts(code="4300171130", number="02550485", check_code="12345678901234567890")
    assert special["check_code"].verdict is Verdict.WARNING  # 专票 has none
    ordinary = _verdicts(code="044001500111", number="81966722")
    assert ordinary["check_code"].verdict is Verdict.ERROR and ordinary["check_code"].required


def test_amounts_must_add_up_exactly_and_match_the_rate() -> None:
    v = _verdicts(amount="100.00", tax="13.00", total="113.01", rate="13%")
    assert v["total"].verdict is Verdict.ERROR and v["total"].fix == "113.00"
    v = _verdicts(amount="100.00", tax="12.00", total="112.00", rate="0.13")
    assert v["tax"].verdict is Verdict.ERROR and v["tax"].fix == "13.00"
    assert _verdicts(amount="100.001")["amount"].verdict is Verdict.ERROR
    assert (
        _verdicts(amount="１００.００", tax="0", total="100", rate="免税")["total"].verdict
        is Verdict.OK
    )


def test_red_invoices_are_negative() -> None:
    assert _verdicts(amount="100.00", red=True)["amount"].verdict is Verdict.ERROR
    assert _verdicts(amount="-100.00", red=True)["amount"].verdict is Verdict.OK


def test_required_for_verification_by_type() -> None:
    special = _verdicts(code="4300171130", number="02550485", date="2018-01-15")
    assert special["amount"].required and special["amount"].verdict is Verdict.ERROR


def test_real_tax_ids_pass_and_a_bad_check_character_only_warns() -> None:
    tax_ids = (SAMPLES / "uscc.txt").read_text(encoding="utf-8").split()
    assert tax_ids
    for line in tax_ids:
        assert _verdicts(buyer_tax_id=line)["buyer_tax_id"].verdict is Verdict.OK
    assert _verdicts(buyer_tax_id="91110105MA005AEF37")["buyer_tax_id"].verdict is Verdict.WARNING
    assert _verdicts(buyer_tax_id="110105123456789")["buyer_tax_id"].verdict is Verdict.WARNING
    assert _verdicts(buyer_tax_id="1234")["buyer_tax_id"].verdict is Verdict.ERROR


def test_english_reasons(monkeypatch: object) -> None:
    from storage.messages import set_language

    set_language("en")
    assert "leading zero" in _verdicts(number="2550485")["number"].reason.text()


def test_decimal_edge_cases_are_verdicts_not_exceptions() -> None:
    cases: list[dict[str, Any]] = [{"rate": "NaN", "amount": "1", "tax": "1"}, {"amount": "1E+30"},
                   {"rate": "1E+999999", "amount": "10.00", "tax": "1.00"}, {"rate": "sNaN"},
                   {"total": "Infinity"}]  # fmt: skip
    for fields in cases:
        verdicts = check_invoice(InvoiceDraft(**fields), today=TODAY)
        assert worst(verdicts) is Verdict.ERROR


_FIELD_TEXT = st.one_of(
    st.text(max_size=25),
    st.from_regex(r"-?[0-9]{0,20}(\.[0-9]{0,4})?(E[+-]?[0-9]{1,7})?", fullmatch=True),
    st.sampled_from(
        ["NaN", "sNaN", "Infinity", "-0", "1E+30", "13%", "免税", "２０２６-１１-０２"]
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.fixed_dictionaries({f: _FIELD_TEXT for f in FIELDS}), st.booleans())
def test_no_input_makes_a_rule_raise(values: dict[str, Any], red: bool) -> None:
    verdicts = check_invoice(InvoiceDraft(**values, red=red), today=TODAY)
    assert [v.field for v in verdicts] == list(FIELDS)
    assert worst(verdicts) in set(Verdict)
