"""Parsed CSS kept for the life of the process.

Textual parses the app's and every widget's CSS when a screen first appears, and again from
the start in a fresh ``Stylesheet`` (whose parse cache is empty) each time a mode is entered
for the first time: F2…F6 each re-tokenised all of it, 60–90 ms a time on the counter's box,
and every app a test starts did it all over. The rules of one CSS text under one set of
variables never change, so they are parsed once per process and shared.

Textual's per-stylesheet cache is the same idea kept per instance: the rule sets it returns
are already shared by every parse of that stylesheet, and nothing changes them once parsed.
``tests/unit/test_stylesheet_cache.py`` pins the Textual internals this relies on.
"""

from __future__ import annotations

from textual.css.model import RuleSet
from textual.css.stylesheet import Stylesheet
from textual.css.types import CSSLocation

#: Enough for the app's CSS and every widget's default CSS under a theme or two.
LIMIT = 512

_parsed: dict[tuple[object, ...], list[RuleSet]] = {}
_textual_parse_rules = Stylesheet._parse_rules


def _parse_rules(
    self: Stylesheet,
    css: str,
    read_from: CSSLocation,
    is_default_rules: bool = False,
    tie_breaker: int = 0,
    scope: str = "",
) -> list[RuleSet]:
    key = (
        css,
        read_from,
        is_default_rules,
        tie_breaker,
        scope,
        frozenset(self._variables.items()),
    )
    rules = _parsed.get(key)
    if rules is None:
        rules = _textual_parse_rules(self, css, read_from, is_default_rules, tie_breaker, scope)
        if len(_parsed) >= LIMIT:
            _parsed.clear()
        _parsed[key] = rules
    return rules


def install() -> None:
    """Share parsed CSS between stylesheets from now on (idempotent)."""
    Stylesheet._parse_rules = _parse_rules  # type: ignore[method-assign]


def parsed_count() -> int:
    """How many CSS texts are held parsed (for the tests)."""
    return len(_parsed)
