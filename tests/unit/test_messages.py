"""Every user-visible text exists in Chinese and English with the same fields."""

from __future__ import annotations

import string

import pytest

import tui.texts
from storage.messages import both, catalogue, set_language, t


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_catalogue_holds_the_front_ends_texts_too() -> None:
    # The screens' and the command line's texts live under tui/texts/ and are registered
    # with the one catalogue, so the tests below cover every area, each module by name.
    import pkgutil

    areas = [info.name for info in pkgutil.iter_modules(tui.texts.__path__)]
    assert {"screens", "admin", "checklist", "clearing", "notices", "cli"} <= set(areas)
    for area in areas:
        module = __import__(f"tui.texts.{area}", fromlist=["MESSAGES"])
        assert module.MESSAGES and module.MESSAGES.keys() <= catalogue().keys(), area


def test_every_message_has_both_languages_with_the_same_fields() -> None:
    problems = []
    for key, (zh, en) in catalogue().items():
        if not zh.strip() or not en.strip():
            problems.append(f"{key}: empty text")
        elif _fields(zh) != _fields(en):
            problems.append(f"{key}: fields differ {_fields(zh)} vs {_fields(en)}")
    assert problems == []


# Labels that name the *other* language on purpose: the switch shows where it leads.
OTHER_LANGUAGE_LABELS = {"tui.key.language"}


def test_chinese_texts_are_chinese() -> None:
    # A Chinese text with English words in it and no CJK character is an untranslated one;
    # texts of only fields and symbols ("{detail}", "—") have nothing to translate.
    untranslated = []
    for key, (zh, _) in catalogue().items():
        bare = string.Formatter().parse(zh)
        literal = "".join(text for text, _, _, _ in bare)
        has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in zh)
        if not has_cjk and any(ch.isascii() and ch.isalpha() for ch in literal):
            untranslated.append(key)
    assert sorted(set(untranslated) - OTHER_LANGUAGE_LABELS) == []


def test_language_switches_at_run_time() -> None:
    set_language("zh")
    assert t("status.void") == "作废"
    set_language("en")
    assert t("status.void") == "void"
    assert both("auth.bad_login") == "用户名或密码错误 / wrong user name or password"


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        set_language("fr")
