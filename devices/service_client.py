"""Clients of the device service (``devices.service``): the app and the CLI talk to the disk
through it, never to the port itself (docs/disk-service.md).

``ServiceConnection`` is one socket to the service: requests from any thread (each waits for
its own reply), pushed ``status`` events to a callback, ``progress`` events to the request
that asked. ``ServiceClient`` is the typed ``DiskClient`` over it, so every command, reply type
and error is the same as on a direct link. Nothing here repeats a request: a connection that
breaks mid-request reports the disk unreachable and the caller decides (a wrong PIN is
never retried).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import queue
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from devices.client import DiskClient
from devices.errors import DiskNotAnswering, DiskProblem, DiskUnreachable, disk_error
from devices.frames import Event, JsonObject
from devices.json_lines import read_lines
from devices.link import EventHandler
from devices.service import (
    E_NOT_ANSWERING,
    E_UNREACHABLE,
    LONG_COMMANDS,
    default_socket_path,
    read_holder,
)
from storage.messages import Message, t

log = logging.getLogger(__name__)

REPLY_SILENCE = 30.0  # seconds without a reply or progress: the service is stuck or gone
CONNECT_TIMEOUT = 2.0
SPAWN_WAIT = 5.0  # seconds a service started on demand has to open its socket


@dataclass(frozen=True)
class StatusEvent:
    """What the service pushed last: connected or not, the disk's STATUS body, why not."""

    connected: bool
    status: JsonObject | None
    detail: Message | str = ""  # why not connected: ours as a message, the service's as sent


class ServiceGone(DiskUnreachable):
    """The service's socket is closed or cannot be reached."""

    def __init__(self, socket_path: Path, detail: str) -> None:
        super().__init__(str(socket_path), detail)


StatusHandler = Callable[[StatusEvent], None]


class ServiceConnection:
    def __init__(self, socket_path: str | os.PathLike[str], *,
                 on_status: StatusHandler | None = None) -> None:  # fmt: skip
        self.socket_path = Path(socket_path)
        self.on_status = on_status
        self.service: JsonObject = {}  # the service's hello: pid, user, device_url
        self.last_status: StatusEvent | None = None
        self._sock: socket.socket | None = None
        self._ids = itertools.count(1)
        self._pending: dict[int, queue.Queue[JsonObject]] = {}
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._reader: threading.Thread | None = None
        self._closed = threading.Event()
        self.first_status = threading.Event()

    def connect(self) -> ServiceConnection:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(CONNECT_TIMEOUT)
        try:
            sock.connect(str(self.socket_path))
        except OSError as exc:
            sock.close()
            raise ServiceGone(self.socket_path, str(exc)) from exc
        sock.settimeout(0.25)  # the reader wakes up to notice close()
        self._sock = sock
        self._reader = threading.Thread(target=self._read, name="service-reader", daemon=True)
        self._reader.start()
        return self

    @property
    def alive(self) -> bool:
        return self._sock is not None and not self._closed.is_set()

    def close(self) -> None:
        self._closed.set()
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._reader is not None and self._reader is not threading.current_thread():
            self._reader.join(1.0)

    def __enter__(self) -> ServiceConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------

    def _read(self) -> None:
        sock = self._sock
        try:
            if sock is not None:
                read_lines(sock, lambda: not self._closed.is_set(), self._dispatch)
        except OSError:
            pass
        finally:
            self._closed.set()
            with self._lock:
                waiting = list(self._pending.values())
            for box in waiting:
                box.put({"gone": True})
            self._status(StatusEvent(False, None, Message("disk_live.service_gone")))

    def _dispatch(self, line: bytes) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            log.warning("unreadable line from the device service")
            return
        if not isinstance(message, dict):
            return
        event = message.get("event")
        if event == "status":
            status = message.get("status")
            self._status(StatusEvent(bool(message.get("connected")),
                                     status if isinstance(status, dict) else None,
                                     str(message.get("detail") or "")))  # fmt: skip
            return
        if event == "hello":
            service = message.get("service")
            self.service = service if isinstance(service, dict) else {}
            return
        id_ = message.get("id")
        with self._lock:
            box = self._pending.get(id_) if isinstance(id_, int) else None
        if box is not None:
            box.put(message)

    def _status(self, event: StatusEvent) -> None:
        self.last_status = event
        self.first_status.set()
        if self.on_status is not None:
            self.on_status(event)

    # -- requests ------------------------------------------------------------------------

    def request(self, cmd: str, args: JsonObject | None = None, *,
                progress: EventHandler | None = None) -> JsonObject:  # fmt: skip
        """The reply body of one command; raises the typed disk error or a link problem."""
        sock = self._sock
        if sock is None or self._closed.is_set():
            raise ServiceGone(self.socket_path, t("disk_live.service_gone"))
        id_ = next(self._ids)
        box: queue.Queue[JsonObject] = queue.Queue()
        with self._lock:
            self._pending[id_] = box
        line = json.dumps({"id": id_, "cmd": cmd, "args": args or {}}, ensure_ascii=False) + "\n"
        try:
            with self._send_lock:
                sock.sendall(line.encode("utf-8"))
            while True:
                try:
                    message = box.get(timeout=REPLY_SILENCE)
                except queue.Empty:
                    raise DiskNotAnswering(0) from None
                if message.get("gone"):
                    raise ServiceGone(self.socket_path, t("disk_live.service_gone"))
                if message.get("event") == "progress":
                    body = message.get("progress")
                    if progress is not None and isinstance(body, dict):
                        progress(Event("PROGRESS", body))
                    continue
                return self._result(message)
        except OSError as exc:
            raise ServiceGone(self.socket_path, str(exc)) from exc
        finally:
            with self._lock:
                self._pending.pop(id_, None)

    def _result(self, message: JsonObject) -> JsonObject:
        if "ok" in message and isinstance(message["ok"], dict):
            body: JsonObject = message["ok"]
            return body
        error = message.get("error")
        if not isinstance(error, dict):
            raise DiskProblem(t("disk_live.bad_request"))
        code = str(error.get("code", "E_INTERNAL"))
        text = str(error.get("message", ""))
        if code == E_UNREACHABLE:
            raise DiskUnreachable(str(self.service.get("device_url", "")), text)
        if code == E_NOT_ANSWERING:
            raise DiskNotAnswering(5)
        fields = error.get("fields")
        raise disk_error(code, {**(fields if isinstance(fields, dict) else {}), "message": text})


class ServiceClient(DiskClient):
    """``DiskClient`` through the device service: same commands, replies and errors."""

    def __init__(self, connection: ServiceConnection) -> None:  # no Link: the service has it
        self.connection = connection

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> ServiceClient:
        return self

    def _call(self, cmd: str, body: JsonObject | None = None,
              progress: EventHandler | None = None) -> JsonObject:  # fmt: skip
        return self.connection.request(cmd, body or {},
                                       progress=progress if cmd in LONG_COMMANDS else None)  # fmt: skip


# -- finding or starting the service -----------------------------------------------------


def spawn_service(argv: Sequence[str]) -> None:
    """Start the service detached (its own session; it outlives this terminal)."""
    with open(os.devnull, "rb") as null_in, open(os.devnull, "wb") as null_out:
        subprocess.Popen(
            list(argv), stdin=null_in, stdout=null_out, stderr=null_out,
            start_new_session=True, close_fds=True,
        )  # fmt: skip


def connect(
    socket_path: str | os.PathLike[str],
    *,
    spawn: Sequence[str] | None = None,
    on_status: StatusHandler | None = None,
    wait: float = SPAWN_WAIT,
) -> ServiceConnection:
    """Connect to the service; with ``spawn`` (its command line), start it when none runs.

    Two terminals starting it at once is safe: the service takes a lock, the second one exits.
    """
    path = Path(socket_path)
    try:
        return ServiceConnection(path, on_status=on_status).connect()
    except ServiceGone:
        if spawn is None:
            raise
    log.info("no device service on %s: starting one", path)
    spawn_service(spawn)
    give_up = time.monotonic() + wait
    while True:
        time.sleep(0.1)
        try:
            return ServiceConnection(path, on_status=on_status).connect()
        except ServiceGone:
            if time.monotonic() > give_up:
                raise


# -- who holds the port ------------------------------------------------------------------


def port_holders(device: str) -> list[tuple[int, str]]:
    """(pid, command) of the processes that have ``device`` open (those this user may see)."""
    try:
        target = os.path.realpath(device)
    except OSError:
        return []
    found: list[tuple[int, str]] = []
    for entry in Path("/proc").glob("[0-9]*"):
        pid = int(entry.name)
        if pid == os.getpid():
            continue
        try:
            fds = list((entry / "fd").iterdir())
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) == target:
                    command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").strip()
                    found.append((pid, command.decode("utf-8", "replace")[:120]))
                    break
            except OSError:
                continue
    return found


def who_holds(device: str, *socket_paths: str | os.PathLike[str]) -> str:
    """A sentence naming who holds the port: the device service (pid, user, socket) when its
    lock file says so, else the processes that have the device open, else nobody known."""
    for socket_path in dict.fromkeys([*map(Path, socket_paths), default_socket_path()]):
        holder = read_holder(Path(socket_path))
        if holder and holder.get("device_url") == device and _pid_alive(holder.get("pid")):
            return t("disk_live.held_by_service", pid=holder.get("pid"), user=holder.get("user"),
                     socket=holder.get("socket"))  # fmt: skip
    holders = port_holders(device) if "://" not in device else []
    if holders:
        pid, command = holders[0]
        return t("disk_live.held_by_process", pid=pid, command=command)
    return t("disk_live.held_by_unknown")


def _pid_alive(pid: object) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
