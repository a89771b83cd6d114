"""Bytes → text for CSV and QR files: UTF-8 (with or without BOM) first, else GB18030 (what
Chinese Excel saves as "CSV"), and UTF-16 with a BOM (Excel's "Unicode text"). Binary files
are refused rather than decoded into nonsense."""

from __future__ import annotations

import codecs

from storage.importing.report import FileRefused

_SAMPLE = 64 * 1024
_ALLOWED_CONTROLS = frozenset("\t\r\n\f")


def decode_text(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        text = _decode(data[len(codecs.BOM_UTF8):], "utf-8")
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
