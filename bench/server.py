"""Start and stop one gunicorn (1 sync worker) serving a benchmarked app."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import cores
from .procs import children_cpu_seconds

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Served:
    """A running gunicorn: its base URL and its master's process id."""

    url: str
    pid: int

    def worker_cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the master's worker processes.

        Unlike wall-clock throughput, this barely moves when other programs compete
        for the cores, so cost per request stays comparable on a busy machine.
        """
        return children_cpu_seconds(self.pid)


@contextmanager
def gunicorn(
    app: str, env: dict[str, str], log: Path, timeout: float = 30, workers: int = 1
) -> Iterator[Served]:
    """Serve ``app`` (``module:attr``) with ``gunicorn -w <workers> -k sync`` until exit.

    The server runs in its own process group and is always stopped on exit; its output
    goes to ``log``, whose tail is raised with the error if it does not come up.
    """
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "sync",
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app,
    ]  # fmt: skip
    with open(log, "ab") as out:
        process = subprocess.Popen(
            cores.pinned("server", command, workers), cwd=ROOT, env=env, stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_listening(process, port, timeout, log)
        yield Served(f"http://127.0.0.1:{port}", process.pid)
    finally:
        _stop(process)


def wait_listening(process: subprocess.Popen[bytes], port: int, timeout: float, log: Path) -> None:
    """Return once something listens on ``port``; raise with the log's tail if the
    process exits or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    tail = log.read_text(errors="replace")[-3000:]
    raise RuntimeError(f"the server did not start on port {port}:\n{tail}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
