"""The device service: the one process that owns the disk's port, shared by every terminal.

Several app instances on one host (several SSH sessions) talk to one disk through it
(docs/disk-service.md). It alone opens the port (exclusively) and keeps PROTOCOL.md's link
rules towards the disk: stop-and-wait, resend of the same SEQ, SEQs chosen here. Towards its
clients it speaks JSON lines over a Unix socket:

    client → service   {"id": 7, "cmd": "STATUS", "args": {}}
    service → client   {"id": 7, "ok": {...the disk's reply body...}}
                       {"id": 7, "error": {"code": "E_PIN", "message": "…", "fields": {...}}}
    events             {"event": "hello", "service": {"pid": …, "user": …, "device_url": …}}
                       {"event": "status", "connected": true, "status": {...STATUS body...},
                        "detail": ""}
                       {"event": "progress", "id": 7, "progress": {...PROGRESS body...}}

It polls ``STATUS`` itself (``poll_interval``, 1 s) and pushes a ``status`` event to every
client when anything but the clock's time of day changed, so N terminals cost one poll. One
request runs on the disk at a time, in arrival order; while a long command (REPORT, CLEAR,
UPLOAD) runs, another client's request is answered at once: STATUS and HELLO from what the
service last saw, anything else ``E_BUSY``. A login belongs to the client that made it: the
disk has one login, so the service refuses ``(auth)`` commands from clients that have not
logged in themselves, and logs the disk out when the last logged-in client leaves.
"""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import logging
import os
import queue
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.errors import DiskNotAnswering, DiskProblem
from devices.frames import ErrorReply, Event, JsonObject
from devices.json_lines import read_lines
from devices.link import Link
from storage.config.settings import Settings, data_dir
from storage.messages import t

log = logging.getLogger(__name__)

POLL_INTERVAL = 1.0  # seconds between the service's own STATUS requests
LONG_COMMANDS = frozenset({"REPORT", "CLEAR", "UPLOAD"})
AUTH_COMMANDS = frozenset({"INVOICES", "SUMMARY", "UPLOAD", "REPORT", "CLEAR", "LOG"})
COMMANDS = frozenset({"HELLO", "LOGIN", "LOGOUT", "STATUS", "INVOICES", "SUMMARY", "UPLOAD",
                      "REPORT", "CLEAR", "TXN", "LOG", "SERVICE", "SIM"})  # fmt: skip
SOCKET_PATH_MAX = 107  # sun_path, NUL included
_ACCEPT_POLL = 0.2
_SEND_TIMEOUT = 2.0  # a client that stops reading loses its connection, not the service

# Link problems, as the service reports them to clients.
E_UNREACHABLE = "E_UNREACHABLE"
E_NOT_ANSWERING = "E_NOT_ANSWERING"


def default_socket_path() -> Path:
    """``FAPIAO_DEVICE_SOCKET``, else ``disk.sock`` in the data directory."""
    env = os.environ.get("FAPIAO_DEVICE_SOCKET")
    return Path(env) if env else data_dir() / "disk.sock"


def configured_socket(settings: Settings) -> tuple[Path, bool]:
    """The service's socket for these settings, and whether it is configured explicitly
    (``FAPIAO_DEVICE_SOCKET`` or ``device_socket``: then systemd or the admin runs the
    service, and the app never starts one)."""
    configured = os.environ.get("FAPIAO_DEVICE_SOCKET") or settings.extra.get("device_socket")
    if isinstance(configured, str) and configured:
        return Path(configured), True
    return default_socket_path(), False


def lock_path(socket_path: Path) -> Path:
    return socket_path.with_name(socket_path.name + ".lock")


class ServiceAlreadyRunning(Exception):
    def __init__(self, holder: dict[str, Any]) -> None:
        super().__init__(t("disk_live.service_running", pid=holder.get("pid", "?"),
                           user=holder.get("user", "?"), socket=holder.get("socket", "?")))  # fmt: skip
        self.holder = holder


def read_holder(socket_path: Path) -> dict[str, Any] | None:
    """Who runs the service on ``socket_path`` (its lock file), or None."""
    try:
        data = json.loads(lock_path(socket_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return str(os.getuid())


@dataclass(eq=False)
class _Client:
    sock: socket.socket
    name: str
    logged_in: bool = False
    send_lock: threading.Lock = field(default_factory=threading.Lock)
    alive: bool = True


@dataclass
class _Job:
    client: _Client | None  # None: the service's own poll or logout
    id: Any
    cmd: str
    args: JsonObject


class DeviceService:
    """Owns one disk port and serves it on one Unix socket (``start``/``stop``)."""

    def __init__(
        self,
        device_url: str,
        socket_path: str | os.PathLike[str],
        *,
        poll_interval: float = POLL_INTERVAL,
        idle_exit: float | None = None,
        link_options: dict[str, Any] | None = None,
    ) -> None:
        self.device_url = device_url
        self.socket_path = Path(socket_path)
        self.poll_interval = poll_interval
        self.idle_exit = idle_exit
        self.link = Link(device_url, **(link_options or {}))
        self.stopped = threading.Event()
        self.polls = 0  # STATUS requests the service itself sent (tests: one poll for N clients)
        self._jobs: queue.Queue[_Job] = queue.Queue()
        self._clients: list[_Client] = []
        self._clients_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._listener: socket.socket | None = None
        self._lock_fd: int | None = None
        self._connected = False
        self._detail = ""
        self._status: JsonObject | None = None
        self._hello: JsonObject | None = None
        self._running: _Job | None = None  # the long command on the disk now
        self._disk_logged_in = False
        self._last_poll = 0.0
        self._retry_at = 0.0
        self._backoff = poll_interval
        self._idle_since = time.monotonic()
        self._told_disconnected = False

    # -- starting and stopping -----------------------------------------------------------

    def start(self) -> None:
        """Take the lock, bind the socket, start serving. ``ServiceAlreadyRunning`` if taken."""
        path = self.socket_path
        if len(os.fsencode(path)) > SOCKET_PATH_MAX:
            raise OSError(t("disk_live.socket_too_long", path=path))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise ServiceAlreadyRunning(read_holder(path) or {}) from None
        holder = {"pid": os.getpid(), "user": _user(), "socket": str(path),
                  "device_url": self.device_url}  # fmt: skip
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps(holder, ensure_ascii=False).encode("utf-8"))
        self._lock_fd = fd
        with contextlib.suppress(FileNotFoundError):
            path.unlink()  # a stale socket of a service that died: we hold the lock now
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o117)  # the socket: owner and group only
        try:
            listener.bind(str(path))
        finally:
            os.umask(old_umask)
        listener.listen(16)
        listener.settimeout(_ACCEPT_POLL)
        self._listener = listener
        self._spawn(self._accept_loop, "service-accept")
        self._spawn(self._disk_loop, "service-disk")
        log.info("device service for %s on %s", self.device_url, path)

    def stop(self) -> None:
        self.stopped.set()
        for thread in self._threads:
            if thread is not threading.current_thread():
                thread.join(3.0)
        with self._clients_lock:
            clients, self._clients = self._clients, []
        for client in clients:
            self._drop(client)
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.close()
            self._listener = None
            with contextlib.suppress(OSError):
                self.socket_path.unlink()
        self.link.close()
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._lock_fd)  # releases the flock
            self._lock_fd = None

    def __enter__(self) -> DeviceService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait(self) -> None:
        """Serve until ``stop`` (or the idle exit)."""
        while not self.stopped.wait(0.5):
            pass

    def _spawn(self, target: Callable[..., None], name: str, *args: object) -> threading.Thread:
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        thread.start()
        self._threads.append(thread)
        return thread

    # -- clients -------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        listener = self._listener
        assert listener is not None
        while not self.stopped.is_set():
            try:
                sock, _ = listener.accept()
            except TimeoutError:
                self._check_idle()
                continue
            except OSError:
                return
            sock.settimeout(_SEND_TIMEOUT)
            client = _Client(sock, name=f"client-{sock.fileno()}")
            with self._clients_lock:
                self._clients.append(client)
            self._send(client, {"event": "hello", "service": {
                "pid": os.getpid(), "user": _user(), "device_url": self.device_url}})  # fmt: skip
            self._send(client, self._status_event(client))
            # Readers are not joined on stop: closing the socket ends them.
            threading.Thread(target=self._read_client, args=(client,), daemon=True,
                             name=client.name).start()  # fmt: skip

    def _check_idle(self) -> None:
        with self._clients_lock:
            if self._clients:
                self._idle_since = time.monotonic()
                return
        if self.idle_exit is not None and time.monotonic() - self._idle_since > self.idle_exit:
            log.info("no clients for %.0f s: the device service stops", self.idle_exit)
            self.stopped.set()

    def _read_client(self, client: _Client) -> None:
        try:
            read_lines(client.sock, lambda: client.alive and not self.stopped.is_set(),
                       lambda line: self._request(client, line))  # fmt: skip
        except OSError:
            pass
        finally:
            self._left(client)

    def _left(self, client: _Client) -> None:
        with self._clients_lock:
            if client in self._clients:
                self._clients.remove(client)
            others = any(c.logged_in for c in self._clients)
        was_logged_in = client.logged_in
        client.logged_in = False
        self._drop(client)
        if was_logged_in and not others and self._disk_logged_in:
            self._jobs.put(_Job(None, None, "LOGOUT", {}))

    def _drop(self, client: _Client) -> None:
        client.alive = False
        with contextlib.suppress(OSError):
            client.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            client.sock.close()

    def _send(self, client: _Client, message: JsonObject) -> None:
        data = (json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        with client.send_lock:
            if not client.alive:
                return
            try:
                client.sock.sendall(data)
            except OSError:
                client.alive = False
        if not client.alive:
            self._drop(client)

    def _reply_error(self, client: _Client, id_: Any, code: str, message: str,
                     fields: JsonObject | None = None) -> None:  # fmt: skip
        self._send(client, {"id": id_, "error": {"code": code, "message": message,
                                                  "fields": fields or {}}})  # fmt: skip

    def _request(self, client: _Client, line: bytes) -> None:
        try:
            message = json.loads(line)
        except ValueError:
            self._reply_error(client, None, "E_BAD_REQUEST", t("disk_live.bad_request"))
            return
        if not isinstance(message, dict):
            self._reply_error(client, None, "E_BAD_REQUEST", t("disk_live.bad_request"))
            return
        id_, cmd, args = message.get("id"), message.get("cmd"), message.get("args", {})
        if cmd not in COMMANDS or not isinstance(args, dict):
            self._reply_error(client, id_, "E_UNKNOWN_CMD" if isinstance(args, dict) else
                              "E_BAD_REQUEST", t("disk_live.bad_request"))  # fmt: skip
            return
        running = self._running
        if running is not None:
            # The link is busy with a long command: answer from what the service knows.
            if cmd == "STATUS" and self._status is not None:
                self._send(client, {"id": id_, "ok": self._client_status(client)})
            elif cmd == "HELLO" and self._hello is not None:
                self._send(client, {"id": id_, "ok": self._hello})
            elif cmd == "TXN" and args.get("txn") and args.get("txn") == running.args.get("txn"):
                # PROTOCOL.md: TXN is always answered; this is how a terminal that restarted
                # mid-clear learns its clear is still running.
                self._send(client, {"id": id_, "ok": {"txn": args["txn"], "cmd": running.cmd,
                                                      "state": "running", "results": []}})  # fmt: skip
            else:
                self._reply_error(client, id_, "E_BUSY",
                                  t("disk_live.busy_other", cmd=t(f"disk_live.cmd.{running.cmd}")))  # fmt: skip
            return
        if cmd in AUTH_COMMANDS and not client.logged_in:
            self._reply_error(client, id_, "E_AUTH", t("disk_live.login_first"))
            return
        if cmd == "LOGOUT":
            client.logged_in = False
            with self._clients_lock:
                others = any(c.logged_in for c in self._clients)
            if others:  # the disk stays logged in for the other terminals
                self._send(client, {"id": id_, "ok": {}})
                return
        job = _Job(client, id_, cmd, args)
        if cmd in LONG_COMMANDS:
            # Busy from the moment it is queued: nothing else waits behind a long command
            # for longer than its own client waits for a reply.
            self._running = job
            self._broadcast()
        self._jobs.put(job)

    # -- the disk ------------------------------------------------------------------------

    def _disk_loop(self) -> None:
        while not self.stopped.is_set():
            wait = max(0.0, self._last_poll + self.poll_interval - time.monotonic())
            try:
                job = self._jobs.get(timeout=min(wait, 0.2)) if wait > 0 else None
            except queue.Empty:
                continue
            try:
                if job is None:
                    self._poll()
                elif job.client is None or job.client.alive:
                    self._run(job)
                elif self._running is job:
                    self._running = None  # its terminal went away before it started
            except Exception:  # the service must outlive any one request
                log.exception("device service failed on a request")

    def _poll(self) -> None:
        self._last_poll = time.monotonic()
        if not self._connected and time.monotonic() < self._retry_at:
            return
        self.polls += 1
        try:
            if self._hello is None or not self._connected:
                hello = self.link.request("HELLO", {})
                if isinstance(hello, ErrorReply):
                    raise DiskProblem(hello.message)
                self._hello = hello.body
            reply = self.link.request("STATUS", {})
            if isinstance(reply, ErrorReply):
                raise DiskProblem(reply.message)
        except DiskProblem as exc:
            self._lost(exc)
            return
        self._backoff = self.poll_interval
        self._connected = True
        self._detail = ""
        if not reply.body.get("logged_in"):
            self._forget_logins()
        self._set_status(reply.body)

    def _lost(self, problem: Exception) -> None:
        """The disk is gone or silent: every terminal is told once, then retried with backoff."""
        self.link.close()
        self._forget_logins()  # the disk may have been power-cycled meanwhile
        self._hello = None
        self._retry_at = time.monotonic() + self._backoff
        self._backoff = min(self._backoff * 2, 4.0)
        news = self._connected or self._status is not None or not self._told_disconnected
        self._connected = False
        self._status = None
        self._detail = str(problem)
        if news:
            self._told_disconnected = True
            self._broadcast()

    def _forget_logins(self) -> None:
        self._disk_logged_in = False
        with self._clients_lock:
            for client in self._clients:
                client.logged_in = False

    @staticmethod
    def _comparable(body: JsonObject | None) -> object:
        if body is None:
            return None
        clock = str(body.get("clock", ""))
        # The time of day changes every poll; only a new day (days to the deadline) counts.
        return {**{k: v for k, v in body.items() if k != "clock"}, "day": clock[:10]}

    def _set_status(self, body: JsonObject) -> None:
        changed = self._comparable(body) != self._comparable(self._status)
        self._status = body
        if changed:
            self._told_disconnected = False
            self._broadcast()

    def _client_status(self, client: _Client) -> JsonObject:
        assert self._status is not None
        status = dict(self._status)
        status["logged_in"] = bool(status.get("logged_in")) and client.logged_in
        running = self._running
        if running is not None:
            status["busy"] = {"cmd": running.cmd, "txn": str(running.args.get("txn", "")),
                              "seq": None}  # fmt: skip
        return status

    def _status_event(self, client: _Client) -> JsonObject:
        connected = self._connected and self._status is not None
        return {"event": "status", "connected": connected,
                "status": self._client_status(client) if connected else None,
                "detail": self._detail}  # fmt: skip

    def _broadcast(self) -> None:
        with self._clients_lock:
            clients = list(self._clients)
        for client in clients:
            self._send(client, self._status_event(client))

    def _run(self, job: _Job) -> None:
        client = job.client
        # (a long command was marked running, and every terminal told, when it was queued)

        def forward(event: Event) -> None:
            if client is not None:
                self._send(client, {"event": "progress", "id": job.id, "progress": event.body})

        try:
            reply = self.link.request(job.cmd, job.args,
                                      progress=forward if job.cmd in LONG_COMMANDS else None)  # fmt: skip
        except DiskProblem as exc:
            code = E_NOT_ANSWERING if isinstance(exc, DiskNotAnswering) else E_UNREACHABLE
            if client is not None:
                self._reply_error(client, job.id, code, str(exc))
            self._lost(exc)
            return
        finally:
            if self._running is job:
                self._running = None
        if client is None:
            if job.cmd == "LOGOUT":
                self._disk_logged_in = False
            return
        if isinstance(reply, ErrorReply):
            fields = {k: v for k, v in reply.body.items() if k != "message"}
            if reply.code == "E_AUTH":
                self._forget_logins()  # the disk's login timed out for everyone
            self._reply_error(client, job.id, reply.code, reply.message, fields)
        else:
            if job.cmd == "LOGIN":
                client.logged_in = True
                self._disk_logged_in = True
            elif job.cmd == "LOGOUT":
                self._disk_logged_in = False
            self._send(client, {"id": job.id, "ok": reply.body})
            if job.cmd == "STATUS":
                self._connected = True
                self._set_status(reply.body)
                return
        if job.cmd in LONG_COMMANDS or job.cmd in ("LOGIN", "LOGOUT", "SIM"):
            self._last_poll = 0.0  # show the outcome to every terminal now
