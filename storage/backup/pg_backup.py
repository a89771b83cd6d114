"""PostgreSQL stores: full backups through ``pg_dump`` (custom format), restored with
``pg_restore``. Incrementals on PostgreSQL belong to its own WAL archiving, not to this app.

The dump and the row counts come from one exported snapshot, so the counts in the manifest
describe exactly what the dump holds.
"""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import peewee

from storage.backup.errors import BackupError, BackupUnreachable

if TYPE_CHECKING:
    # psycopg loads on the first connection: a SQLite store's backups, restores and clears
    # (whose modules import this one) need not load PostgreSQL's driver (~0.2 s).
    import psycopg

PIECE = 1 << 20


@dataclass(frozen=True)
class PgTarget:
    """Where a PostgreSQL database is: connection fields, never printed with the password."""

    dbname: str
    user: str | None
    password: str | None
    host: str
    port: int

    @classmethod
    def of(cls, db: peewee.Database) -> PgTarget:
        params: dict[str, Any] = dict(db.connect_params)
        return cls(str(db.database), params.get("user"), params.get("password"),
                   str(params.get("host") or "127.0.0.1"), int(params.get("port") or 5432))  # fmt: skip

    def label(self) -> str:
        return f"postgresql://{self.host}:{self.port}/{self.dbname}"

    def with_db(self, dbname: str) -> PgTarget:
        return PgTarget(dbname, self.user, self.password, self.host, self.port)

    def connect(self, **extra: Any) -> psycopg.Connection[Any]:
        import psycopg

        try:
            return psycopg.connect(dbname=self.dbname, user=self.user, password=self.password,
                                   host=self.host, port=self.port, connect_timeout=10, **extra)  # fmt: skip
        except psycopg.OperationalError as exc:
            raise BackupUnreachable("backup.store_unreachable", detail=type(exc).__name__) from exc

    def tool_args(self) -> list[str]:
        args = ["-h", self.host, "-p", str(self.port), "-d", self.dbname]
        return [*args, "-U", self.user] if self.user else args

    def tool_env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        if self.password:
            env["PGPASSWORD"] = self.password  # the child's environment only, never a file
        return env


def tool(name: str) -> str:
    """``pg_dump``/``pg_restore`` of the newest installed PostgreSQL, else from PATH."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)  # fmt: skip
    path = found[-1] if found else shutil.which(name)
    if not path:
        raise BackupError("backup.pg_tool_missing", tool=name)
    return path


def row_counts(conn: psycopg.Connection[Any]) -> dict[str, int]:
    from psycopg import sql

    names = [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]  # fmt: skip
    return {n: int(conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(n)))
                   .fetchone()[0]) for n in names}  # type: ignore[index]  # fmt: skip


def dump(target: PgTarget, sink: Callable[[bytes], None]) -> dict[str, int]:
    """Stream a custom-format dump into ``sink``; returns the row counts of the same snapshot."""
    with target.connect() as conn:
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]  # type: ignore[index]
        counts = row_counts(conn)
        # stderr goes to a file, not a pipe: a chatty tool can't fill it and stall the dump
        with tempfile.TemporaryFile() as stderr:
            proc = subprocess.Popen(
                [tool("pg_dump"), "-Fc", "-Z", "0", f"--snapshot={snapshot}", "--no-password",
                 *target.tool_args()],
                stdout=subprocess.PIPE, stderr=stderr, stdin=subprocess.DEVNULL,
                env=target.tool_env(),
            )  # fmt: skip
            assert proc.stdout is not None
            try:
                while piece := proc.stdout.read(PIECE):
                    sink(piece)
            finally:
                code = proc.wait()
                err = _read_back(stderr)
        conn.rollback()
    if code != 0:
        raise BackupError("backup.pg_dump_failed", detail=err.strip().splitlines()[-1:] or code)
    return counts


def restore(pieces: Iterable[bytes], target: PgTarget, *, clean: bool) -> None:
    """Feed a dump to ``pg_restore`` into ``target`` (replacing its objects when ``clean``)."""
    args = [tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction",
            "--no-password", *target.tool_args()]  # fmt: skip
    if clean:
        args[1:1] = ["--clean", "--if-exists"]
    with tempfile.TemporaryFile() as stderr:  # a file: a chatty tool can't stall on a pipe
        proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                stderr=stderr, env=target.tool_env())  # fmt: skip
        assert proc.stdin is not None
        try:
            for piece in pieces:
                proc.stdin.write(piece)
        except BrokenPipeError:
            pass
        except BaseException:
            proc.kill()
            proc.wait()
            raise
        finally:
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.close()
        code = proc.wait()
        err = _read_back(stderr)
    if code != 0:
        raise BackupError("backup.pg_restore_failed", detail=err.strip().splitlines()[-1:])


def _read_back(stderr: IO[bytes]) -> str:
    stderr.seek(0)
    return stderr.read().decode("utf-8", "replace")


@contextlib.contextmanager
def scratch_database(target: PgTarget) -> Iterator[PgTarget]:
    """A new, empty database on the same server, dropped afterwards."""
    from psycopg import sql

    name = f"fapiao_verify_{secrets.token_hex(6)}"
    with target.connect(autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield target.with_db(name)
    finally:
        with target.connect(autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def counts_of(target: PgTarget) -> dict[str, int]:
    with target.connect() as conn:
        return row_counts(conn)
