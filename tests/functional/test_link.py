"""The stop-and-wait link over a real pty, against a hand-driven far end: resends of the same
frame, PROGRESS keeping a long command alive, events, noise, giving up, port ownership."""

from __future__ import annotations

import os
import select
import threading
import time
import tty
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest

from devices.errors import DiskNotAnswering, DiskUnreachable, RequestTooLong
from devices.frames import Event, FrameReader, Reply, Request, encode
from devices.link import REPLY_TIMEOUT, RESENDS, Link

Handler = Callable[[Request, int, Callable[[bytes], None]], None]


class FarEnd:
    """The master side of a pty, answering requests with ``handler`` (call number given)."""

    def __init__(self, handler: Handler) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.handler = handler
        self.received: list[tuple[float, bytes]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def _run(self) -> None:
        reader = FrameReader()
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 65536)
            except OSError:
                continue
            for frame, raw in reader.feed(data):
                if isinstance(frame, Request):
                    self.received.append((time.monotonic(), raw))
                    self.handler(frame, len(self.received), self.write)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(1)
        os.close(self.master)
        os.close(self.slave)


@contextmanager
def far_end(handler: Handler) -> Iterator[FarEnd]:
    end = FarEnd(handler)
    try:
        yield end
    finally:
        end.close()


def test_silence_resends_the_same_frame_after_one_second_with_real_defaults() -> None:
    def answer_second(req: Request, n: int, write: Callable[[bytes], None]) -> None:
        if n == 2:
            write(encode(Reply(req.seq, {"n": n})))

    with far_end(answer_second) as end, Link(end.path) as link:
        assert (link.reply_timeout, link.resends) == (1.0, 5) == (REPLY_TIMEOUT, RESENDS)
        reply = link.request("STATUS")
    assert reply == Reply(reply.seq, {"n": 2})
    (t1, first), (t2, second) = end.received
    assert first == second  # same SEQ, same text
    assert 0.9 <= t2 - t1 <= 1.5


def test_progress_for_the_awaited_request_keeps_it_alive_other_events_go_to_the_handler() -> None:
    events: list[Event] = []
    progress: list[Event] = []

    def long_command(req: Request, n: int, write: Callable[[bytes], None]) -> None:
        def run() -> None:
            for i in range(5):  # 2.5 s in all, more than twice the reply timeout
                write(encode(Event("PROGRESS", {"seq": req.seq, "done": i, "total": 5})))
                if i == 1:
                    write(encode(Event("PROGRESS", {"seq": req.seq + 1, "done": 0, "total": 1})))
                    write(encode(Event("CARD_INSERTED", {"slot": 1})))
                time.sleep(0.5)
            write(encode(Reply(req.seq, {"txn": "t", "results": []})))

        threading.Thread(target=run, daemon=True).start()

    with far_end(long_command) as end, Link(end.path, on_event=events.append) as link:
        started = time.monotonic()
        reply = link.request("CLEAR", {"txn": "t"}, progress=progress.append)
        took = time.monotonic() - started
    assert isinstance(reply, Reply) and reply.body["txn"] == "t"
    assert took > 2.4
    assert len(end.received) == 1  # never resent while PROGRESS flowed
    assert [e.body["done"] for e in progress] == [0, 1, 2, 3, 4]
    assert [e.name for e in events] == ["PROGRESS", "CARD_INSERTED"]  # the other SEQ's, unknown


def test_a_silent_disk_is_reported_after_five_resends() -> None:
    with (
        far_end(lambda req, n, write: None) as end,
        Link(end.path, reply_timeout=0.1) as link,
        pytest.raises(DiskNotAnswering) as info,
    ):
        link.request("HELLO")
    assert len(end.received) == 1 + 5
    assert len({raw for _, raw in end.received}) == 1
    assert "没有应答" in str(info.value) and info.value.resends == 5


def test_noise_damaged_and_stale_frames_are_skipped() -> None:
    def messy(req: Request, n: int, write: Callable[[bytes], None]) -> None:
        damaged = bytearray(encode(Reply(req.seq, {"wrong": True})))
        damaged[5] ^= 0x20
        write(b"\x00\x13garbage\r\n" + bytes(damaged) + encode(Reply(req.seq - 1, {"old": 1}))
              + b"\r" + encode(Reply(req.seq, {"right": True})))  # fmt: skip

    with far_end(messy) as end, Link(end.path) as link:
        reply = link.request("HELLO")
    assert isinstance(reply, Reply) and reply.body == {"right": True}
    assert len(end.received) == 1


def test_each_request_takes_the_next_seq_wrapping_at_65535() -> None:
    def echo(req: Request, n: int, write: Callable[[bytes], None]) -> None:
        write(encode(Reply(req.seq, {"seq": req.seq})))

    with far_end(echo) as end, Link(end.path, first_seq=65534) as link:
        seqs = [link.request("STATUS").seq for _ in range(3)]
    assert seqs == [65535, 0, 1]


def test_a_second_opener_of_the_port_is_told_it_is_in_use() -> None:
    with far_end(lambda req, n, write: None) as end, Link(end.path):
        second = Link(end.path)
        with pytest.raises(DiskUnreachable) as info:
            second.open()
    assert info.value.in_use
    assert "正被另一个程序使用" in str(info.value) and end.path in str(info.value)


def test_a_missing_port_fails_at_once() -> None:
    link = Link("/dev/no-such-disk-port")
    started = time.monotonic()
    with pytest.raises(DiskUnreachable) as info:
        link.request("HELLO")
    assert time.monotonic() - started < 0.5
    assert "无法连接税控盘" in str(info.value)


def test_loop_url_hears_only_its_own_requests_and_gives_up() -> None:
    with Link("loop://", reply_timeout=0.05) as link, pytest.raises(DiskNotAnswering):
        link.request("HELLO")


def test_a_closed_tcp_disk_is_unreachable() -> None:
    import socket

    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    with pytest.raises(DiskUnreachable):
        Link(f"socket://127.0.0.1:{port}").open()


def test_a_request_too_long_for_one_frame_is_refused_before_anything_is_sent() -> None:
    heard: list[Request] = []
    with far_end(lambda req, n, write: heard.append(req)) as end, Link(end.path) as link:
        with pytest.raises(RequestTooLong):
            link.request("UPLOAD", {"numbers": ["24312000000136634917"] * 5000})
        time.sleep(0.2)
    assert heard == []
