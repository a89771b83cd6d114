"""CSS is parsed once a process (tui.stylesheet_cache): the second app, or a mode entered for
the first time, parses nothing again, yet every screen is styled as before — and a theme of
other colours is parsed anew, not served the first theme's rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.css import stylesheet as textual_stylesheet
from textual.css.parse import parse as textual_parse
from textual.widgets import Input

from tests.support.tui import demo_app, log_in
from tui import stylesheet_cache

SIZE = (80, 24)


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each CSS text Textual tokenises from now on, by where it was read from; the process's
    parsed CSS forgotten first (other tests in this process filled it)."""
    monkeypatch.setattr(stylesheet_cache, "_parsed", {})
    seen: list[str] = []

    def counted(scope: str, css: str, read_from: object, **kwargs: object) -> object:
        seen.append(str(read_from))
        return textual_parse(scope, css, read_from, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(textual_stylesheet, "parse", counted)  # as the stylesheet calls it
    return seen


async def _query_box_colours(tmp_path: Path, **settings: object) -> tuple[str, str]:
    """The lookup box's colours as drawn, after log-in (the lookup mode entered)."""
    tmp_path.mkdir()
    app = demo_app(tmp_path, demo_disk=False, **settings)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        box = app.screen.query_one("#query", Input)
        return str(box.styles.background), str(box.styles.border_top)


async def test_a_second_app_parses_no_css_again_and_looks_the_same(
    tmp_path: Path, parses: list[str]
) -> None:
    first = await _query_box_colours(tmp_path / "a")
    assert parses, "the first app parsed nothing: Textual no longer calls stylesheet.parse"
    assert stylesheet_cache.parsed_count() > 0
    parses.clear()
    second = await _query_box_colours(tmp_path / "b")
    assert parses == []  # not the app's CSS, not a widget's, not on entering the lookup mode
    assert second == first


async def test_another_theme_is_parsed_with_its_own_colours(
    tmp_path: Path, parses: list[str]
) -> None:
    from tui.app import FapiaoApp

    dark = await _query_box_colours(tmp_path / "a")
    parses.clear()
    (tmp_path / "b").mkdir()
    app = demo_app(tmp_path / "b", demo_disk=False)
    app.theme = "textual-light"
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        assert isinstance(app, FapiaoApp)
        light = str(app.screen.query_one("#query", Input).styles.background)
    assert parses, "a theme's other variables were served the cached rules"
    assert light != dark[0]
