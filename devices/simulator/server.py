"""Serving the simulated disk over a pty (the app opens the printed slave path) or over TCP on
one address (the app opens ``socket://HOST:PORT``; one client at a time).

A reader thread turns bytes into request frames for the ``Disk``; everything the disk sends
goes through ``FaultPlan.outgoing`` to whichever connection is current.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import select
import socket
import threading
import time
import tty

from devices.frames import FrameReader, Request
from devices.simulator.disk import Disk

log = logging.getLogger(__name__)

_POLL = 0.1
_WRITE_GIVE_UP = 2.0  # seconds: a far end that stops reading loses the frame, not the disk


class SimServer:
    def __init__(self, disk: Disk) -> None:
        self.disk = disk
        self.faults = disk.faults
        self.url = ""
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._send_lock = threading.Lock()
        self._master: int | None = None
        self._slave: int | None = None
        self._listener: socket.socket | None = None
        self._conn: socket.socket | None = None
        self._deaf_until = 0.0
        self.frames_sent = 0
        self.bytes_sent = 0
        disk.outbox = self.send

    # -- starting and stopping -----------------------------------------------------------

    def start_pty(self) -> str:
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no CR/LF translation, before anyone opens it
        os.set_blocking(master, False)
        self._master, self._slave = master, slave  # holding the slave keeps the pty alive
        self.url = os.ttyname(slave)
        self._spawn(self._serve_pty, "sim-pty")
        return self.url

    def start_tcp(self, host: str = "127.0.0.1", port: int = 0) -> str:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(1)
        listener.settimeout(_POLL)
        self._listener = listener
        bound_host, bound_port = listener.getsockname()[:2]
        self.url = f"socket://{bound_host}:{bound_port}"
        self._spawn(self._serve_tcp, "sim-tcp")
        return self.url

    def _spawn(self, target: object, name: str) -> None:
        thread = threading.Thread(target=target, name=name, daemon=True)  # type: ignore[arg-type]
        thread.start()
        self._threads.append(thread)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(2.0)
        self.disk.wait_idle(5.0)
        for fd in (self._master, self._slave):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = None
        for sock in (self._conn, self._listener):
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.close()
        self._conn = self._listener = None

    def __enter__(self) -> SimServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def pull_cable(self, seconds: float) -> None:
        """Nothing arrives or leaves for ``seconds``, as with the cable out."""
        log.info("simulated cable pull for %.1f s", seconds)
        self._deaf_until = time.monotonic() + seconds

    # -- receiving -----------------------------------------------------------------------

    def _handle(self, reader: FrameReader, data: bytes) -> bool:
        """Feed bytes; False when the link is to be cut now (a ``disconnect_after`` fault)."""
        if time.monotonic() < self._deaf_until:
            return True  # the cable is out: nothing arrives
        for frame, raw in reader.feed(self.faults.incoming(data)):
            if isinstance(frame, Request):
                self.disk.receive(frame, raw)
                if self.faults.cut_now(self.disk.requests_seen):
                    return False
        return True

    def _serve_pty(self) -> None:
        reader = FrameReader()
        master = self._master
        assert master is not None
        while not self._stop.is_set():
            ready, _, _ = select.select([master], [], [], _POLL)
            if not ready:
                continue
            try:
                data = os.read(master, 65_536)
            except BlockingIOError:
                continue
            except OSError as exc:
                if exc.errno == errno.EIO:  # no one has the slave open: wait for them
                    time.sleep(_POLL)
                    continue
                raise
            if not self._handle(reader, data):
                self.pull_cable(self.faults.outage)
                reader = FrameReader()

    def _serve_tcp(self) -> None:
        listener = self._listener
        assert listener is not None
        while not self._stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(_POLL)
            with self._send_lock:
                self._conn = conn
            reader = FrameReader()
            try:
                while not self._stop.is_set():
                    try:
                        data = conn.recv(65_536)
                    except TimeoutError:
                        continue
                    if not data or not self._handle(reader, data):
                        break
            except OSError as exc:
                log.info("simulator connection lost: %s", exc)
            finally:
                with self._send_lock:
                    self._conn = None
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)
                conn.close()

    # -- sending -------------------------------------------------------------------------

    def send(self, frame: bytes) -> None:
        if self.faults.delay:
            time.sleep(self.faults.delay)
        for piece in self.faults.outgoing(frame):
            with self._send_lock:
                if time.monotonic() < self._deaf_until:
                    return
                if self._conn is not None:
                    try:
                        self._conn.sendall(piece)
                    except OSError:
                        return
                elif self._master is not None:
                    self._write_pty(self._master, piece)
                else:
                    return
                self.frames_sent += 1
                self.bytes_sent += len(piece)

    @staticmethod
    def _write_pty(master: int, data: bytes) -> None:
        view = memoryview(data)
        give_up = time.monotonic() + _WRITE_GIVE_UP
        while view:
            _, ready, _ = select.select([], [master], [], _POLL)
            if ready:
                try:
                    view = view[os.write(master, view) :]
                except BlockingIOError:
                    pass
                except OSError:
                    return
            if time.monotonic() > give_up:
                return
