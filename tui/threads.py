"""Thread workers start in the language shown when they start.

Textual runs a thread worker through ``loop.run_in_executor``, which (unlike
``asyncio.to_thread``) copies no context: the thread would render in the default language
whatever the clerk chose. The app makes its loop's default executor this one, which runs
each piece of work in a fresh context whose language (``storage.messages``) is the one
shown when the work was handed over, read on the event loop. F8 while the worker runs changes
nothing it renders; what it hands back as ``Message``s is rendered again on the switch.
"""

from __future__ import annotations

import asyncio
import contextvars
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from storage.messages import set_language
from tui.language import language

P = ParamSpec("P")
R = TypeVar("R")

_installed: weakref.WeakSet[asyncio.AbstractEventLoop] = weakref.WeakSet()


class LanguageExecutor(ThreadPoolExecutor):
    def submit(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> Future[R]:
        context = contextvars.Context()  # nothing left over from the thread's last work
        context.run(set_language, language())  # on the loop: the submitting app's choice

        def run() -> R:
            return context.run(fn, *args, **kwargs)

        return super().submit(run)


def use_language_executor(loop: asyncio.AbstractEventLoop | None = None) -> None:
    """Make the loop's default executor a ``LanguageExecutor`` (once per loop)."""
    loop = loop or asyncio.get_running_loop()
    if loop not in _installed:
        loop.set_default_executor(LanguageExecutor(thread_name_prefix="fapiao-worker"))
        _installed.add(loop)
