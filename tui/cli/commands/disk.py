"""``fapiao sync`` (pull the disk's invoice records), ``fapiao device-service`` (the one process
that owns the disk's port, docs/disk-service.md) and ``fapiao device-sim`` (the simulator)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from devices.client import DiskClient
from devices.errors import DiskError, DiskUnreachable
from devices.pin import RejectedPins, check_pin_shape, keyring_pin, login_with_pin
from devices.service import DeviceService, ServiceAlreadyRunning, configured_socket
from devices.service_client import ServiceClient, who_holds
from devices.service_client import connect as service_connect
from devices.simulator import SCENARIOS, Disk, FaultPlan, SimServer, StateFile, build
from devices.sync import SyncResult, may_sync, sync_disk
from storage.config.secret_files import read_secret_file
from storage.errors import Unreachable, system_reason
from storage.messages import t
from tui.cli.context import CliContext
from tui.cli.errors import CliError, Exit


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sync = sub.add_parser("sync", help=t("cli.help.sync"))
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(handler=cmd_sync)

    sim = sub.add_parser("device-sim", help=t("cli.help.sim"))
    where = sim.add_mutually_exclusive_group()
    where.add_argument("--pty", action="store_true", help=t("cli.help.sim_pty"))
    where.add_argument("--tcp", metavar="HOST:PORT", help=t("cli.help.sim_tcp"))
    sim.add_argument("--state", metavar="FILE", help=t("cli.help.sim_state"))
    # the choices in the help text: listed in the usage line they made it 89 columns wide
    sim.add_argument("--scenario", choices=SCENARIOS, metavar="STATE",
                     help=t("cli.help.sim_scenario", choices="/".join(SCENARIOS)))  # fmt: skip
    sim.add_argument("--corrupt-rate", type=float, default=0.0, metavar="R",
                     help=t("cli.help.sim_corrupt_rate"))  # fmt: skip
    sim.add_argument("--drop-rate", type=float, default=0.0, metavar="R",
                     help=t("cli.help.sim_drop_rate"))  # fmt: skip
    sim.add_argument("--delay", type=float, default=0.0, metavar="S",
                     help=t("cli.help.sim_delay"))  # fmt: skip
    sim.add_argument("--disconnect-after", type=int, metavar="N",
                     help=t("cli.help.sim_disconnect_after"))  # fmt: skip
    sim.add_argument("--json", action="store_true")
    sim.set_defaults(handler=cmd_device_sim)

    service = sub.add_parser("device-service", help=t("cli.help.service"))
    service.add_argument("--socket", metavar="PATH",
                         help=t("cli.help.service_socket"))  # fmt: skip
    service.add_argument("--device", metavar="URL",
                         help=t("cli.help.service_device"))  # fmt: skip
    service.add_argument("--idle-exit", type=float, metavar="S",
                         help=t("cli.help.service_idle_exit"))  # fmt: skip
    service.add_argument("--json", action="store_true")
    service.set_defaults(handler=cmd_device_service)


# -- sync --------------------------------------------------------------------------------


def _pin() -> tuple[str, str]:
    """The disk PIN and where it came from (the file's path, "" when not from a file):
    FAPIAO_PIN_FILE (mode 0600), else the keyring, else the terminal."""
    path = os.environ.get("FAPIAO_PIN_FILE")
    if path:
        return read_secret_file(path), path
    stored = keyring_pin()  # None on a headless box with no keyring backend: ask instead
    if stored:
        return stored, ""
    if not sys.stdin.isatty():
        raise CliError("disk.no_terminal_pin")
    return getpass.getpass(t("disk.pin_prompt")), ""


def cmd_sync(ctx: CliContext) -> int:
    session = ctx.session()
    may_sync(session)  # before a PIN is asked for or the disk opened
    url = ctx.settings.device_url
    if not url:
        raise CliError("disk.no_device")
    pin, source = _pin()
    check_pin_shape(pin.strip(), source)  # before the disk is even opened
    rejected = RejectedPins.in_memory() if ctx.demo else RejectedPins.default()
    with _disk_client(ctx) as client:
        device_id = client.hello().device_id

        def log_in() -> None:  # once per run; a rejected PIN is remembered, never resent
            login_with_pin(client, pin, source=source, rejected=rejected, device_id=device_id)

        log_in()
        result = sync_disk(session, client, relogin=log_in)
        # The records are saved; a refused logout changes nothing for the user.
        with contextlib.suppress(DiskError):
            client.logout()
    ctx.emit(_sync_text(result), _sync_json(result))
    return Exit.OK


def _socket_path(ctx: CliContext) -> tuple[Path, bool]:
    """The service's socket and whether it is configured explicitly (then never spawned)."""
    given = getattr(ctx.args, "socket", None)
    if isinstance(given, str) and given:
        return Path(given), True
    return configured_socket(ctx.settings)


def _disk_client(ctx: CliContext) -> DiskClient:
    """The disk through the running device service; with none running, the port itself, held
    exclusively for this one command (a port someone holds is refused, naming who)."""
    url = ctx.settings.device_url
    path, _ = _socket_path(ctx)
    try:
        connection = service_connect(path)
    except DiskUnreachable:
        try:
            return DiskClient.connect(url)
        except DiskUnreachable as exc:
            if exc.in_use:
                raise _held(url, path) from exc
            raise
    connection.first_status.wait(2.0)
    device = connection.service.get("device_url")
    if device != url:
        connection.close()
        raise DiskUnreachable(url, f"{path} → {device}")
    return ServiceClient(connection)


def _held(url: str, path: Path) -> Unreachable:
    """The port is held by another process: say who (the service, or which program)."""
    return Unreachable("disk_live.port_in_use", url=url, holder=who_holds(url, path))


def _sync_text(result: SyncResult) -> str:
    return t("disk.synced", device=result.device_id, added=result.added, updated=result.updated,
             unchanged=result.unchanged, conflicts=result.conflicts, last_seq=result.last_seq)  # fmt: skip


def _sync_json(result: SyncResult) -> dict[str, object]:
    return {"device_id": result.device_id, "fetched": result.fetched, "added": result.added,
            "updated": result.updated, "unchanged": result.unchanged,
            "conflicts": result.conflicts, "last_seq": result.last_seq}  # fmt: skip


# -- device-service ----------------------------------------------------------------------


def cmd_device_service(ctx: CliContext) -> int:
    args = ctx.args
    url = args.device or ctx.settings.device_url
    if not url:
        raise CliError("disk.no_device")
    path, _ = _socket_path(ctx)
    service = DeviceService(url, path, idle_exit=args.idle_exit)
    try:
        service.link.open()  # the port first: a second owner is refused here, not later
    except DiskUnreachable as exc:
        if exc.in_use:
            raise _held(url, path) from exc
        raise
    try:
        service.start()
    except ServiceAlreadyRunning:
        service.link.close()
        raise
    except OSError as exc:
        service.link.close()
        raise DiskUnreachable(str(path), system_reason(exc)) from exc

    def on_signal(signum: int, frame: FrameType | None) -> None:
        service.stopped.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(t("disk_live.service_started", device=url, socket=path), file=sys.stderr, flush=True)
        service.wait()
    finally:
        service.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print(t("disk_live.service_stopped"), file=sys.stderr, flush=True)
    return Exit.OK


# -- device-sim --------------------------------------------------------------------------


def cmd_device_sim(ctx: CliContext) -> int:
    args = ctx.args
    store = StateFile(args.state)
    if store.exists() and args.scenario is None:
        try:
            state = store.load()
        except (OSError, ValueError, TypeError) as exc:
            detail = system_reason(exc) if isinstance(exc, OSError) else exc
            raise CliError("disk.sim_bad_state", path=args.state, detail=detail) from exc
    else:
        state = build(args.scenario or "report_due")
        store.save(state)
    for name in ("corrupt_rate", "drop_rate"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            raise CliError("cli.usage_error", detail=f"--{name.replace('_', '-')} 0..1")
    faults = FaultPlan(corrupt_rate=args.corrupt_rate, drop_rate=args.drop_rate,
                       delay=max(0.0, args.delay), disconnect_after=args.disconnect_after)  # fmt: skip
    server = SimServer(Disk(state, store, faults=faults))
    try:
        if args.tcp:
            host, sep, port = args.tcp.rpartition(":")
            if not sep or not host or not port.isdigit():
                raise CliError("disk.sim_bad_address", address=args.tcp)
            address = server.start_tcp(host, int(port))
        else:
            address = server.start_pty()
    except OSError as exc:
        raise DiskUnreachable(args.tcp or "pty", system_reason(exc)) from exc
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if ctx.as_json:
            print(json.dumps({"address": address}), flush=True)
        else:
            print(address, flush=True)  # first line: what to give the app as device_url
            print(t("disk.sim_listening", address=address), file=sys.stderr, flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    print(t("disk.sim_stopped"), file=sys.stderr, flush=True)
    return Exit.OK
