"""Snapshots wait for the disk strip: the demo's disk connects on its own schedule, so a
snapshot taken before its first status would show "未连接" on a fast machine and "已连接" on a
busy one. Every snapshot of an app with a disk is taken once the strip shows the disk."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.app import App
from textual.pilot import Pilot

from tests.support.tui import wait_for
from tui.app import FapiaoApp

RunBefore = Callable[[Pilot[Any]], Awaitable[None] | None]


@pytest.fixture
def snap_compare(snap_compare: Callable[..., bool]) -> Callable[..., bool]:
    def compare(app: App[Any], *args: Any, run_before: RunBefore | None = None,
                **kwargs: Any) -> bool:  # fmt: skip
        async def settled(pilot: Pilot[Any]) -> None:
            if run_before is not None:
                result = run_before(pilot)
                if result is not None:
                    await result
            fapiao = pilot.app
            if isinstance(fapiao, FapiaoApp) and fapiao.disk_state.configured:
                await wait_for(pilot, lambda: fapiao.disk_state.connected
                               and bool(fapiao.disk_state.types), timeout=15)  # fmt: skip

        return snap_compare(app, *args, run_before=settled, **kwargs)

    return compare
