"""Normalising counterparty names and cutting them into the two-character grams we index."""

from __future__ import annotations

import unicodedata


def normalize_name(name: str) -> str:
    """Full-width brackets and letters folded (NFKC), case folded, spaces dropped."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def name_grams(name: str) -> set[str]:
    """Every two-character piece of the normalised name (a one-character name is its own gram)."""
    norm = normalize_name(name)
    if len(norm) == 1:
        return {norm}
    return {norm[i : i + 2] for i in range(len(norm) - 1)}
