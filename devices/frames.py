"""Frames of the disk link (PROTOCOL.md "Frames"): one CR LF line, a JSON object, a CRC.

``encode`` builds a frame's bytes; ``FrameReader`` turns a byte stream into frames, skipping
noise and silently dropping every frame that is damaged, cut short, too long or unparseable.
"""

from __future__ import annotations

import binascii
import json
import re
from dataclasses import dataclass, field
from typing import Any

MAX_FRAME = 65_536  # bytes, CR LF included
MAX_SEQ = 65_535
_STARTS = b"><!"
_WORD = re.compile(r"[A-Z_]+\Z")
_SEQ = re.compile(r"[0-9]{1,5}\Z")
_CRC = re.compile(rb"[0-9A-F]{4}\Z")

JsonObject = dict[str, Any]


class FrameTooLong(ValueError):
    """A frame to send would exceed ``MAX_FRAME`` bytes."""


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF): ``crc16(b"123456789") == 0x29B1``."""
    return binascii.crc_hqx(data, 0xFFFF)


@dataclass(frozen=True)
class Request:
    seq: int
    cmd: str
    body: JsonObject = field(default_factory=dict)


@dataclass(frozen=True)
class Reply:
    seq: int
    body: JsonObject = field(default_factory=dict)


@dataclass(frozen=True)
class ErrorReply:
    seq: int
    code: str
    body: JsonObject = field(default_factory=dict)

    @property
    def message(self) -> str:
        return str(self.body.get("message", ""))


@dataclass(frozen=True)
class Event:
    name: str
    body: JsonObject = field(default_factory=dict)


Frame = Request | Reply | ErrorReply | Event


class RawJson(dict[str, Any]):
    """A body already serialised as one-line JSON (a big INVOICES page built from cached
    record texts); ``encode`` writes its text as is."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def dump_json(body: JsonObject) -> str:
    """Compact JSON on one line; CR and LF inside strings come out escaped."""
    if isinstance(body, RawJson):
        return body.text
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def encode(frame: Frame) -> bytes:
    """The frame's bytes on the wire, CR LF included."""
    match frame:
        case Request(seq, cmd, body):
            _check_seq(seq)
            _check_word(cmd)
            lead, text = b">", f"{seq} {cmd} {dump_json(body)}"
        case Reply(seq, body):
            _check_seq(seq)
            lead, text = b"<", f"{seq} OK {dump_json(body)}"
        case ErrorReply(seq, code, body):
            _check_seq(seq)
            _check_word(code)
            lead, text = b"<", f"{seq} ERR {code} {dump_json(body)}"
        case Event(name, body):
            _check_word(name)
            lead, text = b"!", f"{name} {dump_json(body)}"
    data = text.encode("utf-8")
    out = b"%s%s*%04X\r\n" % (lead, data, crc16(data))
    if len(out) > MAX_FRAME:
        raise FrameTooLong(f"frame of {len(out)} bytes exceeds {MAX_FRAME}")
    return out


def _check_seq(seq: int) -> None:
    if not 0 <= seq <= MAX_SEQ:
        raise ValueError(f"SEQ {seq} outside 0..{MAX_SEQ}")


def _check_word(word: str) -> None:
    if not _WORD.match(word):
        raise ValueError(f"{word!r} is not an upper-case word")


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def _object(text: str) -> JsonObject | None:
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def decode(candidate: bytes) -> Frame | None:
    """One frame from a line without its CR LF, or None when it must be dropped."""
    if len(candidate) + 2 > MAX_FRAME or not candidate or candidate[0] not in _STARTS:
        return None
    star = candidate.rfind(b"*")
    if star < 1 or not _CRC.match(candidate[star + 1 :]):
        return None
    data = candidate[1:star]
    if crc16(data) != int(candidate[star + 1 :], 16):
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lead = candidate[:1]
    if lead == b"!":
        name, _, rest = text.partition(" ")
        body = _object(rest)
        return Event(name, body) if _WORD.match(name) and body is not None else None
    seq_text, _, rest = text.partition(" ")
    if not _SEQ.match(seq_text) or int(seq_text) > MAX_SEQ:
        return None
    seq = int(seq_text)
    word, _, rest = rest.partition(" ")
    if not _WORD.match(word):
        return None
    if lead == b">":
        body = _object(rest)
        return Request(seq, word, body) if body is not None else None
    if word == "OK":
        body = _object(rest)
        return Reply(seq, body) if body is not None else None
    if word == "ERR":
        code, _, rest = rest.partition(" ")
        body = _object(rest)
        return ErrorReply(seq, code, body) if _WORD.match(code) and body is not None else None
    return None


class FrameReader:
    """Collects bytes and yields whole frames (with their raw bytes) as they complete.

    A frame starts at the beginning of a line: after LF, or after a CR that ends noise. A line
    longer than ``MAX_FRAME`` is discarded as it streams in, without holding it in memory.
    """

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._discarding = False  # inside an over-long line, until its LF
        self.dropped = 0  # lines that looked like frames but were not (for tests and logs)

    def feed(self, data: bytes) -> list[tuple[Frame, bytes]]:
        self._buffer += data
        frames: list[tuple[Frame, bytes]] = []
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                if len(self._buffer) > MAX_FRAME:
                    self._buffer.clear()
                    self._discarding = True
                return frames
            line = bytes(self._buffer[: end + 1])
            del self._buffer[: end + 1]
            if self._discarding:
                self._discarding = False
                self.dropped += 1
                continue
            parsed = self._line(line)
            if parsed is not None:
                frames.append(parsed)

    def _line(self, line: bytes) -> tuple[Frame, bytes] | None:
        if not line.endswith(b"\r\n"):
            if any(c in _STARTS for c in line[:1]):
                self.dropped += 1
            return None
        body = line[:-2]
        # Noise ended by a lone CR: the frame, if any, follows the last CR (JSON holds none).
        cr = body.rfind(b"\r")
        if cr >= 0:
            body = body[cr + 1 :]
        if not body or body[0] not in _STARTS:
            return None
        frame = decode(body)
        if frame is None:
            self.dropped += 1
            return None
        return frame, body + b"\r\n"
