"""The TUI renders every text in the clerk's language: the app's choice, read when shown.

The language is the app's (``FapiaoApp.language``, switched by F8 on the event loop), read
from the running app at the moment a text is rendered; outside an app (a test without one)
it is the context's (``storage.messages.language``). Thread workers run in the language
chosen when they started (``tui.threads``) and hand back ``Message``s and data, which the
screen renders here, on the loop, and again on F8.
"""

from __future__ import annotations

import sys

import tui.texts  # noqa: F401  (the screens' texts, registered with the catalogue)
from storage.errors import FapiaoError
from storage.messages import LANGUAGES, Language, Message, MessageError, msg
from storage.messages import language as context_language


def language() -> Language:
    """The language to render in: the running app's choice, else the context's."""
    # The running app, as Textual's own ``MessagePump.app`` finds it (a context variable set
    # for the app's tasks): a text rendered outside any widget method still follows the
    # app's F8. A process that never loaded Textual (the command line) has no app to ask.
    context = sys.modules.get("textual._context")
    if context is None:
        return context_language()
    try:
        chosen = getattr(context.active_app.get(), "language", None)
    except LookupError:
        return context_language()
    return chosen if chosen in LANGUAGES else context_language()


def t(key: str, **fields: object) -> str:
    """The text for ``key`` in the language shown, with ``{fields}`` filled in."""
    return Message(key, fields).render(language())


def text_of(message: Message) -> str:
    return message.render(language())


def user_text(error: BaseException) -> str:
    """What a screen shows for ``error``: the language shown only, where the error knows
    both (``MessageError``); otherwise its text as it is."""
    if isinstance(error, MessageError):
        return error.message.render(language())
    return str(error)


__all__ = ["Said", "language", "msg", "render", "said_of", "t", "text_of", "user_text"]

#: What a status line says: a ``Message`` (said again in the new language on F8) or words
#: that have no other language (a path, the disk's own text).
Said = Message | str


def said_of(error: BaseException) -> Said:
    """What a status line keeps for ``error``: its message where it carries one (any
    ``FapiaoError``, re-rendered on F8), else its text as it is."""
    if isinstance(error, FapiaoError):
        return error.as_message()
    return str(error)


def render(said: Said) -> str:
    return said.render(language()) if isinstance(said, Message) else said
