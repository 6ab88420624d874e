"""Real PostgreSQL and Redis servers for the tests, on free loopback ports.

Each server runs from a temporary directory, listens on ``127.0.0.1`` only, and is
stopped (and its directory removed) when the test session ends. Nothing is skipped:
when a server's binaries are missing, the fixture raises :class:`ServerUnavailable`
naming what to install.

Fixtures:

``postgresql_server``
    session-scoped :class:`PostgreSQLServer`.
``postgresql_url``
    session-scoped SQLAlchemy URL of one database shared by the session.
``fresh_postgresql_url``
    function-scoped SQLAlchemy URL of a new, empty database, dropped after the test.
``redis_server``
    session-scoped :class:`RedisServer` with ``.url``, ``.stop()``, ``.kill()`` and
    ``.start()`` (again on the same port).
``redis_url``
    function-scoped URL of the session's Redis, running and flushed.

Use them with ``pytest_plugins = ["tests.servers"]`` in the top conftest, or by
importing the fixture names. A test that stops or kills its server starts one of its own
with :func:`running_postgresql` or :func:`running_redis` (the fault tests do), so no
other test is disturbed; a PostgreSQL server goes ``down()`` and ``up()`` again on its
port, keeping its data.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO
from typing import Any

import pytest

#: How long a server may take to start before we give up on it.
START_TIMEOUT = 60.0

#: Where Debian puts each PostgreSQL major version's server binaries.
POSTGRESQL_BINDIR_PATTERN = "/usr/lib/postgresql/*/bin"


class ServerUnavailable(RuntimeError):
    """A server the tests need could not be found or started."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(ready: Callable[[], bool], alive: Callable[[], bool], what: str) -> None:
    """Poll ``ready`` until it holds; fail early once ``alive`` says the process died.

    The one wait loop of the test suite: every server a test starts is waited for here.

    :raises ServerUnavailable: when the process exits, or after :data:`START_TIMEOUT`.
    """
    deadline = time.monotonic() + START_TIMEOUT
    while not ready():
        if not alive():
            raise ServerUnavailable(f"{what} exited while starting")
        if time.monotonic() > deadline:
            raise ServerUnavailable(f"{what} did not become ready in {START_TIMEOUT:.0f}s")
        time.sleep(0.02)


def url_answers(url: str) -> bool:
    """Whether ``url`` answers with a 2xx status now."""
    try:
        with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
            return True
    except OSError:
        return False


def _tail(path: Path, lines: int = 20) -> str:
    """The last lines of a log file, for error messages."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# -- PostgreSQL ---------------------------------------------------------------------


def find_postgresql_bindir(pattern: str = POSTGRESQL_BINDIR_PATTERN) -> Path:
    """Return the newest PostgreSQL ``bin`` directory holding ``initdb`` and ``pg_ctl``.

    Falls back to ``initdb`` on ``PATH`` (e.g. a non-Debian system).
    """

    def major(path: str) -> int:
        name = Path(path).parent.name
        return int(name) if name.isdigit() else 0

    candidates = sorted(
        (d for d in glob.glob(pattern) if os.access(Path(d, "initdb"), os.X_OK)),
        key=major,
    )
    if candidates:
        return Path(candidates[-1])
    initdb = shutil.which("initdb") if pattern == POSTGRESQL_BINDIR_PATTERN else None
    if initdb is not None and shutil.which("pg_ctl") is not None:
        return Path(initdb).parent
    raise ServerUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) were not found under "
        f"{pattern}; install them with `apt-get install postgresql` "
        "(./scripts/test does this)."
    )


def _unprivileged_user() -> pwd.struct_passwd | None:
    """The account to run PostgreSQL as when we are root (it refuses to run as root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise ServerUnavailable(
        "running as root, and neither a 'postgres' nor a 'nobody' account exists "
        "to run PostgreSQL as"
    )


class PostgreSQLServer:
    """A throwaway PostgreSQL cluster with trust authentication on 127.0.0.1.

    :param bindir: directory holding ``initdb`` and ``pg_ctl``.
    """

    superuser = "postgres"
    host = "127.0.0.1"

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.port = 0
        self._user = _unprivileged_user()
        self._base = Path(tempfile.mkdtemp(prefix="fba-pg-"))
        self._datadir = self._base / "data"
        self._log = self._base / "postgresql.log"
        self._names = itertools.count(1)
        if self._user is not None:
            os.chown(self._base, self._user.pw_uid, self._user.pw_gid)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a PostgreSQL tool, as the unprivileged user when we are root."""
        command = [str(self.bindir / args[0]), *args[1:]]
        if self._user is not None:
            command = [
                "setpriv",
                f"--reuid={self._user.pw_uid}",
                f"--regid={self._user.pw_gid}",
                "--clear-groups",
                "--",
                *command,
            ]
        return subprocess.run(command, cwd=self._base, capture_output=True, text=True, check=False)

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            raise ServerUnavailable(
                f"{what} failed (exit {result.returncode}):\n{result.stdout}{result.stderr}"
                f"\n{_tail(self._log)}"
            )

    def start(self) -> None:
        """Create the cluster and start it on a free port."""
        self._check(
            self._run(
                "initdb",
                "--pgdata",
                str(self._datadir),
                "--username",
                self.superuser,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
                "--no-sync",
            ),
            "initdb",
        )
        # A port found free may be taken before the server binds it: try a few.
        for _attempt in range(3):
            self.port = free_port()
            result = self._pg_ctl_start()
            if result.returncode == 0:
                return
        self._check(result, "pg_ctl start")

    def _pg_ctl_start(self) -> subprocess.CompletedProcess[str]:
        """``pg_ctl start`` on :attr:`port`, waiting until the server accepts."""
        options = (
            f"-p {self.port} -k {self._base} -c listen_addresses={self.host}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        return self._run(
            "pg_ctl",
            "start",
            "--pgdata",
            str(self._datadir),
            "--log",
            str(self._log),
            "--wait",
            f"--timeout={START_TIMEOUT:.0f}",
            "-o",
            options,
        )

    def down(self) -> None:
        """Stop the server now, keeping its data (``-m fast``: open connections are cut);
        :meth:`up` starts it again on the same port."""
        self._check(
            self._run("pg_ctl", "stop", "--pgdata", str(self._datadir), "-m", "fast"),
            "pg_ctl stop",
        )

    def up(self) -> None:
        """Start the server stopped by :meth:`down` again on its port; return once it
        accepts connections."""
        self._check(self._pg_ctl_start(), "pg_ctl start")

    def stop(self) -> None:
        """Stop the server and remove its files."""
        try:
            if (self._datadir / "postmaster.pid").exists():
                self._check(
                    self._run("pg_ctl", "stop", "--pgdata", str(self._datadir), "-m", "fast"),
                    "pg_ctl stop",
                )
        finally:
            shutil.rmtree(self._base, ignore_errors=True)

    def url(self, dbname: str) -> str:
        """The SQLAlchemy URL (psycopg 3 driver) of one database on this server."""
        return f"postgresql+psycopg://{self.superuser}@{self.host}:{self.port}/{dbname}"

    def connect(self, dbname: str = "postgres") -> Any:
        """A psycopg connection (autocommit) to ``dbname`` as the superuser."""
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ServerUnavailable(
                'psycopg is needed to create test databases: pip install -e ".[dev]"'
            ) from exc
        return psycopg.connect(
            host=self.host, port=self.port, user=self.superuser, dbname=dbname, autocommit=True
        )

    def _admin(self, sql: str) -> None:
        """Run one statement outside a transaction on the maintenance database."""
        with self.connect() as conn:
            conn.execute(sql.encode())

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (``test_<n>`` by default) and return its URL."""
        name = name or f"test_{next(self._names)}"
        if not name.replace("_", "").isalnum():
            raise ValueError(f"unsafe database name {name!r}")
        self._admin(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing any connection still open to it."""
        if not name.replace("_", "").isalnum():
            raise ValueError(f"unsafe database name {name!r}")
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def running_postgresql() -> Iterator[PostgreSQLServer]:
    """A new PostgreSQL server for the block, stopped and its files removed after it."""
    server = PostgreSQLServer(find_postgresql_bindir())
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgresql_server() -> Iterator[PostgreSQLServer]:
    """A PostgreSQL server for the whole test session."""
    with running_postgresql() as server:
        yield server


@pytest.fixture(scope="session")
def postgresql_url(postgresql_server: PostgreSQLServer) -> str:
    """URL of one database shared by the whole session (``postgresql+psycopg://...``)."""
    return postgresql_server.create_database("test_session")


@pytest.fixture
def fresh_postgresql_url(postgresql_server: PostgreSQLServer) -> Iterator[str]:
    """URL of a new, empty database, dropped when the test ends."""
    url = postgresql_server.create_database()
    yield url
    postgresql_server.drop_database(url.rsplit("/", 1)[1])


# -- Redis --------------------------------------------------------------------------


def find_redis_server(path: str | None = None) -> str:
    """Return the path of ``redis-server``, searching ``path`` (default: ``PATH``)."""
    executable = shutil.which("redis-server", path=path)
    if executable is None:
        raise ServerUnavailable(
            "redis-server was not found on PATH; install it with "
            "`apt-get install redis-server` (./scripts/test does this)."
        )
    return executable


class RedisServer:
    """A Redis server without persistence on a fixed loopback port.

    It can be stopped and started again on the same port, so tests can see what
    happens to the code under test while Redis is down.

    :param executable: path of ``redis-server``.
    """

    host = "127.0.0.1"

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.port = free_port()
        self._dir = Path(tempfile.mkdtemp(prefix="fba-redis-"))
        self._log_path = self._dir / "redis.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:<port>/0``."""
        return f"redis://{self.host}:{self.port}/0"

    @property
    def running(self) -> bool:
        """Whether the server process is alive."""
        return self._process is not None and self._process.poll() is None

    def command(self, *words: str) -> bytes:
        """Send one inline command and return the first line of the reply."""
        with socket.create_connection((self.host, self.port), timeout=5) as sock:
            sock.sendall(" ".join(words).encode() + b"\r\n")
            reply = b""
            while not reply.endswith(b"\r\n"):
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
        return reply.strip()

    def ping(self) -> bool:
        """Whether the server answers ``PING``."""
        try:
            return self.command("PING") == b"+PONG"
        except OSError:
            return False

    def flushall(self) -> None:
        """Delete every key in every database."""
        reply = self.command("FLUSHALL")
        if reply != b"+OK":
            raise RuntimeError(f"FLUSHALL answered {reply!r}")

    def start(self) -> None:
        """Start the server (no-op if it runs) and wait until it answers."""
        if self.running:
            return
        self._close_log()
        self._log = self._log_path.open("ab")
        self._process = subprocess.Popen(
            [
                self.executable,
                "--port",
                str(self.port),
                "--bind",
                self.host,
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self._dir),
            ],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            cwd=self._dir,
        )
        try:
            wait_for(self.ping, lambda: self.running, f"redis-server on port {self.port}")
        except ServerUnavailable as exc:
            self.stop()
            raise ServerUnavailable(f"{exc}\n{_tail(self._log_path)}") from None

    def kill(self) -> None:
        """Crash the server: ``SIGKILL``, as an out-of-memory killer would. Without
        persistence, the next :meth:`start` (same port) begins empty."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()
        self.stop()

    def stop(self) -> None:
        """Stop the server (no-op if it is stopped) and wait for it to exit."""
        process, self._process = self._process, None
        if process is not None and process.poll() is None:
            stop_process(process)
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def cleanup(self) -> None:
        """Stop the server and remove its directory."""
        self.stop()
        shutil.rmtree(self._dir, ignore_errors=True)


@contextmanager
def running_redis() -> Iterator[RedisServer]:
    """A new Redis server for the block, stopped and its directory removed after it."""
    server = RedisServer(find_redis_server())
    try:
        server.start()
        yield server
    finally:
        server.cleanup()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A Redis server for the whole session; tests may ``stop()`` and ``start()`` it."""
    with running_redis() as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """URL of the session's Redis, started if a test stopped it, with no keys."""
    redis_server.start()
    redis_server.flushall()
    return redis_server.url


def stop_process(
    process: subprocess.Popen[str] | subprocess.Popen[bytes],
    *,
    group: bool = False,
    timeout: float = 10,
) -> None:
    """Terminate ``process`` and wait for it; kill it if it has not gone in ``timeout``
    seconds. With ``group``, signal its whole process group (a server started with
    ``start_new_session=True`` and its workers)."""

    def send(sig: signal.Signals) -> None:
        if group:
            os.killpg(process.pid, sig)
        else:
            process.send_signal(sig)

    send(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        send(signal.SIGKILL)
        process.wait()
