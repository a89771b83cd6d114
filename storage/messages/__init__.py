"""The message catalogue: every user-visible text, in Chinese (default) and English.

Texts live in per-area catalogues (``storage/messages/<area>.py``, each a ``MESSAGES`` dict of
key → (中文, English)); ``t(key, **fields)`` picks the current language. A test checks that
every key has both texts with the same ``{fields}``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from typing import Literal

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


def t(key: str, **fields: object) -> str:
    """The text for ``key`` in the current language, with ``{fields}`` filled in."""
    zh, en = _load()[key]
    return (zh if _language == "zh" else en).format(**fields)


def both(key: str, **fields: object) -> str:
    """Chinese and English together, for the command line's errors: ``中文 / English``."""
    zh, en = _load()[key]
    return f"{zh.format(**fields)} / {en.format(**fields)}"
