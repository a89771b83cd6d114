"""The message catalogue: every user-visible text, in Chinese (default) and English.

Texts live in per-area catalogues, each a ``MESSAGES`` dict of key → (中文, English): the
domain's here (``storage/messages/<area>.py``), the screens' and the command line's under
``tui/texts/``, which adds them with ``register``. A test checks that every key has both
texts with the same ``{fields}``, and another that no module writes a user-visible text inline.

Who chooses the language, and when a text is rendered:

* The domain (``storage``, ``devices``) returns ``Message``s — a key and its fields — and
  raises errors that carry one; a front-end renders them where it shows them. A field may
  itself be a ``Message`` (or a ``MessageError``, or a ``Listing``): it is rendered in the
  language of the text it fills, so ``both()`` never mixes the two languages.
* ``Message.render(language)`` takes the language explicitly. ``t(key, **fields)`` and
  ``Message.text()`` render in the language *of the current context*: a ``ContextVar``
  (default Chinese), not a module global. The command line sets it once, in its main
  thread, before running a command (``set_language``). A context variable is private to a
  thread (and copied into an asyncio task when the task starts), so no other thread can
  change a text half-way through rendering it.
* The TUI keeps the clerk's choice on the app (``FapiaoApp.language``, switched by F8 on the
  event loop) and renders through ``tui.texts``, which reads it from the running app. Its
  thread workers start in the language chosen when they start (``tui.threads``): F8 in the
  meantime changes nothing they render, and what they return is kept as ``Message``s and
  data, rendered again by the screen on the switch.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Literal

Language = Literal["zh", "en"]
LANGUAGES: tuple[Language, ...] = ("zh", "en")

_language: ContextVar[Language] = ContextVar("fapiao_language", default="zh")
_catalogue: dict[str, tuple[str, str]] = {}
_registered: list[Mapping[str, tuple[str, str]]] = []  # the front-ends' areas (``register``)


def _add(area: Mapping[str, tuple[str, str]]) -> None:
    clash = _catalogue.keys() & area.keys()
    if clash:
        raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
    _catalogue.update(area)


def _load() -> dict[str, tuple[str, str]]:
    if not _catalogue:
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{__name__}.{info.name}")
            _add(module.MESSAGES)
        for area in _registered:
            _add(area)
    return _catalogue


def register(area: Mapping[str, tuple[str, str]]) -> None:
    """Add a front-end's own texts (``tui/texts/``) to the catalogue; a key defined twice
    is refused."""
    if any(area is known for known in _registered):
        return
    _registered.append(area)
    if _catalogue:
        _add(area)


def catalogue() -> Mapping[str, tuple[str, str]]:
    return _load()


def as_language(language: str) -> Language:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language {language!r}")
    return language  # narrowed by the test above


def set_language(language: str) -> None:
    """Choose the language of the current context (the command line's main thread, a test,
    a worker thread about to start its work)."""
    _language.set(as_language(language))


def language() -> Language:
    """The current context's language."""
    return _language.get()


def _render(key: str, fields: Mapping[str, object], language: Language) -> str:
    zh, en = _load()[key]
    text = zh if language == "zh" else en
    if not fields:
        return text.format()
    return text.format(**{name: _field(value, language) for name, value in fields.items()})


def _field(value: object, language: Language) -> object:
    if isinstance(value, Message | Listing | Words):
        return value.render(language)
    if isinstance(value, MessageError):
        return value.message.render(language)
    return value


def t(key: str, **fields: object) -> str:
    """The text for ``key`` in the current context's language, with ``{fields}`` filled in."""
    return _render(key, fields, _language.get())


def both(key: str, **fields: object) -> str:
    """Chinese and English together, for the command line's errors: ``中文 / English``."""
    return f"{_render(key, fields, 'zh')} / {_render(key, fields, 'en')}"


@dataclass(frozen=True)
class Message:
    """A catalogue text not yet rendered: a key and its fields, shown in either language."""

    key: str
    fields: Mapping[str, object] = field(default_factory=dict)

    def render(self, language: Language) -> str:
        return _render(self.key, self.fields, language)

    def text(self) -> str:
        """In the current context's language (a screen renders with ``tui.texts.text``)."""
        return self.render(_language.get())

    def both(self) -> str:
        return f"{self.render('zh')} / {self.render('en')}"


def msg(key: str, /, **fields: object) -> Message:
    """``Message(key, fields)``, written like ``t(key, **fields)``: a text kept unrendered."""
    return Message(key, fields)


@dataclass(frozen=True)
class Listing:
    """Items listed the way each language lists them: ``甲、乙`` and ``A, B``; an item may be a
    ``Message`` (a field's name), rendered in the list's language."""

    items: Sequence[str | Message]

    def render(self, language: Language) -> str:
        return _render("list.separator", {}, language).join(
            item.render(language) if isinstance(item, Message) else item for item in self.items
        )


@dataclass(frozen=True)
class Words:
    """Domain vocabulary the domain knows in both languages (an invoice type's name), as a
    field: rendered in the language of the text it fills."""

    zh: str
    en: str

    def render(self, language: Language) -> str:
        return self.zh if language == "zh" else self.en


class MessageError(Exception):
    """An error whose text is a catalogue message, raised as ``SomeError(key, **fields)``.

    ``str()`` is ``中文 / English`` (what the command line prints); a screen shows
    ``exc.message.text()``, the current language only.
    """

    def __init__(self, key: str, /, **fields: object) -> None:
        super().__init__(key)
        self.message = Message(key, fields)

    def __str__(self) -> str:
        return self.message.both()


def user_text(error: BaseException) -> str:
    """What a screen shows for ``error``: the current language only, where the error knows
    both (``MessageError``); otherwise its text as it is."""
    if isinstance(error, MessageError):
        return error.message.text()
    return str(error)
