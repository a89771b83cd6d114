"""An audit entry's details named in the language shown, codes included."""

from __future__ import annotations

from tui.audit_detail import detail_text


def test_a_clears_state_is_named_not_shown_as_stored() -> None:
    text = detail_text('{"state": "done"}')
    assert text == "状态 成功", text  # was "状态 done"
