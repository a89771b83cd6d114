"""Bytes → text for CSV and QR files: UTF-8 (with or without BOM) first, else GB18030 (what
Chinese Excel saves as "CSV"), and UTF-16 with a BOM (Excel's "Unicode text"). Binary files
are refused rather than decoded into nonsense."""

from __future__ import annotations

import codecs
import io
from pathlib import Path
from typing import TextIO

from storage.importing.report import FileRefused

_SAMPLE = 64 * 1024
_ALLOWED_CONTROLS = frozenset("\t\r\n\f")


def decode_text(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        text = _decode(data[len(codecs.BOM_UTF8) :], "utf-8")
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode(data, "utf-16")
    else:
        if b"\x00" in data[:_SAMPLE]:
            raise FileRefused("import.file.binary")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = _decode(data, "gb18030")
    _refuse_binary(text)
    return text


def text_encoding(head: bytes, *, valid_utf8: bool) -> str:
    """The encoding of a text file from its first bytes and whether all of it is UTF-8
    (found in one pass, while hashing it); binary files are refused here."""
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
        if not valid_utf8:
            raise FileRefused("import.file.encoding")
    elif head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        if b"\x00" in head[:_SAMPLE]:
            raise FileRefused("import.file.binary")
        encoding = "utf-8" if valid_utf8 else "gb18030"
    # The head may end inside a character: what is cut off is not evidence.
    _refuse_binary(head[:_SAMPLE].decode(encoding, errors="ignore"))
    return encoding


def open_text(path: Path, encoding: str) -> TextIO:
    """The file as text, decoded as it is read; a bad byte later on is ``UnicodeDecodeError``
    (the caller refuses the file)."""
    return io.TextIOWrapper(path.open("rb"), encoding=encoding, newline="")


def _decode(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise FileRefused("import.file.encoding") from None


def _refuse_binary(text: str) -> None:
    """GB18030 decodes most byte soup: control characters give binary files away."""
    sample = text[:_SAMPLE]
    controls = sum(1 for ch in sample if ch < " " and ch not in _ALLOWED_CONTROLS)
    if "\x00" in sample or controls > max(2, len(sample) // 200):
        raise FileRefused("import.file.binary")
