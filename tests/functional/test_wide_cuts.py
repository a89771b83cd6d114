"""A toast's Chinese over the F3 form stays whole (``tui.wide_cuts``): Textual cut every line
at the edges of the widgets beneath the toast too, and a character across such a cut became
two spaces ("报  已保存", "还  有任何备份"). The text is read off what the compositor renders
for the terminal, as it went out."""

from __future__ import annotations

from pathlib import Path

from textual.widgets._toast import Toast

from tests.support.checklist import open_checklist
from tests.support.tui import demo_app, wait_for

SIZE = (80, 24)
SAID = "报告已保存：一二三四五"


def _screen_text(app: object) -> list[str]:
    compositor = app.screen._compositor  # type: ignore[attr-defined]
    return [strip.text for strip in compositor.render_strips()]


async def test_a_toast_over_the_form_shows_its_chinese_whole(tmp_path: Path) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_checklist(pilot)
        before = _screen_text(app)
        # Both parities (one has a character across every cut the other misses), over as
        # many of the form's rows (and the cuts of their columns) as two toasts cover.
        for said in (SAID, "·" + SAID):
            app.notify("\n".join([said] * 4), timeout=30)
        await wait_for(pilot, lambda: len(app.screen.query(Toast)) >= 2)
        shown = "\n".join(_screen_text(app))
        toast_lines = [line for line in shown.splitlines() if "五" in line]
        assert len(toast_lines) == 8, shown
        assert all(SAID in line for line in toast_lines), shown
        # Every row the toasts leave alone is as before: nothing else is cut up wrongly.
        after = shown.splitlines()
        untouched = [row for row, line in enumerate(after) if "▌" not in line]
        assert len(untouched) >= 8, shown
        assert [after[row] for row in untouched] == [before[row] for row in untouched], shown
