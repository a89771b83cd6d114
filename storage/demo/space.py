"""The demo: a throwaway folder per run holding its own store (seeded with a realistic month
and the public demo users), backups, reports, log and keys, removed when the run ends (or,
when the run was killed or hung up with its SSH line, by the next demo: ``sweep_abandoned``).

While the demo runs, the process forgets the real configuration (``demo_space``): the
``FAPIAO_*`` variables that point at real data, the config file and the keyring. So the public
demo log-ins can never reach a real store, backup folder, passphrase or report, and every run
starts fresh (no lock-out or key survives it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from storage.config.settings import Settings, data_dir, load_settings
from storage.local_process import alive

DEMO_BRANCH = "总部"
OTHER_BRANCH = "上海分公司"
DEMO_INVOICES = 6000
DEMO_RECEIVED = 60
#: The public demo accounts (name = password) and their passwords' argon2id hashes, made once
#: at the store's setting: hashing both cost ~90 ms of every demo start. A test checks they
#: still verify and need no rehash (regenerate with ``storage.accounts.users.hash_password``).
DEMO_PASSWORD_HASHES = {
    "clerk": "$argon2id$v=19$m=19456,t=2,p=1$+NuS35FNAL21J4nWo4nFFA$AyucpZNEG9OKSV36SHoSO8Bu/eHuBtIPImeCb982FQo",
    "super": "$argon2id$v=19$m=19456,t=2,p=1$O8LNUIzZK2907p/UKaOxdA$CwtUAbZf0GQIpseOlgJL0KnhG0Gyr47WJtgWrVLpFnI",
}
#: Invoices per write while seeding: the run's peak memory stays that of a few hundred rows
#: (2,000 at once left ~5 MiB more behind in the app for the whole demo), at the same speed.
_SEED_BATCH = 500

#: Set while a demo runs (to its folder): the keyring is not used then (``backup.secrets``).
DEMO_DIR_ENV = "FAPIAO_DEMO_DIR"
#: The variables a demo keeps: who is asking and how, never where real data lives.
_KEPT_ENV = ("FAPIAO_USER", "FAPIAO_PASSWORD_FILE", "FAPIAO_LANG", "FAPIAO_LOG_LEVEL")


#: In each demo folder: the process it belongs to, so a later demo can tell one whose
#: process is gone (``sweep_abandoned``).
OWNER_FILE = "owner.pid"
_PREFIX = "fapiao-demo-"


@contextlib.contextmanager
def demo_space(language: str) -> Iterator[Settings]:
    """A fresh demo folder and settings pointing only into it, for one run; afterwards the
    environment is as it was and the folder is gone. Folders that earlier demos could not
    remove (their process was killed, or hung up with the SSH line) go too, in a thread."""
    folder = demo_folder()
    threading.Thread(target=sweep_abandoned, args=(folder.parent,), daemon=True,
                     name="demo-sweep").start()  # fmt: skip
    saved = {k: v for k, v in os.environ.items() if k.startswith("FAPIAO_")}
    try:
        for name in saved:
            if name not in _KEPT_ENV:
                del os.environ[name]
        config = folder / "config.toml"  # an empty config of its own: no real one is read
        config.write_text(f'language = "{language}"\n', encoding="utf-8")
        os.environ.update({"FAPIAO_CONFIG": str(config), "FAPIAO_DATA_DIR": str(folder),
                           DEMO_DIR_ENV: str(folder)})  # fmt: skip
        yield load_settings({})
    finally:
        for name in [k for k in os.environ if k.startswith("FAPIAO_")]:
            del os.environ[name]
        os.environ.update(saved)
        shutil.rmtree(folder, ignore_errors=True)


def demo_folder() -> Path:
    """A new folder (0700) for a demo's files, naming this process (``sweep_abandoned``)."""
    folder = Path(tempfile.mkdtemp(prefix=_PREFIX))
    (folder / OWNER_FILE).write_text(str(os.getpid()), encoding="ascii")
    return folder


def sweep_abandoned(parent: Path) -> list[Path]:
    """Remove the demo folders under ``parent`` whose process is gone (a demo's store, ~4 MiB,
    was left behind each time one was killed); returns them. Only this user's own folders
    that name their process, never a live one's, never a link."""
    removed = []
    for folder in parent.glob(_PREFIX + "*"):
        try:
            info = folder.lstat()
            if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
                continue
            pid = int((folder / OWNER_FILE).read_text(encoding="ascii"))
        except (OSError, ValueError):
            continue  # not a demo folder of this user's, or one that names no process
        if alive(pid):  # this process, or another demo still running
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def demo_store_path() -> Path:
    return data_dir() / "demo" / "fapiao-demo.db"


def prepare_demo_store(path: Path | None = None, *, today: dt.date | None = None) -> str:
    """Open (and on first use seed) the demo store; returns its URL, models bound to it."""
    # The store's modules (peewee, argon2…) load here, not with ``demo_space``: ``fapiao --demo``
    # shows its first frame before them.
    from storage.accounts.users import add_user
    from storage.demo.data import generate_invoices, received_invoices
    from storage.store.database import open_database, write
    from storage.store.invoice_store import count_invoices, seed_invoices
    from storage.store.models import Role, User
    from storage.store.schema import upgrade

    path = path or demo_store_path()
    url = f"sqlite:///{path}"
    db = open_database(url)
    upgrade(db)
    if not User.select().where(User.demo == True).exists():  # noqa: E712 (peewee expression)
        add_user("clerk", "clerk", role=Role.CLERK, branch=DEMO_BRANCH, demo=True,
                 known_hash=DEMO_PASSWORD_HASHES["clerk"])  # fmt: skip
        add_user("super", "super", role=Role.SUPERVISOR, branch=DEMO_BRANCH, all_branches=True,
                 demo=True, known_hash=DEMO_PASSWORD_HASHES["super"])  # fmt: skip
    if count_invoices() == 0:
        records = generate_invoices(
            DEMO_INVOICES,
            seed=2026,
            end=today or dt.date.today(),
            days=30,
            branches=(DEMO_BRANCH, OTHER_BRANCH),
            other_branch_share=0.08,
            parties=400,
        )
        # Generated here, so new and distinct: none of ``save_invoices``' checks of stored ones.
        seed_invoices(records, branch=DEMO_BRANCH, batch=_SEED_BATCH)
        write(_synced_each_evening)
        # what the business bought: the invoices F9 marks 入账 / 报销 on the lookup list
        seed_invoices(received_invoices(DEMO_RECEIVED, seed=2027, end=today or dt.date.today()),
                      branch=DEMO_BRANCH)  # fmt: skip
    return url


def _synced_each_evening() -> None:
    """The demo's disk invoices were synced the evening of their day (not at seeding time, so
    the demo, its screenshots and their tests read the same on any day)."""
    from storage.store.models import Invoice, Source

    days = Invoice.select(Invoice.date).where(Invoice.source == Source.DISK.value).distinct()
    for (day,) in days.tuples():
        evening = dt.datetime.combine(day, dt.time(18, 30))
        Invoice.update(synced_at=evening).where(
            (Invoice.source == Source.DISK.value) & (Invoice.date == day)
        ).execute()
