"""The one redaction point: names, tax ids and amounts are masked; ids stay."""

from __future__ import annotations

from storage.rules.log_redaction import redact


def test_names_tax_ids_and_amounts_are_masked_but_ids_stay() -> None:
    line = redact(
        "invoice 81966722 id=42 buyer 北京华信商贸有限公司 91110105MA005AEF36 total 196.38"
    )
    assert line == "invoice 81966722 id=42 buyer ‹name› ‹tax-id› total ‹amount›"
    assert redact("number 24312000000136634917 seq 1234") == "number 24312000000136634917 seq 1234"
    assert redact("legacy 110105123456789") == "legacy ‹tax-id›"


def test_a_tracebacks_paths_stay_readable_and_amounts_beside_them_do_not() -> None:
    """The interpreter's folder ("python3.11/") is not money: an admin reading a traceback
    needs it; the amounts in the same text, slashes and all, are still masked."""
    trace = (
        'File "/usr/lib/python3.11/asyncio/events.py", line 80, in _run\n'
        "ValueError: total CNY196.38 is not 100.00, -3.50 left; paid 500.00/1130.00, 12.50/件"
    )
    assert redact(trace) == (
        'File "/usr/lib/python3.11/asyncio/events.py", line 80, in _run\n'
        "ValueError: total CNY‹amount› is not ‹amount›, ‹amount› left;"
        " paid ‹amount›/‹amount›, ‹amount›/件"
    )


def test_amounts_with_separators_or_ending_a_sentence_are_masked_whole() -> None:
    line = "total is 1,130.00. refund CNY 12,345,678.90, fee,5.00; version 3.11.7 seq 1.2"
    assert redact(line) == (
        "total is ‹amount›. refund CNY ‹amount›, fee,‹amount›; version 3.11.7 seq 1.2"
    )
