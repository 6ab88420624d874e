"""A database that cannot answer now gets ``503 DATABASE_UNAVAILABLE`` with
``Retry-After`` on both faces and on the app's own ``login_required`` views; a database
error that is a bug stays a ``500``.

The fault is real: another connection holds SQLite's exclusive lock and the app's busy
timeout is 50 ms. PostgreSQL restarts, timeouts and pool exhaustion are tests/faults/.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy.exc as sa_exc

from flask_betterauth import current_user
from flask_betterauth import login_required
from flask_betterauth.unavailable import DatabaseUnavailable
from flask_betterauth.unavailable import database_unavailable
from flask_betterauth.unavailable import handled_classes
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import TestApp
from tests.helpers import build_app

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
UNAVAILABLE = {
    "message": "The database is unavailable. Please try again shortly.",
    "code": "DATABASE_UNAVAILABLE",
}


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "app.db"


@pytest.fixture
def test_app(db_file: Path) -> TestApp:
    built = build_app(
        f"sqlite:///{db_file}",
        {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 0.05}}},
    )

    @built.app.get("/protected")
    @login_required
    def protected() -> dict[str, str]:
        return {"email": current_user["email"]}

    return built


@contextmanager
def locked(db_file: Path) -> Iterator[None]:
    """Hold SQLite's exclusive lock: every other connection's read and write is busy."""
    conn = sqlite3.connect(db_file, isolation_level=None)
    conn.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


@pytest.mark.parametrize("via", ["http", "api"])
def test_sign_up_while_locked_is_503_then_works(test_app: TestApp, db_file: Path, via: str) -> None:
    caller = Caller(test_app, via)
    with locked(db_file):
        reply = caller.call("sign_up_email", ANN)
    assert (reply.status, reply.json) == (503, UNAVAILABLE)
    assert reply.headers["Retry-After"] == "1"
    assert caller.call("sign_up_email", ANN).status == 200  # nothing half-written


def test_api_raises_database_unavailable(test_app: TestApp, db_file: Path) -> None:
    with test_app.app.test_request_context(), locked(db_file):
        with pytest.raises(DatabaseUnavailable) as raised:
            test_app.auth.api.sign_up_email(body=ANN)
    assert (raised.value.status, raised.value.code) == (503, "DATABASE_UNAVAILABLE")


def test_login_required_view_while_locked(test_app: TestApp, db_file: Path) -> None:
    caller = Caller(test_app, "http")
    assert caller.call("sign_up_email", ANN).status == 200
    cookie = "; ".join(f"{k}={v}" for k, v in caller.jar.items() if "session_data" not in k)
    client = test_app.app.test_client(use_cookies=False)
    with locked(db_file):
        response = client.get("/protected", headers={"Cookie": cookie})
    assert response.status_code == 503
    assert response.get_json() == UNAVAILABLE
    assert response.headers["Retry-After"] == "1"
    assert client.get("/protected", headers={"Cookie": cookie}).status_code == 200


def test_a_missing_table_is_not_unavailable(tmp_path: Path) -> None:
    """A bug (no tables) is not dressed up as a busy database: it still raises."""
    built = build_app(f"sqlite:///{tmp_path / 'empty.db'}", create_tables=False)
    client = built.app.test_client()
    with pytest.raises(sa_exc.OperationalError, match="no such table"):
        client.post("/api/auth/sign-up/email", json=ANN)


def test_what_counts_as_unavailable() -> None:
    import psycopg

    assert database_unavailable(sa_exc.TimeoutError("QueuePool limit reached"))
    assert database_unavailable(psycopg.OperationalError("connection refused"))
    assert database_unavailable(
        sa_exc.OperationalError("SELECT 1", {}, psycopg.errors.QueryCanceled("timeout"))
    )
    assert database_unavailable(
        sa_exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))
    )
    assert not database_unavailable(
        sa_exc.OperationalError("SELECT 1", {}, sqlite3.OperationalError("no such table: user"))
    )
    assert not database_unavailable(
        sa_exc.IntegrityError("INSERT", {}, psycopg.errors.UniqueViolation("duplicate"))
    )
    assert not database_unavailable(ValueError("not a database error"))


def test_handled_classes_include_the_drivers() -> None:
    import psycopg

    assert psycopg.OperationalError in handled_classes("postgresql+psycopg://u@h/d")
    assert sqlite3.OperationalError in handled_classes("sqlite:///x.db")
    assert handled_classes(None) == (
        sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.TimeoutError,
    )  # fmt: skip


def test_no_pooled_connection_within_pool_timeout(db_file: Path) -> None:
    """Every pooled connection taken (here: held by the test) for longer than
    ``pool_timeout``: 503 with a code, not a wait without end; served once one is free."""
    options = {"pool_size": 1, "max_overflow": 0, "pool_timeout": 0.1}
    built = build_app(f"sqlite:///{db_file}", {"SQLALCHEMY_ENGINE_OPTIONS": options})
    caller = Caller(built, "http")
    with built.app.app_context():
        held = built.db.engine.connect()
        try:
            reply = caller.call("sign_up_email", ANN)
        finally:
            held.close()
    assert (reply.status, reply.json) == (503, UNAVAILABLE)
    assert reply.headers["Retry-After"] == "1"
    assert caller.call("sign_up_email", ANN).status == 200
