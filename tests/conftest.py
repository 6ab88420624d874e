"""Fixtures: an app factory over SQLite and PostgreSQL, a clock the tests move, callers."""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from flask_betterauth.storage.secondary import MemoryStorage
from flask_betterauth.storage.secondary import RedisStorage
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import TestApp
from tests.helpers import build_app
from tests.helpers import set_clock

pytest_plugins = ["tests.servers", "tests.mailserver"]

# Hypothesis (the fuzz tests) keeps its caches in a temporary folder, not the checkout.
if "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ:
    _hypothesis_home = tempfile.mkdtemp(prefix="fba-hypothesis-")
    os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = _hypothesis_home
    atexit.register(shutil.rmtree, _hypothesis_home, ignore_errors=True)


@event.listens_for(Engine, "connect")
def _sqlite_without_waiting_for_the_disk(dbapi_connection: Any, _record: Any) -> None:
    """The tests' SQLite files are thrown away after the test: SQLite need not flush each
    commit to the disk (``synchronous=OFF``) nor keep its rollback journal in a file
    (``journal_mode=MEMORY``). Transactions, rollbacks and locking behave as before; only
    a power cut could lose data. This halves the cost of making an app's tables."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA synchronous = OFF")
        dbapi_connection.execute("PRAGMA journal_mode = MEMORY")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """A fresh database: a SQLite file, and (second run) a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/auth.sqlite"
    return str(request.getfixturevalue("postgresql_schema_url"))


_schema_names = itertools.count(1)


@pytest.fixture
def postgresql_schema_url(postgresql_server: Any, postgresql_url: str) -> Iterator[str]:
    """URL of a new, empty schema in the session's shared database, set as the search
    path of every connection made with it: as empty as a new database, but made in a few
    milliseconds instead of a quarter second. Dropped (its connections ended) afterwards."""
    import psycopg

    name = f"t{next(_schema_names)}"
    admin = {"host": postgresql_server.host, "port": postgresql_server.port}
    dbname = postgresql_url.rsplit("/", 1)[1]
    with psycopg.connect(**admin, user="postgres", dbname=dbname, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"'.encode())
    yield f"{postgresql_url}?application_name={name}&options=-csearch_path%3D{name}"
    with psycopg.connect(**admin, user="postgres", dbname=dbname, autocommit=True) as conn:
        conn.execute(
            b"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
            (name,),
        )
        conn.execute(f'DROP SCHEMA "{name}" CASCADE'.encode())


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., TestApp]]:
    """Build testing apps with the given options; their engines are closed afterwards."""
    made: list[TestApp] = []

    def factory(config: dict[str, Any] | None = None, **options: Any) -> TestApp:
        test_app = build_app(database_url, config, **options)
        made.append(test_app)
        return test_app

    yield factory
    for test_app in made:
        test_app.dispose()


@pytest.fixture
def auth_app(make_app: Callable[..., TestApp]) -> TestApp:
    """An app with the default test options."""
    return make_app()


@pytest.fixture
def app(auth_app: TestApp) -> Any:
    """The Flask app of :func:`auth_app`."""
    return auth_app.app


@pytest.fixture
def client(app: Any) -> Any:
    """A test client of :func:`app`."""
    return app.test_client()


@pytest.fixture
def clock() -> Iterator[Clock]:
    """Freeze time at a known instant; ``clock.advance(...)`` moves it."""
    source = Clock()
    set_clock(source)
    yield source
    set_clock(None)


@pytest.fixture(params=["http", "api"])
def via(request: pytest.FixtureRequest) -> str:
    """Each endpoint test runs over HTTP and through ``auth.api``."""
    return str(request.param)


@pytest.fixture
def caller(auth_app: TestApp, via: str) -> Caller:
    """A caller on :func:`auth_app` through the face :func:`via` names."""
    return Caller(auth_app, via)


@pytest.fixture
def signed_up(caller: Caller) -> dict[str, Any]:
    """Ann has signed up (and so is signed in) through :func:`caller`."""
    reply = caller.call(
        "sign_up_email", {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
    )
    assert reply.status == 200, reply.json
    return dict(reply.json)


@pytest.fixture(params=["memory", pytest.param("redis", marks=pytest.mark.redis)])
def secondary_storage(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh secondary storage of each built-in kind: in memory, and the test Redis."""
    if request.param == "memory":
        yield MemoryStorage()
        return
    store = RedisStorage.from_url(request.getfixturevalue("redis_url"))
    yield store
    store.client.flushdb()
    store.client.close()
