"""Esc and the key typed right after it, read together, stay two keys.

A terminal sends Alt+key as ESC followed by the key, so ESC and the next key arriving in one
read (a clerk pressing Esc to clear the lookup box and typing the next number at once, over a
slow SSH line) are the same bytes as Alt+key. Textual (8.2.8, ``textual/_xterm_parser.py``)
reads them as Alt+key, and ESC with a digit, ``-`` or ``=`` as the character macOS's Option
key gives (``textual/_ansi_sequences.py``, for WezTerm): Esc then 1 typed "¡" and lost the Esc,
Esc then 武汉 added 武汉 to the old number. Nothing in the app is bound to Alt, and the counter's
thin clients have no Option key, so both are read back as Esc and the key.
"""

from __future__ import annotations

import unicodedata

from textual import events
from textual._ansi_sequences import ANSI_SEQUENCES_KEYS
from textual.keys import KEY_NAME_REPLACEMENTS

#: The characters Textual makes of ESC + one key (macOS Option), and that key.
OPTION_CHARACTERS: dict[str, str] = {
    value: sequence[1]
    for sequence, value in ANSI_SEQUENCES_KEYS.items()
    if isinstance(value, str) and len(sequence) == 2 and sequence[0] == "\x1b"
}


def _key_of(character: str) -> events.Key:
    """The key event Textual makes of ``character`` typed alone."""
    if character.isalnum():
        name = character
    else:
        try:
            name = unicodedata.name(character).lower().replace("-", "_").replace(" ", "_")
        except ValueError:
            name = character
    return events.Key(KEY_NAME_REPLACEMENTS.get(name, name), character)


def as_typed(event: events.Key) -> list[events.Key]:
    """``event``, or Esc and the key after it when ``event`` is how Textual read the two."""
    character = event.character
    if character is None or len(character) != 1:
        return [event]
    if event.key.startswith("alt+") and character.isprintable():
        typed = character
    elif character in OPTION_CHARACTERS:
        typed = OPTION_CHARACTERS[character]
    else:
        return [event]
    return [events.Key("escape", "\x1b"), _key_of(typed)]
