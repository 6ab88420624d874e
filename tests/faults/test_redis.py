"""Redis (the secondary storage) SIGKILLed and restarted under load.

Sessions live in Redis with a copy in the database (``store_session_in_database``),
Redis without persistence: a restart empties it. While Redis is down, reads carry on
from the database (docs/production.rst) and a sign-out answers ``503
SECONDARY_STORAGE_UNAVAILABLE`` with the session left as it was; nothing answers
``500``, nothing waits past the bound; a session revoked before the outage never comes
back, during it or after it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.app import create_app
from tests.faults.infra import HANG_BOUND
from tests.faults.infra import PASSWORD
from tests.faults.infra import Gunicorn
from tests.servers import PostgreSQLServer
from tests.servers import RedisServer
from tests.servers import running_redis

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
GET_SESSION = "/api/auth/get-session?disableCookieCache=true"


@pytest.fixture(scope="module")
def redis() -> Iterator[RedisServer]:
    """A Redis of this module's own, which the test kills."""
    with running_redis() as server:
        yield server


@pytest.fixture(scope="module")
def redis_served(
    pg: PostgreSQLServer, redis: RedisServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Gunicorn]:
    env = {
        "FAULTS_DATABASE_URL": pg.create_database("faults_redis"),
        "FAULTS_REDIS_URL": redis.url,
        "FAULTS_SESSIONS_IN_DATABASE": "1",
    }
    create_app(env, create_tables=True)
    server = Gunicorn(env, Path(tmp_path_factory.mktemp("redis")) / "gunicorn.log", workers=2)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _cookie(headers: dict[str, str]) -> str:
    for line in headers["set-cookie"].splitlines():
        pair = line.split(";", 1)[0]
        if pair.startswith("better-auth.session_token="):
            return pair
    raise AssertionError(headers)


def _sign_out(served: Gunicorn, cookie: str) -> tuple[int, str | None]:
    status, body, _ = served.request(
        "POST", "/api/auth/sign-out", {}, {"Cookie": cookie, "Origin": served.url}
    )
    return status, (body or {}).get("code")


def _session(served: Gunicorn, cookie: str) -> tuple[int, object]:
    status, body, _ = served.request("GET", GET_SESSION, headers={"Cookie": cookie})
    return status, body


def test_redis_killed_and_restarted(redis_served: Gunicorn, redis: RedisServer) -> None:
    served = redis_served
    status, _, headers = served.request("POST", "/api/auth/sign-up/email", ANN)
    assert status == 200
    revoked = _cookie(headers)
    signin = {"email": ANN["email"], "password": PASSWORD}
    status, _, headers = served.request("POST", "/api/auth/sign-in/email", signin)
    kept = _cookie(headers)
    status, _, headers = served.request("POST", "/api/auth/sign-in/email", signin)
    signed_out_during = _cookie(headers)
    assert _sign_out(served, revoked)[0] == 200
    assert _session(served, revoked) == (200, None)

    seen: list[tuple[str, int, object, float]] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            for name, cookie in (("kept", kept), ("revoked", revoked)):
                started = time.monotonic()
                status, body = _session(served, cookie)
                seen.append((name, status, body, time.monotonic() - started))

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        time.sleep(0.3)
        redis.kill()
        time.sleep(0.5)
        outage_sign_out = _sign_out(served, signed_out_during)
        time.sleep(0.3)
        redis.start()  # same port, empty: no persistence
        time.sleep(0.5)
    finally:
        stop.set()
        thread.join(HANG_BOUND + 5)

    # During the outage: a sign-out says it failed, and did not end the session.
    assert outage_sign_out == (503, "SECONDARY_STORAGE_UNAVAILABLE")
    for name, status, body, seconds in seen:
        assert status in (200, 503), (name, status, body)
        assert seconds < 2.0, (name, seconds)  # Redis timeouts are 0.5 s
        if name == "revoked":  # never comes back, whatever Redis does
            assert body is None or status == 503, body
    assert any(n == "kept" and s == 200 and b for n, s, b, _ in seen)
    # After: reads served again (from the database copy), revoked stays revoked.
    status, body = _session(served, kept)
    assert status == 200 and isinstance(body, dict), body
    assert _session(served, revoked) == (200, None)
    status, body = _session(served, signed_out_during)
    assert status == 200 and isinstance(body, dict)  # the failed sign-out changed nothing
    assert _sign_out(served, signed_out_during)[0] == 200
    assert _session(served, signed_out_during) == (200, None)
