"""Frames (PROTOCOL.md "Frames"): the CRC, the four kinds, and what a receiver drops."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.frames import (
    MAX_FRAME,
    ErrorReply,
    Event,
    Frame,
    FrameReader,
    FrameTooLong,
    Reply,
    Request,
    crc16,
    decode,
    encode,
)


def test_crc_check_value_and_the_protocol_example() -> None:
    assert f"{crc16(b'123456789'):04X}" == "29B1"
    assert encode(Request(7, "STATUS", {})) == b">7 STATUS {}*E8F7\r\n"
    assert decode(b">7 STATUS {}*E8F7") == Request(7, "STATUS", {})


def test_reply_error_and_event_round_trip_with_chinese_text() -> None:
    frames: list[Frame] = [
        Reply(12, {"tries_left": 5}),
        ErrorReply(13, "E_PIN", {"tries_left": 4, "message": "口令错误，还可尝试 4 次"}),
        Event("PROGRESS", {"seq": 12, "txn": "t", "done": 40, "total": 100, "stage": "清卡"}),
        Request(65535, "LOGIN", {"pin": "88888888"}),
    ]
    for frame in frames:
        data = encode(frame)
        assert data.endswith(b"\r\n") and data.count(b"\r\n") == 1
        assert decode(data[:-2]) == frame
    assert "清卡".encode() in encode(frames[2])  # UTF-8 on the wire, not \u escapes


def test_line_breaks_inside_strings_are_escaped_not_raw() -> None:
    data = encode(Reply(1, {"message": "第一行\r\n第二行"}))
    assert data.count(b"\r\n") == 1
    reader = FrameReader()
    [(frame, raw)] = reader.feed(data)
    assert frame == Reply(1, {"message": "第一行\r\n第二行"}) and raw == data


def test_reader_skips_noise_and_finds_frames_split_across_reads() -> None:
    reader = FrameReader()
    good = encode(Reply(3, {"a": 1}))
    stream = b"\x00\xffgarbage after reset\r\n\r" + good + b"noise\r" + encode(Event("X", {}))
    got = []
    for i in range(0, len(stream), 5):
        got += [f for f, _ in reader.feed(stream[i : i + 5])]
    assert got == [Reply(3, {"a": 1}), Event("X", {})]


def test_damaged_frames_are_dropped_and_the_next_one_still_arrives() -> None:
    good = encode(Reply(5, {"ok": True}))
    flipped = bytearray(encode(Reply(4, {"ok": True})))
    flipped[4] ^= 0x01  # one bit: the CRC no longer matches
    cut_short = encode(Reply(6, {"x": "y"}))[:-8] + b"\r\n"
    bad_json = b"<7 OK {nope*" + f"{crc16(b'7 OK {nope'):04X}".encode() + b"\r\n"
    not_object = b"<8 OK [1]*" + f"{crc16(b'8 OK [1]'):04X}".encode() + b"\r\n"
    lower_crc = encode(Reply(9, {}))[:-6] + encode(Reply(9, {}))[-6:-2].lower() + b"\r\n"
    reader = FrameReader()
    frames = reader.feed(bytes(flipped) + cut_short + bad_json + not_object + lower_crc + good)
    assert [f for f, _ in frames] == [Reply(5, {"ok": True})]
    assert reader.dropped == 5


def test_oversized_frames_are_dropped_without_losing_the_following_one() -> None:
    big = {"blob": "x" * (MAX_FRAME - 10)}
    with pytest.raises(FrameTooLong):
        encode(Reply(1, big))  # a frame over 65,536 bytes is never built
    text = f"1 OK {json.dumps(big)}".encode()
    oversized = b"<" + text + b"*%04X\r\n" % crc16(text)
    assert len(oversized) > MAX_FRAME
    reader = FrameReader()
    got = []
    for i in range(0, len(oversized), 4096):
        got += reader.feed(oversized[i : i + 4096])
    got += reader.feed(encode(Reply(2, {})))
    assert [f for f, _ in got] == [Reply(2, {})]
    # Exactly at the limit is still a frame.
    fill = MAX_FRAME - len(encode(Reply(3, {"b": ""})))
    at_limit = encode(Reply(3, {"b": "y" * fill}))
    assert len(at_limit) == MAX_FRAME
    assert [f for f, _ in FrameReader().feed(at_limit)] == [Reply(3, {"b": "y" * fill})]


def test_fields_must_be_single_spaced_upper_case_words_and_seq_in_range() -> None:
    for text in (b"7  STATUS {}", b"7 status {}", b"70000 STATUS {}", b"-1 STATUS {}",
                 b"7 OK", b"x STATUS {}"):  # fmt: skip
        assert decode(b">" + text + b"*%04X" % crc16(text)) is None, text
    text = b"1 MAYBE {}"
    assert decode(b"<" + text + b"*%04X" % crc16(text)) is None  # a reply is OK or ERR


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(
    seq=st.integers(0, 65535),
    cmd=st.from_regex(r"[A-Z_]{1,12}", fullmatch=True),
    body=st.dictionaries(st.text(max_size=10), json_values, max_size=5),
    noise=st.binary(max_size=30),
)
def test_any_request_survives_noise_before_it(seq: int, cmd: str, body: dict[str, object],
                                              noise: bytes) -> None:  # fmt: skip
    frame = Request(seq, cmd, body)
    reader = FrameReader()
    got = reader.feed(noise + b"\r\n" + encode(frame))
    assert [f for f, _ in got][-1:] == [frame]
