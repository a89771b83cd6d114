"""``fapiao sync`` (pull the disk's invoice records) and ``fapiao device-sim`` (the simulator)."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import json
import os
import signal
import sys
import threading
from types import FrameType

from devices.client import DiskClient
from devices.errors import (
    BadReply,
    DiskError,
    DiskNotAnswering,
    DiskUnreachable,
    PinLocked,
    WrongPin,
)
from devices.simulator import SCENARIOS, Disk, FaultPlan, SimServer, StateFile, build
from devices.sync import SyncResult, sync_invoices
from storage.messages import both, t
from storage.permissions import Permission, PermissionDenied, require
from storage.secret_files import SecretFileError, read_secret_file
from tui.cli.context import CliContext
from tui.cli.errors import CliError, Exit

KEYRING_SERVICE = "fapiao"
KEYRING_PIN = "disk-pin"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sync = sub.add_parser("sync", help="从税控盘同步发票 / pull invoices from the disk")
    sync.add_argument("--json", action="store_true")
    sync.set_defaults(handler=cmd_sync)

    sim = sub.add_parser("device-sim", help="模拟税控盘 / the disk simulator")
    where = sim.add_mutually_exclusive_group()
    where.add_argument("--pty", action="store_true", help="在伪终端上提供（默认）/ serve on a pty")
    where.add_argument("--tcp", metavar="HOST:PORT", help="在 TCP 地址上提供 / serve on TCP")
    sim.add_argument("--state", metavar="FILE", help="状态文件（JSON）/ state file")
    sim.add_argument("--scenario", choices=SCENARIOS,
                     help="初始状态（默认 report_due）/ starting state")  # fmt: skip
    sim.add_argument("--corrupt-rate", type=float, default=0.0, metavar="R",
                     help="损坏一个字节的帧的比例 / share of frames with a damaged byte")  # fmt: skip
    sim.add_argument("--drop-rate", type=float, default=0.0, metavar="R",
                     help="丢弃的回复比例 / share of replies dropped")  # fmt: skip
    sim.add_argument("--delay", type=float, default=0.0, metavar="S",
                     help="每个回复前的延迟秒数 / seconds before each reply")  # fmt: skip
    sim.add_argument("--disconnect-after", type=int, metavar="N",
                     help="收到 N 个请求后断开一次 / cut the link once after N requests")  # fmt: skip
    sim.set_defaults(handler=cmd_device_sim)


# -- sync --------------------------------------------------------------------------------


def _pin() -> str:
    """The disk PIN: FAPIAO_PIN_FILE (mode 0600), else the keyring, else the terminal."""
    path = os.environ.get("FAPIAO_PIN_FILE")
    if path:
        try:
            return read_secret_file(path)
        except SecretFileError as exc:
            raise CliError(str(exc), Exit.USAGE) from exc
    try:
        import keyring
        import keyring.errors

        try:
            stored = keyring.get_password(KEYRING_SERVICE, KEYRING_PIN)
        except (keyring.errors.KeyringError, RuntimeError):
            stored = None  # no keyring backend on a headless box: ask instead
        if stored:
            return stored
    except ImportError:  # pragma: no cover - keyring is a dependency
        pass
    if not sys.stdin.isatty():
        raise CliError(both("disk.no_terminal_pin"), Exit.USAGE)
    return getpass.getpass(t("disk.pin_prompt"))


def cmd_sync(ctx: CliContext) -> int:
    session = ctx.session()
    try:
        require(session, Permission.SYNC)
    except PermissionDenied as exc:
        raise CliError(str(exc), Exit.FAILED) from exc
    url = ctx.settings.device_url
    if not url:
        raise CliError(both("disk.no_device"), Exit.USAGE)
    pin = _pin()
    try:
        with DiskClient.connect(url) as client:
            client.login(pin)  # once: a wrong PIN is reported, never retried
            result = sync_invoices(client, branch=session.branch)
            # The records are saved; a refused logout changes nothing for the user.
            with contextlib.suppress(DiskError):
                client.logout()
    except (DiskUnreachable, DiskNotAnswering) as exc:
        raise CliError(str(exc), Exit.UNREACHABLE) from exc
    except WrongPin as exc:
        raise CliError(t("disk.wrong_pin", n=exc.tries_left if exc.tries_left is not None else "?"),
                       Exit.FAILED) from exc  # fmt: skip
    except (PinLocked, DiskError) as exc:
        raise CliError(t("disk.refused", message=exc.message, code=exc.code), Exit.FAILED) from exc
    except BadReply as exc:
        raise CliError(str(exc), Exit.FAILED) from exc
    ctx.emit(_sync_text(result), _sync_json(result))
    return Exit.OK


def _sync_text(result: SyncResult) -> str:
    return t("disk.synced", device=result.device_id, added=result.added, updated=result.updated,
             unchanged=result.unchanged, conflicts=result.conflicts, last_seq=result.last_seq)  # fmt: skip


def _sync_json(result: SyncResult) -> dict[str, object]:
    return {"device_id": result.device_id, "fetched": result.fetched, "added": result.added,
            "updated": result.updated, "unchanged": result.unchanged,
            "conflicts": result.conflicts, "last_seq": result.last_seq}  # fmt: skip


# -- device-sim --------------------------------------------------------------------------


def cmd_device_sim(ctx: CliContext) -> int:
    args = ctx.args
    store = StateFile(args.state)
    if store.exists() and args.scenario is None:
        try:
            state = store.load()
        except (OSError, ValueError, TypeError) as exc:
            raise CliError(both("disk.sim_bad_state", path=args.state, detail=exc), Exit.USAGE) from exc
    else:
        state = build(args.scenario or "report_due")
        store.save(state)
    for name in ("corrupt_rate", "drop_rate"):
        if not 0.0 <= getattr(args, name) <= 1.0:
            raise CliError(both("cli.usage_error", detail=f"--{name.replace('_', '-')} 0..1"),
                           Exit.USAGE)  # fmt: skip
    faults = FaultPlan(corrupt_rate=args.corrupt_rate, drop_rate=args.drop_rate,
                       delay=max(0.0, args.delay), disconnect_after=args.disconnect_after)  # fmt: skip
    server = SimServer(Disk(state, store, faults=faults))
    try:
        if args.tcp:
            host, sep, port = args.tcp.rpartition(":")
            if not sep or not host or not port.isdigit():
                raise CliError(both("disk.sim_bad_address", address=args.tcp), Exit.USAGE)
            address = server.start_tcp(host, int(port))
        else:
            address = server.start_pty()
    except OSError as exc:
        raise CliError(both("disk.unreachable", url=args.tcp or "pty", detail=exc),
                       Exit.UNREACHABLE) from exc  # fmt: skip
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
