"""What ``fapiao mark`` and the mark dialog accept: invoice identities and 入账 states."""

from __future__ import annotations

import pytest

from storage.messages import set_language
from storage.tracking.identities import BadIdentity, Identity, parse_identities, parse_identity
from storage.tracking.states import SETTABLE, BookingState, parse_state, state_text


@pytest.mark.parametrize(
    ("text", "identity"),
    [
        ("044001500111,81966722", Identity("81966722", "044001500111")),
        ("044001500111 81966722", Identity("81966722", "044001500111")),
        ("044001500111，81966722", Identity("81966722", "044001500111")),  # a Chinese comma
        ("81966722 044001500111", Identity("81966722", "044001500111")),  # number first
        ("1100263164:10000002", Identity("10000002", "1100263164")),
        (" 26112000000000000101 ", Identity("26112000000000000101")),
    ],
)
def test_identities_by_code_and_number_or_20_digits(text: str, identity: Identity) -> None:
    assert parse_identity(text) == identity


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("81966722", "tracking.needs_code"),  # never the 8 digits alone
        ("2611200000000000010", "tracking.bad_identity"),  # 19 digits
        ("04400150011,81966722", "tracking.bad_identity"),  # an 11-digit code
        ("青岛同创", "tracking.bad_identity"),
    ],
)
def test_what_names_no_invoice_is_refused(text: str, key: str) -> None:
    with pytest.raises(BadIdentity) as refused:
        parse_identity(text)
    assert refused.value.message.key == key


def test_a_file_of_identities_skips_blanks_and_comments() -> None:
    lines = ["# 3月报销", "", "26112000000000000101", "044001500111 81966722  # 出租车"]
    assert list(parse_identities(lines)) == [
        Identity("26112000000000000101"),
        Identity("81966722", "044001500111"),
    ]


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("入账（企业所得税税前扣除）", BookingState.CIT_DEDUCTIBLE),
        ("入账(企业所得税税前扣除)", BookingState.CIT_DEDUCTIBLE),  # half-width brackets
        ("入账（个人所得税经营所得不扣除）", BookingState.IIT_NOT_DEDUCTIBLE),
        ("未入账", BookingState.UNBOOKED),
        ("入账撤销", BookingState.REVOKED),
        ("revoked", BookingState.REVOKED),
        ("Booked (CIT, not deductible)", BookingState.CIT_NOT_DEDUCTIBLE),
    ],
)
def test_states_by_the_bureaus_words_or_english(text: str, state: BookingState) -> None:
    assert parse_state(text) is state


def test_the_old_flags_state_cannot_be_set_and_unknown_words_are_none() -> None:
    assert parse_state("booked_unrecorded") is None
    assert parse_state("已入账") is None
    assert BookingState.UNRECORDED not in SETTABLE


def test_state_words_in_both_languages() -> None:
    assert state_text("iit_deductible") == "入账（个人所得税经营所得税前扣除）"
    set_language("en")
    assert state_text("iit_deductible") == "booked (IIT business income, deductible)"
