"""The session lookup survives connections the database server closed (a restart, an
idle-connection cut) without ``pool_pre_ping``: it drops each dead pooled connection and
reads again, so no signed-in request fails for it. PostgreSQL only: SQLite has no server
to close a connection."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest

from tests.factories import ANN
from tests.test_hot_path import PROTECTED
from tests.test_hot_path import get_json
from tests.test_hot_path import hot_app  # noqa: F401 (a fixture)
from tests.test_hot_path import signed_up

pytestmark = pytest.mark.postgres

GET_SESSION = "/api/auth/get-session"


@pytest.fixture
def database_url(postgresql_schema_url: str) -> str:
    """PostgreSQL only."""
    return postgresql_schema_url


def _close_from_the_server(engine: Any) -> int:
    """End every connection of ``engine`` from PostgreSQL's side, as a restart does;
    how many it ended."""
    with engine.connect() as connection:
        dsn = connection.connection.driver_connection.info.dsn
    with psycopg.connect(dsn, autocommit=True) as admin:
        ended = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = current_setting('application_name')"
            " AND pid <> pg_backend_pid()"
        ).fetchone()
    assert ended is not None
    return int(ended[0])


@pytest.mark.parametrize("path", [PROTECTED, GET_SESSION])
def test_a_connection_the_server_closed_is_replaced(hot_app: Any, path: str) -> None:  # noqa: F811
    app, work = hot_app(False)
    client = signed_up(app)
    get_json(client, GET_SESSION)  # loads the jwt plugin's signing key (kept a minute)
    engine = work.engine
    # Three idle connections in the pool, then the server ends all of them.
    held = [engine.raw_connection() for _ in range(3)]
    for connection in held:
        connection.close()
    assert engine.pool.checkedin() == 3
    assert _close_from_the_server(engine) == 3

    work.reset()
    assert get_json(client, path)["email"] == ANN["email"]
    # Each dead connection was tried once and dropped; the read ran on a new one.
    assert (work.checkouts, work.connects) == (4, 1)
    # The dropped ones reconnect when next taken; every request is served meanwhile.
    for _ in range(4):
        assert get_json(client, path)["email"] == ANN["email"]
