"""Better Auth 1.7.24's own Node server (``bench/better_auth/server.mjs``) in the run.

It gets the same kind of database as the Flask apps (a SQLite file, or a database on
the same PostgreSQL server), its own migrations, the same bench user, and is served
with ``BENCH_PROCESSES`` processes under ``node:cluster`` (round-robin scheduling).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from . import cores
from .apps.common import SECRET
from .server import ROOT
from .server import Served
from .server import free_port
from .server import wait_listening

NODE_DIR = ROOT / "bench" / "better_auth"
SERVER = NODE_DIR / "server.mjs"


def database_target(url: str) -> str:
    """Better Auth's database for a SQLAlchemy URL: a SQLite path, or a ``postgresql://``
    URL for node-postgres."""
    if url.startswith("sqlite:///"):
        return url[len("sqlite:///") :]
    scheme, _, rest = url.partition("://")
    if not scheme.startswith("postgresql"):
        raise ValueError(f"Better Auth's bench server takes SQLite or PostgreSQL, not {url}")
    return f"postgresql://{rest}"


def installed() -> None:
    """Fail clearly when node or the Node project's packages are missing."""
    if shutil.which("node") is None:
        raise RuntimeError("node is not installed (Debian: apt-get install nodejs npm)")
    if not (NODE_DIR / "node_modules" / "better-auth").is_dir():
        raise RuntimeError("bench/better_auth has no node_modules: run scripts/bench first")


def environment(url: str, app: str, port: int = 0, processes: int = 1) -> dict[str, str]:
    """The server's settings: ``better_auth_cache`` turns the cookie cache on."""
    return {
        **os.environ,
        "BENCH_DATABASE": database_target(url),
        "BENCH_COOKIE_CACHE": "1" if app == "better_auth_cache" else "0",
        "BENCH_SECRET": SECRET,
        "BENCH_PORT": str(port),
        "BENCH_PROCESSES": str(processes),
        "NODE_ENV": "production",
    }


def prepare(url: str, app: str) -> str:
    """Migrate Better Auth's tables, sign the bench user up; its ``Cookie`` header."""
    installed()
    out = subprocess.run(
        ["node", str(SERVER), "setup"], cwd=NODE_DIR, env=environment(url, app),
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    if out.returncode != 0:
        raise RuntimeError(f"setup of {app} failed:\n{out.stderr[-3000:]}")
    return str(json.loads(out.stdout.strip().splitlines()[-1])["cookie"])


@contextmanager
def serve(url: str, app: str, log: Path, processes: int = 1) -> Iterator[Served]:
    """Serve Better Auth with ``processes`` cluster workers until the block ends."""
    port = free_port()
    with open(log, "ab") as out:
        process = subprocess.Popen(
            cores.pinned("server", ["node", str(SERVER), "serve"], processes), cwd=NODE_DIR,
            env=environment(url, app, port, processes), stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_listening(process, port, 120, log)
        yield Served(f"http://127.0.0.1:{port}", process.pid)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
