"""The real-server fixtures of ``tests.servers`` start servers that work.

The fixtures come from ``pytest_plugins = ["tests.servers"]`` in ``tests/conftest.py``.
"""

from __future__ import annotations

import psycopg
import pytest
import redis
import sqlalchemy as sa

from tests.servers import PostgreSQLServer
from tests.servers import RedisServer
from tests.servers import ServerUnavailable
from tests.servers import find_postgresql_bindir
from tests.servers import find_redis_server


def _libpq_url(url: str) -> str:
    """Turn a SQLAlchemy ``postgresql+psycopg://`` URL into a libpq one."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def test_missing_postgresql_names_the_package(tmp_path):
    with pytest.raises(ServerUnavailable, match="apt-get install postgresql"):
        find_postgresql_bindir(str(tmp_path / "*" / "bin"))


def test_missing_redis_names_the_package(tmp_path):
    with pytest.raises(ServerUnavailable, match="apt-get install redis-server"):
        find_redis_server(path=str(tmp_path))


@pytest.mark.postgres
def test_postgresql_url_is_loopback_psycopg(postgresql_url, postgresql_server):
    assert postgresql_url == (
        f"postgresql+psycopg://postgres@127.0.0.1:{postgresql_server.port}/test_session"
    )


@pytest.mark.postgres
def test_postgresql_url_accepts_queries(postgresql_url):
    with psycopg.connect(_libpq_url(postgresql_url)) as conn:
        row = conn.execute("SELECT current_database(), current_user, 40 + 2").fetchone()
    assert row == ("test_session", "postgres", 42)


@pytest.mark.postgres
@pytest.mark.parametrize("round_", [1, 2])
def test_fresh_postgresql_url_is_empty(fresh_postgresql_url, postgresql_url, round_):
    # Both rounds create the same table: each can only succeed in an empty database.
    assert fresh_postgresql_url != postgresql_url
    engine = sa.create_engine(fresh_postgresql_url)
    try:
        assert sa.inspect(engine).get_table_names() == []
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE item (id serial PRIMARY KEY, round int)"))
            conn.execute(sa.text("INSERT INTO item (round) VALUES (:r)"), {"r": round_})
            assert conn.execute(sa.text("SELECT round FROM item")).scalar_one() == round_
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_drop_database_closes_open_connections(postgresql_server: PostgreSQLServer):
    url = postgresql_server.create_database()
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(_libpq_url(url)) as conn:
        postgresql_server.drop_database(name)
        with pytest.raises(psycopg.OperationalError):
            conn.execute("SELECT 1")
    with psycopg.connect(_libpq_url(postgresql_server.url("postgres"))) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        assert found.fetchone() is None


@pytest.mark.redis
def test_redis_url_stores_values(redis_url):
    client = redis.Redis.from_url(redis_url)
    try:
        client.set("greeting", "hello")
        assert client.get("greeting") == b"hello"
    finally:
        client.close()


@pytest.mark.redis
@pytest.mark.parametrize("round_", [1, 2])
def test_redis_url_starts_empty(redis_url, round_):
    # Each round leaves a key behind: the second sees none only if the fixture flushed.
    client = redis.Redis.from_url(redis_url)
    try:
        assert client.dbsize() == 0
        client.set(f"left-over-{round_}", "1")
    finally:
        client.close()


@pytest.mark.redis
def test_redis_server_stops_and_starts_on_the_same_port(redis_server: RedisServer):
    redis_server.start()
    url, port = redis_server.url, redis_server.port
    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        client.set("kept", "no")
        redis_server.stop()
        assert not redis_server.running
        with pytest.raises(redis.ConnectionError):
            client.ping()

        redis_server.start()
        assert (redis_server.url, redis_server.port) == (url, port)
        assert client.ping() is True
        # No persistence: a restart starts from an empty data set.
        assert client.get("kept") is None
    finally:
        client.close()
        redis_server.start()


@pytest.mark.redis
def test_redis_server_killed_starts_empty_on_the_same_port(redis_server: RedisServer):
    redis_server.start()
    port = redis_server.port
    redis_server.command("SET", "kept", "no")
    redis_server.kill()
    assert not redis_server.running
    assert not redis_server.ping()

    redis_server.start()
    assert redis_server.port == port
    assert redis_server.command("GET", "kept") == b"$-1"
