"""Invoice QR strings: the real samples, the 专票 with its check-code field missing, and
garbage that must fail with QrError only."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storage.rules.qr import QrError, looks_like_qr, parse_qr
from tests.support.paths import FIXTURES

SAMPLES = FIXTURES / "samples" / "qr.txt"


def test_every_real_sample_parses() -> None:
    lines = [line for line in SAMPLES.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert lines
    for line in lines:
        assert looks_like_qr(line)
        assert parse_qr(line).number


def test_classic_electronic_ordinary_invoice() -> None:
    qr = parse_qr("01,10,044001500111,81966722,173.79,20170524,17884534745749991611,BE2D")
    assert (qr.qr_type, qr.type, qr.code, qr.number) == ("10", "10", "044001500111", "81966722")
    assert qr.amount == Decimal("173.79") and not qr.amount_is_total
    assert qr.date == dt.date(2017, 5, 24)
    assert (qr.check_code, qr.crc) == ("17884534745749991611", "BE2D")


def test_special_invoice_without_check_code_field_and_trailing_comma() -> None:
    qr = parse_qr("01,01,4300171130,02550485,10545.43,20180115,6579,")
    assert (qr.type, qr.code, qr.number) == ("01", "4300171130", "02550485")
    assert qr.amount == Decimal("10545.43")
    assert (qr.check_code, qr.crc) == ("", "6579")


def test_digital_invoice_amount_is_the_total() -> None:
    qr = parse_qr("01,32,,24312000000136634917,0.01,20240514,,1DD6")
    assert (qr.type, qr.code, qr.number) == ("32", "", "24312000000136634917")
    assert qr.amount == Decimal("0.01") and qr.amount_is_total and qr.digital


def test_toll_code_wins_over_the_qr_type() -> None:
    qr = parse_qr("01,10,044002200112,12345678,19.19,20250301,12345678901234567890,AB12")
    assert (qr.qr_type, qr.type) == ("10", "14")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("hello", "01,"),
        ("01,10,044001500111,8196672,173.79,20170524,,BE2D", "8 位或 20 位"),
        ("01,10,044001500111,81966722,173.799,20170524,,BE2D", "两位小数"),
        ("01,10,044001500111,81966722,173.79,20170231,,BE2D", "真实日期"),
        ("01,10,,81966722,173.79,20170524,,BE2D", "缺少发票代码"),
        ("01,32,044001500111,24312000000136634917,1.00,20240514,,1DD6", "数电"),
    ],
)
def test_bad_strings_say_why_in_both_languages(text: str, reason: str) -> None:
    with pytest.raises(QrError) as caught:
        parse_qr(text)
    assert reason in str(caught.value)
    assert "invalid QR" in str(caught.value)


def test_looks_like_qr_needs_the_prefix_and_six_fields() -> None:
    assert not looks_like_qr("01,10,044001500111,81966722")
    assert not looks_like_qr("02,10,044001500111,81966722,1.00,20170524,,BE2D")
    assert looks_like_qr("  01,32,,24312000000136634917,0.01,20240514,,1DD6\n")


@given(st.text(max_size=120))
def test_no_text_raises_anything_but_qr_error(text: str) -> None:
    with contextlib.suppress(QrError):
        parse_qr(text)


@given(st.lists(st.text(alphabet="0123456789.,-AB ", max_size=24), min_size=6, max_size=10))
def test_no_qr_shaped_text_raises_anything_but_qr_error(fields: list[str]) -> None:
    with contextlib.suppress(QrError):
        parse_qr("01," + ",".join(fields))
