"""The request hot path does the database work it should and no more: a cookie-cache hit
touches no database at all (no pool checkout, no connection, no statement), and with the
cache off a signed-in request costs one statement in one round trip. Every shipped plugin
is on, as in the benchmark; SQLite and PostgreSQL.

The database work is counted below SQLAlchemy, so that nothing escapes it: pool events
for checkouts and new connections, SQLite's statement trace, and on PostgreSQL libpq's
protocol trace (every ``Query``/``Execute`` message sent, every ``ReadyForQuery``
received: one per round trip, ``BEGIN`` and ``ROLLBACK`` included).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable
from collections.abc import Iterator
from typing import IO
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.apps.ours import built_plugins
from flask_betterauth import current_user
from flask_betterauth import login_required
from tests.factories import ANN
from tests.helpers import Clock
from tests.helpers import TestApp

PROTECTED = "/protected"
GET_SESSION = "/api/auth/get-session"


class DatabaseWork:
    """Counts what an engine does from :meth:`reset` on: pool checkouts, connections
    opened, statements run, and (PostgreSQL) round trips."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.checkouts = 0
        self.connects = 0
        self.sqlite = engine.dialect.name == "sqlite"
        self.sqlite_statements: list[str] = []
        self._traces: dict[int, tuple[Any, IO[str]]] = {}
        self._offsets: dict[int, int] = {}
        event.listen(engine, "connect", self._on_connect)
        event.listen(engine, "checkout", self._on_checkout)

    def _on_connect(self, dbapi_connection: Any, record: Any) -> None:
        self.connects += 1

    def _on_checkout(self, dbapi_connection: Any, record: Any, proxy: Any) -> None:
        self.checkouts += 1
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.set_trace_callback(self.sqlite_statements.append)
        elif id(dbapi_connection) not in self._traces:
            import psycopg

            pgconn = dbapi_connection.pgconn
            trace = tempfile.TemporaryFile("w+")  # noqa: SIM115 (closed in close())
            pgconn.trace(trace.fileno())
            pgconn.set_trace_flags(psycopg.pq.Trace.SUPPRESS_TIMESTAMPS)
            self._traces[id(dbapi_connection)] = (pgconn, trace)

    def reset(self) -> None:
        """Count from now on."""
        self.checkouts = self.connects = 0
        self.sqlite_statements.clear()
        for key, (_, trace) in self._traces.items():
            trace.seek(0, 2)
            self._offsets[key] = trace.tell()

    def _pg_lines(self) -> list[list[str]]:
        lines = []
        for key, (_, trace) in self._traces.items():
            trace.flush()
            trace.seek(self._offsets.get(key, 0))
            lines += [line.split("\t") for line in trace.read().splitlines()]
        return lines

    @property
    def statements(self) -> list[str]:
        """The statements run (PostgreSQL: the ``Query`` texts, ``Execute`` as such)."""
        if self.sqlite:
            return list(self.sqlite_statements)
        return [
            parts[3].strip() if parts[2] == "Query" else parts[2]
            for parts in self._pg_lines()
            if len(parts) > 2 and parts[0] == "F" and parts[2] in ("Query", "Execute")
        ]

    @property
    def round_trips(self) -> int:
        """Answers the server finished (``ReadyForQuery``); 0 on SQLite."""
        return sum(1 for p in self._pg_lines() if len(p) > 2 and p[2] == "ReadyForQuery")

    def close(self) -> None:
        """Stop tracing."""
        event.remove(self.engine, "connect", self._on_connect)
        event.remove(self.engine, "checkout", self._on_checkout)
        for pgconn, trace in self._traces.values():
            pgconn.untrace()  # before make_app's teardown closes the connections
            trace.close()


@pytest.fixture
def hot_app(
    make_app: Callable[..., TestApp], clock: Clock
) -> Iterator[Callable[[bool], tuple[Flask, DatabaseWork]]]:
    """``hot_app(cookie_cache)``: an app with every plugin, the rate limiter on (in
    memory, as by default in production) and a ``login_required`` view, its database work
    counted."""
    counters: list[DatabaseWork] = []

    def build(cookie_cache: bool) -> tuple[Flask, DatabaseWork]:
        test_app = make_app(
            session={"cookie_cache": {"enabled": cookie_cache, "max_age": 3600}},
            rate_limit={"enabled": True, "max": 1_000_000},
            plugins=built_plugins(),
        )
        app = test_app.app

        @app.get(PROTECTED)
        @login_required
        def protected() -> dict[str, str]:
            return {"email": current_user["email"]}

        with app.app_context():
            engine = test_app.db.engine
        work = DatabaseWork(engine)
        counters.append(work)
        return app, work

    yield build
    for work in counters:
        work.close()


def signed_up(app: Flask) -> Any:
    """A test client whose cookies hold Ann's new session."""
    client = app.test_client()
    reply = client.post("/api/auth/sign-up/email", json=ANN)
    assert reply.status_code == 200, reply.get_json()
    return client


def get_json(client: Any, path: str) -> Any:
    """GET ``path``; the answer must be Ann's and set no cookie."""
    reply = client.get(path, headers={"Accept": "application/json"})
    assert reply.status_code == 200, reply.get_data()
    assert not reply.headers.getlist("Set-Cookie")
    body = reply.get_json()
    return body.get("user", body)


def test_a_cookie_cache_hit_touches_no_database(hot_app: Any, clock: Clock) -> None:
    app, work = hot_app(True)
    client = signed_up(app)

    # The very first read: the cache cookie is verified and decoded, nothing else.
    work.reset()
    assert get_json(client, PROTECTED)["email"] == ANN["email"]
    assert (work.checkouts, work.connects, work.statements) == (0, 0, [])

    # get-session's first call loads the jwt plugin's signing key (re-read once a minute).
    get_json(client, GET_SESSION)
    clock.advance(seconds=20)
    work.reset()
    for _ in range(3):
        assert get_json(client, PROTECTED)["email"] == ANN["email"]
        assert get_json(client, GET_SESSION)["email"] == ANN["email"]
    assert (work.checkouts, work.connects, work.statements, work.round_trips) == (0, 0, [], 0)

    # The counters see a request that does read the session: the cache skipped.
    reply = client.get(GET_SESSION, query_string={"disableCookieCache": "true"})
    assert reply.status_code == 200 and reply.get_json()["user"]["email"] == ANN["email"]
    assert work.checkouts == 1 and len(work.statements) == 1


def test_with_the_cache_off_a_request_is_one_statement(hot_app: Any, clock: Clock) -> None:
    app, work = hot_app(False)
    client = signed_up(app)
    get_json(client, GET_SESSION)  # loads the jwt plugin's signing key
    clock.advance(seconds=20)
    for path in (PROTECTED, GET_SESSION):
        work.reset()
        assert get_json(client, path)["email"] == ANN["email"]
        assert work.checkouts == 1 and work.connects == 0
        [statement] = work.statements
        assert statement == "Execute" or statement.lstrip().upper().startswith("SELECT")
        assert work.round_trips == (0 if work.sqlite else 1)  # SQLite has no server
