"""Several workers, one view of sessions: the example app under gunicorn with 2 workers,
on PostgreSQL (and Redis), driven over real HTTP.

Which worker answers is made certain, not left to chance: a gunicorn sync worker serves
one connection at a time, and connections are accepted in the order they arrive. So a
connection that sends half a request and waits ("a hold") keeps the worker that took it
busy, and every request after it goes to the other worker. Moving the hold from one
worker to the other (the second hold is opened, and accepted, before the first is
released) switches the worker that answers. The access log, which records each
request's worker pid, confirms it.

Proved for both workers: a session made through one is valid through the other, a
revocation through one is seen by the other at once, and ``revoke-other-sessions``
leaves only the caller's session.
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.servers import ServerUnavailable
from tests.servers import free_port
from tests.servers import stop_process
from tests.servers import wait_for
from tests.workers import Hold

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parent.parent
SECRET = "multiworker-test-secret-0123456789abcdefghij"
PASSWORD = "correct horse battery staple"
EMAIL = "ann@example.com"
WORKERS = 2
ACCESS_LOG_FORMAT = "%(p)s %(m)s %(U)s %(q)s %(s)s"
TOKEN_COOKIE = "better-auth.session_token"


class ExampleServer:
    """``gunicorn -w 2 'example_app:create_app()'`` on a free port, in its own process group.

    :param env: extra environment (``DATABASE_URL``, ``REDIS_URL``).
    :param logs: directory for the access and error logs, and the app's instance folder
        (its mail log), so nothing is written into the checkout.
    """

    def __init__(self, env: dict[str, str], logs: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.access_log = logs / "access.log"
        self.error_log = logs / "error.log"
        base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
        self.env = {
            **base,
            **env,
            "BETTER_AUTH_SECRET": SECRET,
            "BETTER_AUTH_URL": self.url,
            "EXAMPLE_APP_INSTANCE_PATH": str(logs / "instance"),
        }
        self.process: subprocess.Popen[bytes] | None = None
        self.holds: list[Hold] = []

    def start(self) -> None:
        """Create the tables once, then start gunicorn and wait until it answers."""
        subprocess.run(
            [sys.executable, "-c", "from example_app import create_app; create_app()"],
            cwd=ROOT, env=self.env, check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        self.process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "--workers", str(WORKERS),
                "--worker-class", "sync", "--bind", f"127.0.0.1:{self.port}",
                "--timeout", "120", "--graceful-timeout", "5",
                "--access-logfile", str(self.access_log),
                "--access-logformat", ACCESS_LOG_FORMAT,
                "--error-logfile", str(self.error_log),
                "example_app:create_app()",
            ],
            cwd=ROOT, env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        process = self.process
        try:
            wait_for(self._answers, lambda: process.poll() is None, "gunicorn")
        except ServerUnavailable:
            raise RuntimeError(f"gunicorn did not start:\n{self._error_tail()}") from None

    def _answers(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", "/api/auth/ok?probe=ready")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def _error_tail(self) -> str:
        try:
            return self.error_log.read_text(errors="replace")[-3000:]
        except OSError:
            return "(no error log)"

    def hold(self) -> Hold:
        """Keep one worker busy until the hold is released."""
        held = Hold(self.port)
        self.holds.append(held)
        return held

    def stop(self) -> None:
        """Release every hold, stop gunicorn and its workers, and wait for them."""
        for held in self.holds:
            held.release()
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        stop_process(process, group=True, timeout=20)

    def pids_by_probe(self) -> dict[str, set[str]]:
        """The worker pids the access log shows for each ``probe`` query value."""
        found: dict[str, set[str]] = {}
        for line in self.access_log.read_text().splitlines():
            pid, _method, _path, query, _status = line.split(" ")
            for pair in query.split("&"):
                if pair.startswith("probe="):
                    found.setdefault(pair[len("probe=") :], set()).add(pid)
        return found


class Browser:
    """One device: a cookie jar, requests over a new connection each (as a browser that
    does not keep connections alive), the app's ``Origin`` on every request."""

    def __init__(self, server: ExampleServer) -> None:
        self.server = server
        self.jar: dict[str, str] = {}

    def request(
        self,
        method: str,
        path: str,
        probe: str,
        body: Any = None,
        *,
        only_token: bool = False,
        accept: str = "application/json",
    ) -> tuple[int, Any]:
        """Send one request tagged ``probe=<probe>``; return the status and parsed JSON."""
        sep = "&" if "?" in path else "?"
        target = f"{path}{sep}{urlencode({'probe': probe})}"
        headers = {"Origin": self.server.url, "Accept": accept, "User-Agent": "multiworker"}
        cookies = {k: v for k, v in self.jar.items() if not only_token or k == TOKEN_COOKIE}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        payload = None
        if body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            connection.request(method, target, body=payload, headers=headers)
            response = connection.getresponse()
            data = response.read()
            for line in response.msg.get_all("Set-Cookie") or []:
                self._store(line)
        finally:
            connection.close()
        is_json = response.getheader("Content-Type", "").startswith("application/json")
        return response.status, json.loads(data) if is_json and data else None

    def _store(self, line: str) -> None:
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(line.split(";", 1)[0])
        for name, morsel in parsed.items():
            if "Max-Age=0" in line or not morsel.value:
                self.jar.pop(name, None)
            else:
                self.jar[name] = morsel.value

    def sign_up(self, probe: str) -> str:
        """Create Ann's account (signed in); return the session token."""
        status, body = self.request(
            "POST", "/api/auth/sign-up/email", probe,
            {"name": "Ann", "email": EMAIL, "password": PASSWORD},
        )  # fmt: skip
        assert status == 200, body
        return str(body["token"])

    def sign_in(self, probe: str) -> str:
        """Sign Ann in on this device; return the session token."""
        status, body = self.request(
            "POST", "/api/auth/sign-in/email", probe, {"email": EMAIL, "password": PASSWORD}
        )
        assert status == 200, body
        return str(body["token"])

    def signed_in_as(self, probe: str) -> str | None:
        """The session token the server holds for this device, asked two ways that both
        reach the session storage: ``get-session`` without the cookie cache, and the
        ``login_required`` dashboard page sent the session cookie alone. They must agree.
        """
        status, body = self.request("GET", "/api/auth/get-session?disableCookieCache=true", probe)
        assert status == 200, body
        page, _ = self.request("GET", "/dashboard", probe, only_token=True)
        token = body["session"]["token"] if body else None
        assert page == (200 if token else 401), (page, token)
        return token

    def list_sessions(self, probe: str) -> list[str]:
        """The ids of Ann's sessions, as ``list-sessions`` gives them."""
        status, body = self.request("GET", "/api/auth/list-sessions", probe)
        assert status == 200, body
        return sorted(session["id"] for session in body)

    def session_id(self, probe: str) -> str:
        """This device's session id."""
        status, body = self.request("GET", "/api/auth/get-session?disableCookieCache=1", probe)
        assert status == 200 and body, body
        return str(body["session"]["id"])


@pytest.fixture(params=["postgresql", pytest.param("postgresql+redis", marks=pytest.mark.redis)])
def server(
    request: pytest.FixtureRequest, fresh_postgresql_url: str, tmp_path: Path
) -> Iterator[ExampleServer]:
    """The example app under gunicorn on a fresh PostgreSQL database (and Redis)."""
    env = {"DATABASE_URL": fresh_postgresql_url}
    if "redis" in request.param:
        env["REDIS_URL"] = str(request.getfixturevalue("redis_url"))
    example = ExampleServer(env, tmp_path)
    try:
        example.start()
        yield example
    finally:
        example.stop()


def test_every_worker_sees_every_session_at_once(server):
    laptop, phone, tablet = Browser(server), Browser(server), Browser(server)
    laptop_token = laptop.sign_up("setup")
    laptop_id = laptop.session_id("setup")

    # Phase 1: one worker held, call it X; worker Y answers.
    hold_x = server.hold()
    phone_token = phone.sign_in("1")  # a session made through Y
    assert laptop.signed_in_as("1") == laptop_token
    assert phone.signed_in_as("1") == phone_token

    # Phase 2: Y held, X released; X answers.
    hold_y = server.hold()
    hold_x.release()
    assert phone.signed_in_as("2") == phone_token, "a session made through Y is valid on X"
    assert laptop.request("POST", "/api/auth/revoke-session", "2", {"token": phone_token}) == (
        200,
        {"status": True},
    )
    assert phone.signed_in_as("2") is None
    tablet_token = tablet.sign_in("2")  # a session made through X

    # Phase 3: X held, Y released; Y answers.
    hold_x = server.hold()
    hold_y.release()
    assert phone.signed_in_as("3") is None, "a revocation through X is seen by Y"
    assert tablet.signed_in_as("3") == tablet_token, "a session made through X is valid on Y"
    assert laptop.request("POST", "/api/auth/revoke-other-sessions", "3") == (
        200,
        {"status": True},
    )
    assert tablet.signed_in_as("3") is None
    assert laptop.list_sessions("3") == [laptop_id]

    # Phase 4: Y held, X released; X answers.
    hold_y = server.hold()
    hold_x.release()
    assert tablet.signed_in_as("4") is None, "revoke-other-sessions through Y is seen by X"
    assert laptop.list_sessions("4") == [laptop_id]
    assert laptop.signed_in_as("4") == laptop_token
    hold_y.release()

    server.stop()
    pids = server.pids_by_probe()
    assert all(len(pids[phase]) == 1 for phase in "1234"), pids
    assert pids["1"] == pids["3"] and pids["2"] == pids["4"], pids
    assert pids["1"] != pids["2"], pids
