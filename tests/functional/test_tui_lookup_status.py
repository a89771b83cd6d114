"""The lookup's status line over a slow SSH line: "正在查询…" only when the answer is slow, so a
quick answer is one frame, not a flash of "searching" and then the result."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import storage.lookup.engine
import tui.screens.lookup
from tests.support.tui import demo_app, log_in, look_up, plain, wait_for

SIZE = (80, 24)


async def statuses_while_typing(tmp_path: Path, text: str) -> list[str]:
    """The status line as it was at each frame the app drew while ``text`` was typed."""
    app = demo_app(tmp_path)
    seen: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        status = app.screen.query_one("#lookup-status")
        app.post_display_hook = lambda: seen.append(plain(status))  # type: ignore[method-assign]
        await look_up(pilot, text, keys=True)
        await wait_for(pilot, lambda: "找到" in plain(status))
    return seen


async def test_a_quick_answer_never_shows_searching(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tui.screens.lookup, "SEARCHING_AFTER", 5.0, raising=False)  # all quick
    seen = await statuses_while_typing(tmp_path, "青岛同创")
    assert any("找到" in line for line in seen)
    assert not any("正在查询" in line for line in seen)


async def test_a_slow_answer_says_searching_until_it_comes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = storage.lookup.engine.lookup

    def slow(*args: object, **kwargs: object) -> object:
        time.sleep(0.5)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(storage.lookup.engine, "lookup", slow)
    seen = await statuses_while_typing(tmp_path, "青岛同创")
    searching = [i for i, line in enumerate(seen) if "正在查询" in line]
    found = [i for i, line in enumerate(seen) if "找到" in line]
    assert searching and found and searching[0] < found[-1]
