"""A private, throw-away PostgreSQL server for the benchmark.

``initdb`` into a temporary directory and ``pg_ctl start`` on a free loopback port, run
as an unprivileged user when we are root (PostgreSQL refuses to run as root). Durability
is switched off (``fsync``, ``synchronous_commit``): the benchmark measures reads.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from . import cores
from .server import free_port

#: Tried in order when we are root; the first one that exists runs the server.
SERVER_USERS = ("postgres", "nobody")
SUPERUSER = "bench"


def find_bin_dir() -> Path:
    """The directory of ``initdb`` and ``pg_ctl``: ``$PG_BIN``, Debian's, or ``$PATH``."""
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    if debian:
        return Path(debian[-1])
    found = shutil.which("pg_ctl")
    if found is None:
        raise RuntimeError("no PostgreSQL server binaries (set PG_BIN to their directory)")
    return Path(found).parent


class PostgresServer:
    """Start with ``with PostgresServer() as pg:``; ``pg.create_database(name)`` gives a URL."""

    def __init__(self) -> None:
        self.bin_dir = find_bin_dir()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="bench-pg-"))
        self.data = self.root / "data"
        self._runas: list[str] = []
        self._started = False

    def __enter__(self) -> PostgresServer:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> None:
        """Create the cluster and start the server; return once it accepts connections."""
        if os.geteuid() == 0:
            user = next(u for u in SERVER_USERS if _user_exists(u))
            entry = pwd.getpwnam(user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
            self._runas = ["runuser", "-u", user, "--"]
        self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"),
            "-o", options, "-w", "-t", "60", "start", role="database",
        )  # fmt: skip
        self._started = True

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database`` on this server (psycopg 3 driver)."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its SQLAlchemy URL."""
        import psycopg

        dsn = f"host=127.0.0.1 port={self.port} user={SUPERUSER} dbname=postgres"
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')  # noqa: S608 (our own constant names)
        return self.url(name)

    def version(self) -> str:
        """The server's version string, as ``postgres --version`` prints it."""
        out = subprocess.run(
            [str(self.bin_dir / "postgres"), "--version"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return out.stdout.strip()

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove its directory."""
        if self._started:
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
            self._started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str, role: str = "") -> None:
        """Run one of PostgreSQL's programs (on ``role``'s cores, when given)."""
        command = [*self._runas, str(self.bin_dir / program), *args]
        if role:
            command = cores.pinned(role, command)
        result = subprocess.run(command, cwd=self.root, capture_output=True, text=True)
        if result.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed:\n{result.stdout}{result.stderr}{tail}")


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True
