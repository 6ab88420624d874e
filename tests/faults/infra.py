"""What the fault tests share: the app under gunicorn, a load of concurrent clients, and
looks into the database. Their PostgreSQL and Redis servers are tests/servers.py's.

Everything listens on 127.0.0.1 only and is stopped when its fixture ends.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

from bench.procs import children
from tests.servers import ServerUnavailable
from tests.servers import free_port
from tests.servers import stop_process
from tests.servers import wait_for

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
#: Longest any request may take, whatever fails: the client gives up after this.
HANG_BOUND = 8.0


class Gunicorn:
    """``gunicorn tests.faults.app:create_app()`` on a free port, in its own process group.

    :param env: the app's ``FAULTS_*`` settings.
    :param workers: sync workers, or gthread workers of ``threads`` threads each.
    """

    def __init__(self, env: dict[str, str], log: Path, workers: int = 2, threads: int = 1):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = {**os.environ, **env, "FAULTS_BASE_URL": self.url}
        self.workers = workers
        self.threads = threads
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start gunicorn and wait until a worker answers."""
        kind = ["-k", "gthread", "--threads", str(self.threads)] if self.threads > 1 else []
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-w", str(self.workers), *kind,
                 "--bind", f"127.0.0.1:{self.port}", "--timeout", "30",
                 "--graceful-timeout", "2", "tests.faults.app:create_app()"],
                cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        process = self.process
        try:
            wait_for(lambda: self.request("GET", "/api/auth/ok")[0] == 200,
                     lambda: process.poll() is None, "gunicorn")  # fmt: skip
        except ServerUnavailable:
            raise RuntimeError(self.log.read_text(errors="replace")[-3000:]) from None

    def worker_pids(self) -> list[int]:
        """The master's worker processes now."""
        assert self.process is not None
        return children(self.process.pid)

    def kill_workers(self) -> list[int]:
        """SIGKILL every worker (the master starts new ones); the pids killed."""
        pids = self.worker_pids()
        for pid in pids:
            os.kill(pid, signal.SIGKILL)
        return pids

    def stop(self) -> None:
        """Stop gunicorn and its workers."""
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        stop_process(process, group=True)

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        """One request: status (0 when the connection failed), JSON body, headers."""
        return request(self.port, method, path, body, headers)


def request(
    port: int, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
    """One request with a :data:`HANG_BOUND` timeout; status 0 when the connection
    failed (refused, reset), -1 when it timed out."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=HANG_BOUND)
    data = None if body is None else json.dumps(body).encode()
    sent = {"Content-Type": "application/json", **(headers or {})}
    try:
        connection.request(method, path, data, sent)
        response = connection.getresponse()
        raw = response.read()
        parsed = json.loads(raw) if raw.startswith(b"{") else None
        headers: dict[str, str] = {}
        for name, value in response.getheaders():  # repeated headers: one per line
            name = name.lower()
            headers[name] = f"{headers[name]}\n{value}" if name in headers else value
        return response.status, parsed, headers
    except TimeoutError:
        return -1, None, {}
    except (ConnectionError, http.client.HTTPException, OSError):
        return 0, None, {}
    finally:
        connection.close()


@dataclass
class Answer:
    """What one client saw for one sign-up."""

    email: str
    status: int
    code: str | None
    retry_after: str | None
    seconds: float
    started: float


@dataclass
class Load:
    """Clients signing up new users in a loop until stopped; every answer is kept."""

    port: int
    clients: int = 4
    prefix: str = "load"
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _client(self, number: int) -> None:
        serial = 0
        while not self._stop.is_set():
            serial += 1
            email = f"{self.prefix}-{number}-{serial}@example.com"
            started = time.monotonic()
            status, body, headers = request(
                self.port, "POST", "/api/auth/sign-up/email",
                {"name": "Load", "email": email, "password": PASSWORD},
            )  # fmt: skip
            answer = Answer(email, status, (body or {}).get("code"), headers.get("retry-after"),
                            time.monotonic() - started, started)  # fmt: skip
            with self._lock:
                self.answers.append(answer)
            if status != 200:
                time.sleep(0.02)  # a client backing off a little, as a browser would not

    def __enter__(self) -> Load:
        for number in range(self.clients):
            thread = threading.Thread(target=self._client, args=(number,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(HANG_BOUND + 5)

    def count(self, status: int) -> int:
        """How many answers had ``status``."""
        with self._lock:
            return sum(1 for a in self.answers if a.status == status)

    def wait_for(self, status: int, more_than: int, timeout: float = 20) -> None:
        """Wait until more than ``more_than`` answers had ``status``."""
        deadline = time.monotonic() + timeout
        while self.count(status) <= more_than:
            if time.monotonic() > deadline:
                raise AssertionError(f"no {status} answer within {timeout} s: {self.summary()}")
            time.sleep(0.02)

    def summary(self) -> dict[tuple[int, str | None], int]:
        """Answers counted by (status, code)."""
        counts: dict[tuple[int, str | None], int] = {}
        with self._lock:
            for a in self.answers:
                counts[(a.status, a.code)] = counts.get((a.status, a.code), 0) + 1
        return counts


def users_and_accounts(conn: Any, like: str) -> tuple[set[str], set[str]]:
    """The emails matching ``like`` that have a user row, and those with a credential
    account."""
    users = {r[0] for r in conn.execute('SELECT email FROM "user" WHERE email LIKE %s', (like,))}
    accounts = {
        r[0]
        for r in conn.execute(
            'SELECT u.email FROM account a JOIN "user" u ON u.id = a."userId" '
            "WHERE a.\"providerId\" = 'credential' AND u.email LIKE %s",
            (like,),
        )
    }
    return users, accounts


def app_connections(conn: Any, dbname: str) -> list[tuple[str, str | None]]:
    """The app's connections to ``dbname`` now: ``(state, wait_event_type)`` each."""
    rows = conn.execute(
        "SELECT state, wait_event_type FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        (dbname,),
    )
    return [(r[0], r[1]) for r in rows]


def eventually(check: Callable[[], bool], what: str, timeout: float = 10) -> None:
    """Wait until ``check()`` holds (a bounded poll, for state another process settles)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.02)


@contextmanager
def locked(conn_factory: Callable[[], Any], table: str) -> Iterator[None]:
    """Hold an ``ACCESS EXCLUSIVE`` lock on ``table`` (every read and write of it waits)
    until the block ends."""
    conn = conn_factory()
    conn.autocommit = False
    try:
        conn.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        yield
    finally:
        conn.rollback()
        conn.close()
