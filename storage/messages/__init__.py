"""The message catalogue: every user-visible text, in Chinese (default) and English.

Texts live in per-area catalogues (``storage/messages/<area>.py``, each a ``MESSAGES`` dict of
key → (中文, English)); ``t(key, **fields)`` picks the current language. A test checks that
every key has both texts with the same ``{fields}``, and another that no module writes a
user-visible text inline.

A field may itself be a ``Message`` (or a ``MessageError``, or a ``Listing``): it is rendered
in the language of the text it fills, so ``both()`` never mixes the two languages.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from storage.errors import FapiaoError

Language = Literal["zh", "en"]

_language: Language = "zh"
_catalogue: dict[str, tuple[str, str]] = {}


def _load() -> dict[str, tuple[str, str]]:
    if not _catalogue:
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{__name__}.{info.name}")
            area: Mapping[str, tuple[str, str]] = module.MESSAGES
            clash = _catalogue.keys() & area.keys()
            if clash:
                raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
            _catalogue.update(area)
    return _catalogue


def catalogue() -> Mapping[str, tuple[str, str]]:
    return _load()


def set_language(language: str) -> None:
    global _language
    if language not in ("zh", "en"):
        raise ValueError(f"unsupported language {language!r}")
    _language = "zh" if language == "zh" else "en"


def language() -> Language:
    return _language


def _render(key: str, fields: Mapping[str, object], language: Language) -> str:
    zh, en = _load()[key]
    text = zh if language == "zh" else en
    if not fields:
        return text.format()
    return text.format(**{name: _field(value, language) for name, value in fields.items()})


def _field(value: object, language: Language) -> object:
    if isinstance(value, Message | Listing):
        return value.render(language)
    if isinstance(value, FapiaoError):
        return value.render(language)
    return value


def t(key: str, **fields: object) -> str:
    """The text for ``key`` in the current language, with ``{fields}`` filled in."""
    return _render(key, fields, _language)


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
        return self.render(_language)

    def both(self) -> str:
        return f"{self.render('zh')} / {self.render('en')}"


@dataclass(frozen=True)
class Listing:
    """Items listed the way each language lists them: ``甲、乙`` and ``A, B``."""

    items: Sequence[str]

    def render(self, language: Language) -> str:
        return _render("list.separator", {}, language).join(self.items)


class MessageError(FapiaoError):
    """A ``FapiaoError`` (``storage/errors.py``) raised as ``SomeError(key, **fields)``.

    ``str()`` is ``中文 / English``; a screen shows ``exc.message.text()``, the current
    language only; the command line shows ``exc.render(language)``.
    """

    @property
    def message(self) -> Message:
        return self.as_message()

    def __str__(self) -> str:
        return self.message.both()


def user_text(error: BaseException) -> str:
    """What a screen shows for ``error``: the current language only, where the error knows
    both (``FapiaoError``); otherwise its text as it is."""
    if isinstance(error, FapiaoError):
        return error.text()
    return str(error)
