"""Throwaway PostgreSQL clusters for the test suite.

Plain Python (no pytest import), so it can be used from a conftest, a
benchmark or by hand::

    from tests.support.pgcluster import start_cluster

    with start_cluster() as cluster:
        print(cluster.url)   # postgresql://fapiao@127.0.0.1:PORT/fapiao_test

How the cluster is made:

* The server binaries are looked up in ``/usr/lib/postgresql/*/bin``
  (Debian's ``postgresql-NN`` packages; highest version wins) and then on
  ``PATH``. ``scripts/ensure-system-deps`` installs ``postgresql-15``.
* A temp dir holds the data directory, the Unix socket and the server log.
* ``initdb`` refuses to run as root, so when this process is root the temp
  dir is chowned to the ``postgres`` system user and ``initdb``/``pg_ctl``
  run through ``runuser -u postgres --`` (or ``setpriv``). Otherwise they
  run directly as the current user.
* The server listens on 127.0.0.1 only, on a free port, with trust auth for
  the superuser ``fapiao``, and with fsync/synchronous_commit/
  full_page_writes off (the data is disposable). The database
  ``fapiao_test`` is created in it.

Using an existing server instead:
    If the environment variable ``FAPIAO_TEST_PG_URL`` is set (for example
    ``postgresql://me@127.0.0.1:5432/fapiao_test``), no cluster is started
    and that URL is used as is; :func:`pg_url_from_env_or_start` returns it
    with no stopper. The database it names must exist, and the tests may
    create and drop tables in it. Under pytest-xdist each worker instead
    creates (and at the end drops) a database of its own beside it,
    ``fapiao_test_gw0`` and so on, so the role needs CREATEDB.

Under pytest-xdist, without that variable, the controlling process starts one
cluster before the workers (``tests/conftest.py``), and each worker makes a
database of its own on it, as above.
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from urllib.parse import urlsplit, urlunsplit

ENV_URL = "FAPIAO_TEST_PG_URL"
DB_USER = "fapiao"
DB_NAME = "fapiao_test"
_SERVICE_USER = "postgres"
_LOG_TAIL_LINES = 40


class ClusterError(RuntimeError):
    """A throwaway cluster could not be set up."""


def _pg_version_key(bindir: str) -> tuple[int, ...]:
    # /usr/lib/postgresql/15/bin -> (15,)
    version = Path(bindir).parent.name
    parts: list[int] = []
    for piece in version.split("."):
        if not piece.isdigit():
            return (-1,)
        parts.append(int(piece))
    return tuple(parts)


def find_pg_bindir() -> Path:
    """Directory holding ``initdb`` and ``pg_ctl``."""
    candidates = [
        d
        for d in glob.glob("/usr/lib/postgresql/*/bin")
        if os.access(os.path.join(d, "initdb"), os.X_OK)
        and os.access(os.path.join(d, "pg_ctl"), os.X_OK)
    ]
    if candidates:
        return Path(max(candidates, key=_pg_version_key))
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl", path=str(Path(initdb).parent)):
        return Path(initdb).parent
    raise ClusterError(
        "PostgreSQL server binaries (initdb, pg_ctl) not found in "
        "/usr/lib/postgresql/*/bin or on PATH; run scripts/ensure-system-deps "
        f"(installs postgresql-15), or set {ENV_URL} to an existing database"
    )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError as exc:
        return f"(no log at {path}: {exc})"
    return "\n".join(text.splitlines()[-lines:])


def _as_service_user_prefix() -> list[str]:
    """Command prefix that runs a command as the ``postgres`` user (root only)."""
    if shutil.which("runuser"):
        return ["runuser", "-u", _SERVICE_USER, "--"]
    if shutil.which("setpriv"):
        return [
            "setpriv",
            f"--reuid={_SERVICE_USER}",
            f"--regid={_SERVICE_USER}",
            "--init-groups",
            "--",
        ]
    raise ClusterError("running as root, but neither runuser nor setpriv is installed")


class Cluster:
    """A running throwaway cluster. ``stop()`` shuts it down and deletes it."""

    def __init__(
        self,
        *,
        bindir: Path,
        basedir: Path,
        port: int,
        prefix: Sequence[str],
    ) -> None:
        self.bindir = bindir
        self.basedir = basedir
        self.datadir = basedir / "data"
        self.logfile = basedir / "postgres.log"
        self.port = port
        self.host = "127.0.0.1"
        self.user = DB_USER
        self.dbname = DB_NAME
        self._prefix = list(prefix)
        self._running = False

    @property
    def url(self) -> str:
        return f"postgresql://{self.user}@{self.host}:{self.port}/{self.dbname}"

    def admin_url(self) -> str:
        """URL of the always-present ``postgres`` maintenance database."""
        return f"postgresql://{self.user}@{self.host}:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [*self._prefix, str(self.bindir / tool), *args]
        return subprocess.run(
            cmd,
            cwd=self.basedir,  # the postgres user may not be able to read our cwd
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )

    def _fail(self, what: str, proc: subprocess.CompletedProcess[str] | None) -> ClusterError:
        parts = [f"{what} failed (cluster dir {self.basedir})"]
        if proc is not None:
            parts.append(f"command: {' '.join(proc.args)}")
            parts.append(f"exit code: {proc.returncode}")
            if proc.stdout.strip():
                parts.append("stdout:\n" + proc.stdout.strip())
            if proc.stderr.strip():
                parts.append("stderr:\n" + proc.stderr.strip())
        parts.append(f"log tail ({self.logfile}):\n{_tail(self.logfile)}")
        return ClusterError("\n".join(parts))

    def _initdb(self) -> None:
        last: subprocess.CompletedProcess[str] | None = None
        for locale in ("C.UTF-8", "C"):
            if self.datadir.exists():
                shutil.rmtree(self.datadir, ignore_errors=True)
            last = self._run(
                "initdb",
                "-D", str(self.datadir),
                "-A", "trust",
                "-U", DB_USER,
                "--encoding", "UTF8",
                "--locale", locale,
                "--no-sync",
            )  # fmt: skip
            if last.returncode == 0:
                return
        raise self._fail("initdb", last)

    def _start(self) -> subprocess.CompletedProcess[str]:
        opts = (
            f"-c listen_addresses={self.host} -p {self.port} -k {self.basedir}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        return self._run(
            "pg_ctl",
            "-D", str(self.datadir),
            "-l", str(self.logfile),
            "-w", "-t", "60",
            "-o", opts,
            "start",
        )  # fmt: skip

    def _createdb(self) -> None:
        try:
            import psycopg  # local: keep the module importable without it
        except ImportError:
            self._createdb_cli()
            return

        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.admin_url(), autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f'CREATE DATABASE "{self.dbname}"')
                return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise self._fail(f"creating database {self.dbname}: {exc}", None) from exc
                time.sleep(0.2)

    def _createdb_cli(self) -> None:
        proc = subprocess.run(
            [
                str(self.bindir / "createdb"),
                "-h", self.host,
                "-p", str(self.port),
                "-U", self.user,
                self.dbname,
            ],
            cwd=self.basedir,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
        )  # fmt: skip
        if proc.returncode != 0:
            raise self._fail(f"creating database {self.dbname}", proc)

    def start(self, *, port_attempts: int = 5) -> None:
        self._initdb()
        proc: subprocess.CompletedProcess[str] | None = None
        for _ in range(port_attempts):
            log_offset = self.logfile.stat().st_size if self.logfile.exists() else 0
            proc = self._start()
            if proc.returncode == 0:
                break
            # Lost a race for the port? Pick another one and try again.
            with self.logfile.open(errors="replace") as log:
                log.seek(log_offset)
                new_log = log.read()
            if "could not bind" in new_log or "already in use" in new_log:
                self.port = _free_port()
                continue
            raise self._fail("pg_ctl start", proc)
        else:
            raise self._fail("pg_ctl start", proc)
        self._running = True
        self._createdb()

    def stop(self) -> None:
        """Stop the server (immediate mode) and delete the cluster dir. Idempotent."""
        if self._running:
            self._running = False
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.basedir, ignore_errors=True)

    def __enter__(self) -> Cluster:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "running" if self._running else "stopped"
        return f"<Cluster {self.url} {state} at {self.basedir}>"


def start_cluster() -> Cluster:
    """Start a fresh cluster and return it; the caller must ``stop()`` it
    (or use it as a context manager). An atexit hook stops it as a last resort."""
    bindir = find_pg_bindir()
    as_root = os.geteuid() == 0
    prefix: list[str] = []
    if as_root:
        try:
            service = pwd.getpwnam(_SERVICE_USER)
        except KeyError as exc:
            raise ClusterError(
                f"running as root and there is no '{_SERVICE_USER}' user to run "
                "initdb as; install postgresql-15 (scripts/ensure-system-deps)"
            ) from exc
        prefix = _as_service_user_prefix()
        # The postgres user must be able to reach the dir: use /tmp, not a
        # TMPDIR that may sit under /root.
        basedir = Path(tempfile.mkdtemp(prefix="fapiao-pg-", dir="/tmp"))
        os.chown(basedir, service.pw_uid, service.pw_gid)
    else:
        basedir = Path(tempfile.mkdtemp(prefix="fapiao-pg-"))
    os.chmod(basedir, 0o700)

    cluster = Cluster(bindir=bindir, basedir=basedir, port=_free_port(), prefix=prefix)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    atexit.register(cluster.stop)
    return cluster


def database_of_its_own(url: str, suffix: str) -> tuple[str, Callable[[], None]]:
    """A fresh database ``<name>_<suffix>`` on the server of ``url``, and its dropper.

    Parallel test processes sharing one server each reset their own database, never
    another's (the tests drop and recreate the ``public`` schema)."""
    import psycopg  # local: keep the module importable without it

    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/') or DB_NAME}_{suffix}"
    own = urlunsplit(parts._replace(path=f"/{name}"))

    def drop() -> None:
        with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()  # a run killed before its teardown may have left it
    with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return own, drop


def pg_url_from_env_or_start(
    worker: str = "", url: str | None = None
) -> tuple[str, Callable[[], None] | None]:
    """Return ``(url, stopper)``.

    ``url`` (else ``FAPIAO_TEST_PG_URL``) names a server to use: the test suite's controlling
    process starts one cluster for all its workers and passes its URL on. If it is set, return ``(that_url, None)``
    without starting anything; with ``worker`` (a parallel test process's name), a
    database of that worker's own on that server, dropped by the stopper. Otherwise start
    a throwaway cluster, one per process, and return ``(cluster.url, cluster.stop)``.
    """
    url = (url or os.environ.get(ENV_URL, "")).strip()
    if url:
        if worker:
            return database_of_its_own(url, worker)
        return url, None
    cluster = start_cluster()
    return cluster.url, cluster.stop


if __name__ == "__main__":  # manual smoke test: python -m tests.support.pgcluster
    import psycopg

    with start_cluster() as c:
        print("started", c)
        with psycopg.connect(c.url) as conn:
            row = conn.execute("select 1, current_user, current_database(), version()").fetchone()
            print("query:", row)
    print("stopped; dir removed:", not c.basedir.exists())
