"""Fixtures of the fault tests: a private PostgreSQL (tests may stop it) and the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.faults.app import create_app
from tests.faults.infra import Gunicorn
from tests.servers import PostgreSQLServer
from tests.servers import running_postgresql

DBNAME = "faults"


@pytest.fixture(scope="module")
def pg() -> Iterator[PostgreSQLServer]:
    """A PostgreSQL of this module's own: stopping it disturbs no other test."""
    with running_postgresql() as server:
        yield server


@pytest.fixture(scope="module")
def app_env(pg: PostgreSQLServer) -> dict[str, str]:
    """The app's settings, with its tables made once."""
    env = {"FAULTS_DATABASE_URL": pg.create_database(DBNAME)}
    create_app(env, create_tables=True)
    return env


@pytest.fixture(scope="module")
def served(app_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gunicorn]:
    """Two gthread workers of two threads each, one pooled connection per worker: more
    concurrent requests than connections."""
    log = Path(tmp_path_factory.mktemp("faults")) / "gunicorn.log"
    server = Gunicorn(app_env, log, workers=2, threads=2)
    server.start()
    try:
        yield server
    finally:
        server.stop()
