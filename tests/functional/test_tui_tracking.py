"""入账 / 报销 on the screens at 80×24: Space ticks received invoices on the lookup list, F9
marks them, the list flags an invoice already reimbursed, a clerk cannot withdraw a
reimbursement, F10 shows the summary; snapshots of the mark dialog and the summary."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Static

from storage.accounts.users import Session
from storage.store.database import close_database, open_database
from storage.store.invoice_store import save_invoices
from storage.store.models import Invoice, Role
from storage.tracking.marks import Reimbursed, mark_invoices
from tests.support.invoices import make_record
from tests.support.tui import TODAY, demo_app, log_in, look_up, plain, toasts, wait_for
from tui.app import FapiaoApp
from tui.screens.lookup import LookupScreen
from tui.screens.mark_dialog import MarkDialog
from tui.screens.summary import SummaryScreen
from tui.widgets.invoice_table import InvoiceTable

SIZE = (80, 24)
SnapCompare = Callable[..., bool]
SELLER = "杭州恒通办公用品有限公司"
RECEIVED = [f"2633100000000000{i:04d}" for i in range(1, 4)]  # 浙江, received
PAID_BEFORE = "26331000000000000009"  # reimbursed last week (claim BX-0308)


def _app(tmp_path: Path) -> FapiaoApp:
    """The demo app with four received invoices from one seller, one already reimbursed."""
    app = demo_app(tmp_path)
    open_database(f"sqlite:///{tmp_path / 'demo.db'}")
    records = [
        make_record(number, code="", type="82", direction="received", seller_name=SELLER,
                    seller_tax_id="91330100MA2CFX7Q4N", buyer_name="本公司", buyer_tax_id="",
                    date=TODAY - dt.timedelta(days=i), total=Decimal("113.00"),
                    amount=Decimal("100.00"), tax=Decimal("13.00"))
        for i, number in enumerate([*RECEIVED, PAID_BEFORE])
    ]  # fmt: skip
    save_invoices(records, branch="总部")
    paid = Invoice.get(Invoice.number == PAID_BEFORE).id
    mark_invoices(Session("super", Role.SUPERVISOR, "总部", all_branches=True), [paid],
                  Reimbursed("BX-0308"), now=dt.datetime(2026, 3, 8, 9, 0))  # fmt: skip
    close_database()
    return app


def _stored(tmp_path: Path) -> dict[str, tuple[str, str, bool, str]]:
    open_database(f"sqlite:///{tmp_path / 'demo.db'}")
    try:
        return {
            i.number: (i.booking, i.booked_by, bool(i.reimbursed), i.claim_ref)
            for i in Invoice.select().where(Invoice.direction == "received")
        }
    finally:
        close_database()


def _table(app: FapiaoApp) -> InvoiceTable:
    return app.screen.query_one(InvoiceTable)


def _status(app: FapiaoApp) -> str:
    return plain(app.screen.query_one("#lookup-status", Static))


def _row_text(table: InvoiceTable, number: str) -> str:
    row = next(i for i, s in enumerate(table.summaries) if s.number == number)
    return " ".join(getattr(cell, "plain", str(cell)) for cell in table.get_row_at(row))


async def _select_first_two_and_open_mark(pilot: Pilot[Any], *, english: bool = False) -> None:
    await log_in(pilot)
    if english:
        await pilot.press("f8")  # before: a dialog holds the app's keys while it is open
    await look_up(pilot, "恒通办公")
    await pilot.press("down")  # to the list
    await pilot.press("space", "space")  # tick the first two (the cursor moves on)
    await pilot.press("f9")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, MarkDialog))


async def test_space_ticks_rows_and_f9_books_them_in_one_go(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _select_first_two_and_open_mark(pilot)
        await pilot.press("enter")  # the highlighted state: 入账（企业所得税税前扣除）
        await wait_for(pilot, lambda: isinstance(app.screen, LookupScreen))
        table = _table(app)
        await wait_for(pilot, lambda: "已入账" in _row_text(table, RECEIVED[0]))
        assert "已入账" in _row_text(table, RECEIVED[1])
        assert "已入账" not in _row_text(table, RECEIVED[2])
        assert "已报销" in _row_text(table, PAID_BEFORE)  # flagged wherever it appears
    stored = _stored(tmp_path)
    assert stored[RECEIVED[0]][:2] == stored[RECEIVED[1]][:2] == ("cit_deductible", "clerk")
    assert stored[RECEIVED[2]][0] == "unbooked"


async def test_reimbursed_with_a_claim_from_the_dialog(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _select_first_two_and_open_mark(pilot)
        await pilot.press(*["down"] * 5)  # 已报销: the 7th choice
        await pilot.press("tab", "tab", *"BX-0315")  # past the period, to the claim
        # what was typed is on the screen (the boxes were cut to their top border)
        assert "BX-0315" in html.unescape(app.export_screenshot())
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, LookupScreen))
        table = _table(app)
        await wait_for(pilot, lambda: "已报销" in _row_text(table, RECEIVED[0]))
        status = plain(app.screen.query_one("#lookup-status", Static))
        assert "已选 0 张" in status
    stored = _stored(tmp_path)
    assert stored[RECEIVED[0]][2:] == stored[RECEIVED[1]][2:] == (True, "BX-0315")


async def test_a_second_claim_is_refused_on_screen_and_nothing_changes(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, "恒通办公")
        await pilot.press("down")
        table = _table(app)
        paid_row = next(i for i, s in enumerate(table.summaries) if s.number == PAID_BEFORE)
        table.move_cursor(row=0)
        await pilot.press("space")  # a fresh one
        table.move_cursor(row=paid_row)
        await pilot.press("space")  # and the one reimbursed last week
        await pilot.press("f9")
        await wait_for(pilot, lambda: isinstance(app.screen, MarkDialog))
        await pilot.press(*["down"] * 5, "enter")
        await wait_for(pilot, lambda: "已经报销过" in _status(app))
    stored = _stored(tmp_path)
    assert stored[RECEIVED[0]][2] is False and stored[PAID_BEFORE][3] == "BX-0308"


async def test_a_clerk_cannot_withdraw_a_reimbursement(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, PAID_BEFORE)
        await pilot.press("down", "f9")  # the row under the cursor, none ticked
        await wait_for(pilot, lambda: isinstance(app.screen, MarkDialog))
        await pilot.press(*["down"] * 6, "enter")  # 撤回报销
        await wait_for(pilot, lambda: "需要 主管 权限" in _status(app))
    assert _stored(tmp_path)[PAID_BEFORE][2:] == (True, "BX-0308")


async def test_the_detail_says_who_reimbursed_it_and_when(tmp_path: Path) -> None:
    from tui.screens.detail import DetailScreen

    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await look_up(pilot, PAID_BEFORE)
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.view)
        parties = plain(app.screen.query_one("#detail-parties", Static))
        assert "已报销 BX-0308（super，2026-03-08 09:00）" in parties
        assert "未入账" in parties


async def test_issued_invoices_are_not_ticked(tmp_path: Path) -> None:
    from tests.support.tui import NORMAL_NUMBER

    app = _app(tmp_path)
    issued = "开出的发票不做入账/报销标记：只能标记收到的发票（进项）"
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await log_in(pilot)
        await look_up(pilot, NORMAL_NUMBER)
        await pilot.press("down", "space")
        assert _table(app).selected == set()
        await wait_for(pilot, lambda: issued in toasts(app))  # why Space ticked nothing
        app.clear_notifications()
        await pilot.press("f9")
        assert not isinstance(app.screen, MarkDialog)
        await wait_for(pilot, lambda: issued in toasts(app))  # not "select one first"
        assert not any("请先在结果中选择" in toast for toast in toasts(app))


async def test_f10_shows_the_summary(tmp_path: Path) -> None:
    app = _app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await log_in(pilot)
        await pilot.press("f10")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen)
                       and app.screen.summary is not None)  # fmt: skip
        text = plain(app.screen.query_one("#summary", Static))
        # the demo's 60 received invoices (92,808.47) and these four (452.00)
        assert "共 64 张，价税合计 93,260.47" in text
        assert re.search(r"已报销\s+1\s+113\.00", text)  # the one reimbursed last week
        assert "另有 1 家销方" in text  # 11 sellers: the ten largest listed


async def _mark_dialog(pilot: Pilot[Any]) -> None:
    await _select_first_two_and_open_mark(pilot)


async def _summary(pilot: Pilot[Any]) -> None:
    await log_in(pilot)
    await pilot.press("f10")
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen)
                   and app.screen.summary is not None)  # fmt: skip


async def _summary_en(pilot: Pilot[Any]) -> None:
    await _summary(pilot)
    await pilot.press("f8")
    await pilot.pause()


async def _mark_dialog_en(pilot: Pilot[Any]) -> None:
    await _select_first_two_and_open_mark(pilot, english=True)


async def _ticked(pilot: Pilot[Any]) -> None:
    await log_in(pilot)
    await look_up(pilot, "恒通办公")
    await pilot.press("down", "space", "space")


def test_lookup_with_ticked_rows_snapshot(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=_ticked)


def test_mark_dialog_snapshot(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=_mark_dialog)


def test_mark_dialog_english_snapshot(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=_mark_dialog_en)


def test_summary_snapshot(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=_summary)


def test_summary_english_snapshot(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=_summary_en)
