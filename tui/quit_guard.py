"""Ctrl+Q while a backup, a restore or a clear (and its upload, report and backup) runs asks
first: any screen of any mode may say why.

A screen that can be busy has ``busy_reason() -> str | None`` (the question to ask, in the
current language). Pressing Ctrl+Q again on the question quits.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from textual.app import App

from tui.screens.dialogs import ConfirmDialog


@runtime_checkable
class MayBeBusy(Protocol):
    def busy_reason(self) -> str | None: ...


class QuitQuestion(ConfirmDialog):
    """The question asked before quitting in the middle of something (asked again in the
    new language on F8)."""

    def __init__(self) -> None:
        super().__init__("tui.backup.busy_quit")

    def text(self) -> str:
        return busy_reason(self.app) or super().text()


def busy_reason(app: App[Any]) -> str | None:
    """The first reason a screen in any mode gives not to quit now, or None."""
    for mode in app.MODES:
        try:
            stack = app.get_screen_stack(mode)
        except KeyError:
            continue  # a mode never opened
        for screen in stack:
            if isinstance(screen, MayBeBusy):
                reason = screen.busy_reason()
                if reason:
                    return reason
    return None


def quit_when_idle(app: App[int]) -> None:
    """Quit now, or ask first while something is running; a second Ctrl+Q means yes."""
    if isinstance(app.screen, QuitQuestion):
        app.exit(0)
        return
    reason = busy_reason(app)
    if reason is None:
        app.exit(0)
        return

    def answered(yes: bool | None) -> None:
        if yes:
            app.exit(0)

    app.push_screen(QuitQuestion(), answered)
