"""peewee for a SQLite store without PostgreSQL's driver.

peewee and its migrator (``playhouse.migrate``, through ``playhouse.postgres_ext``) import
``psycopg`` at their own import whenever it is installed, whatever the store: some 75 modules,
~11 MiB resident and ~0.2 s, on every terminal's screen. A process that knows its store is
SQLite (the screen, the demo) loads them through ``load_peewee`` first: they then go on as they
do where no PostgreSQL driver is installed. ``psycopg`` stays importable afterwards for code
that wants it by name (``storage.backup.pg_backup``).
"""

from __future__ import annotations

import importlib
import sys
import threading

#: The PostgreSQL drivers peewee tries at its import (peewee.py, the ``try: import`` blocks).
_POSTGRES_DRIVERS = ("psycopg", "psycopg2", "psycopg2cffi")
#: What the store's modules import that reaches for them (``storage.store.schema`` migrates).
_PEEWEE = ("peewee", "playhouse.migrate")
_loading = threading.Lock()  # the store's thread and the demo disk's both get here at start


def load_peewee(url: str) -> None:
    """Import peewee for the store at ``url``: without the PostgreSQL driver for a SQLite one.
    Nothing changes for what is loaded already (it keeps what it found)."""
    with _loading:
        if not url.startswith("sqlite:") or all(name in sys.modules for name in _PEEWEE):
            return
        hidden = [name for name in _POSTGRES_DRIVERS if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]  # import raises ImportError
        try:
            for module in _PEEWEE:
                importlib.import_module(module)
        finally:
            for name in hidden:
                if sys.modules.get(name, ()) is None:
                    del sys.modules[name]
