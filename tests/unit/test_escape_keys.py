"""Esc read together with the next key (``tui.escape_keys``), through Textual's own parser:
the test fails if Textual stops reading these bytes as Alt / Option keys, or the app stops
reading them back as the two keys typed."""

from __future__ import annotations

import pytest
from textual import events
from textual._xterm_parser import XTermParser

from tui.escape_keys import as_typed


def typed(raw: str) -> list[tuple[str, str | None]]:
    parser = XTermParser()
    read = [*parser.feed(raw), *parser.feed("")]  # "": the end of input flushes a sequence
    keys = [key for event in read if isinstance(event, events.Key) for key in as_typed(event)]
    return [(key.key, key.character) for key in keys]


@pytest.mark.parametrize(
    ("raw", "keys"),
    [
        ("\x1b1", [("escape", "\x1b"), ("1", "1")]),  # Textual alone: "¡" (macOS Option+1)
        ("\x1b=", [("escape", "\x1b"), ("equals_sign", "=")]),  # Textual alone: "≠"
        ("\x1ba", [("escape", "\x1b"), ("a", "a")]),  # Textual alone: alt+a
        ("\x1b武", [("escape", "\x1b"), ("武", "武")]),  # Textual alone: alt+武, typed as 武
        ("\x1b", [("escape", "\x1b")]),
        ("12", [("1", "1"), ("2", "2")]),
        ("\x1b[A", [("up", None)]),  # a real escape sequence stays what it is
        ("\x1bOR", [("f3", None)]),
    ],
)
def test_escape_and_the_next_key_read_together_are_the_two_keys_typed(
    raw: str, keys: list[tuple[str, str | None]]
) -> None:
    assert typed(raw) == keys
