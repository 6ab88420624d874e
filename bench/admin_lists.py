"""How ``GET /admin/list-users`` scales: the same queries at 1,000 and 100,000 users.

Run on demand (not in CI)::

    python3 bench/admin_lists.py                 # SQLite
    python3 bench/admin_lists.py --postgres      # and a private PostgreSQL server
    python3 bench/admin_lists.py --sizes 1000 100000 --repeat 200
    python3 bench/admin_lists.py --better-auth --postgres   # Better Auth's own beside ours

For each database and size it makes the tables, inserts the users in bulk (one in ten an
admin, one in fifty banned), signs an admin in, and times each query through the Flask
test client (the whole request: session read, permission check, the page and the
``total``). It prints the fastest and the median time per query and size, and the ratio
of the fastest times at the largest size and the smallest; the target is within 1.5.

With ``--better-auth`` it times Better Auth 1.7.24's own server instead
(``bench/better_auth/server.mjs`` with its admin plugin, one Node process, its own
migrations and indexes, the same users written in the form its adapter writes) and ours
served by gunicorn (one sync worker), both over HTTP through one keep-alive
``http.client`` connection, so that the pair is measured the same way.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from collections.abc import Iterator
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from urllib.parse import urlsplit

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_betterauth.plugins import admin  # noqa: E402
from tests.helpers import PASSWORD  # noqa: E402
from tests.helpers import build_app  # noqa: E402

QUERIES: dict[str, dict[str, Any]] = {
    "first page (limit 20)": {"limit": 20},
    "newest first, page 11": {
        "limit": 20,
        "offset": 200,
        "sortBy": "createdAt",
        "sortDirection": "desc",
    },
    "by email, page 6": {"limit": 20, "offset": 100, "sortBy": "email"},
    "by name": {"limit": 20, "sortBy": "name"},
    "by name, descending": {"limit": 20, "sortBy": "name", "sortDirection": "desc"},
    "filter role = admin": {"limit": 20, "filterField": "role", "filterValue": "admin"},
    "search email starts_with": {
        "limit": 20,
        "searchValue": "user1",
        "searchOperator": "starts_with",
    },
    "starts_with, 1 match": {
        "limit": 20,
        "searchValue": "user123@",
        "searchOperator": "starts_with",
    },
    "contains, 1 match": {"limit": 20, "searchValue": "r123@"},
    "contains, many matches": {"limit": 20, "searchValue": "99"},
}


def users(count: int) -> Iterator[list[dict[str, Any]]]:
    """``count`` users in batches of 5,000: one in ten an admin, one in fifty banned."""
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    batch: list[dict[str, Any]] = []
    for n in range(count):
        moment = start + timedelta(seconds=n)
        batch.append(
            {
                "id": f"u{n:07d}",
                "name": f"User {n}",
                "email": f"user{n}@example.com",
                "emailVerified": False,
                "createdAt": moment,
                "updatedAt": moment,
                "role": "admin" if n % 10 == 0 else "user",
                "banned": n % 50 == 0,
            }
        )
        if len(batch) == 5000:
            yield batch
            batch = []
    if batch:
        yield batch


def settle(engine: sa.Engine) -> None:
    """The steady state of a live database (autovacuum's work on PostgreSQL): statistics
    and, there, the visibility map that lets a count read an index alone."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM"))
        conn.execute(sa.text("ANALYZE"))


def populate(test_app: Any, count: int) -> None:
    """``count`` users (and one admin who signs in), inserted in batches."""
    engine = test_app.db.engine
    user = test_app.state.tables["user"]
    table = test_app.db.metadata.tables[user.table_name]
    with engine.begin() as conn:
        for batch in users(count):
            conn.execute(table.insert(), batch)
    settle(engine)


def explain(app: Any, engine: Any, client: Any, count: int) -> None:
    """Print PostgreSQL's ``EXPLAIN (ANALYZE, BUFFERS)`` of every statement on the user
    table that each query runs (the page, and the count when one is made)."""
    captured: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if 'FROM "user"' in statement and "session" not in statement:
            captured.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", note)
    for name, query in QUERIES.items():
        captured.clear()
        total = client.get("/api/auth/admin/list-users", query_string=query).get_json()["total"]
        print(f"\n=== {count:,} users: {name} (total {total:,})")
        with app.app_context(), engine.connect() as conn:
            raw = conn.connection.driver_connection
            for statement, parameters in list(captured):
                print("--", " ".join(statement.split()))
                sql = "EXPLAIN (ANALYZE, BUFFERS) " + statement
                for _ in range(3):  # warm
                    raw.execute(sql, parameters).fetchall()
                for (line,) in raw.execute(sql, parameters).fetchall():
                    print("   ", line)
    sa.event.remove(engine, "before_cursor_execute", note)


def prepared(url: str, count: int) -> tuple[Any, Any, str]:
    """Our app on ``url`` with ``count`` users and a signed-in admin: the app, its test
    client and the admin's ``Cookie`` header."""
    test_app = build_app(url, plugins=[admin()])
    app = test_app.app
    with app.app_context():
        populate(test_app, count)
    client = app.test_client()
    body = {"name": "Boss", "email": "boss@bench.example", "password": PASSWORD}
    reply = client.post("/api/auth/sign-up/email", json=body)
    assert reply.status_code == 200
    with app.app_context(), test_app.db.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE \"user\" SET role = 'admin' WHERE email = 'boss@bench.example'")
        )
    cookie = "; ".join(line.split(";")[0] for line in reply.headers.getlist("Set-Cookie"))
    return test_app, client, cookie


def timed(get: Callable[[dict[str, Any]], tuple[int, Any]], repeat: int) -> dict[str, float]:
    """The fastest and the median milliseconds of ``repeat`` calls of ``get`` per query,
    after five warm-up calls that must answer 200 with a ``total``."""
    out: dict[str, float] = {}
    for name, query in QUERIES.items():
        for _ in range(5):  # warm-up
            status, body = get(query)
            assert status == 200 and body["total"], body
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            get(query)
            times.append((time.perf_counter() - began) * 1000)
        out[name] = min(times)
        out[name + " (median)"] = statistics.median(times)
    return out


def measure(url: str, count: int, repeat: int, *, plans: bool = False) -> dict[str, float]:
    """Milliseconds per query at ``count`` users on ``url`` through the Flask test client
    (and, with ``plans``, the query plans printed first)."""
    test_app, client, _ = prepared(url, count)
    app = test_app.app
    if plans:
        with app.app_context():
            explain(app, test_app.db.engine, client, count)

    def get(query: dict[str, Any]) -> tuple[int, Any]:
        reply = client.get("/api/auth/admin/list-users", query_string=query)
        return reply.status_code, reply.get_json()

    out = timed(get, repeat)
    with app.app_context():
        test_app.db.engine.dispose()
    return out


def over_http(base_url: str, cookie: str, repeat: int) -> dict[str, float]:
    """Milliseconds per query against a served app: one keep-alive connection of
    ``http.client`` (the same client for Better Auth's server and ours)."""
    parsed = urlsplit(base_url)
    conn = http.client.HTTPConnection(parsed.hostname or "127.0.0.1", parsed.port, timeout=60)
    headers = {"Cookie": cookie, "Accept": "application/json"}

    def get(query: dict[str, Any]) -> tuple[int, Any]:
        conn.request("GET", "/api/auth/admin/list-users?" + urlencode(query), headers=headers)
        reply = conn.getresponse()
        return reply.status, json.loads(reply.read())

    try:
        return timed(get, repeat)
    finally:
        conn.close()


def served_app() -> Any:
    """Our app for gunicorn (``bench.admin_lists:served_app()``), on the database that
    ``$BENCH_ADMIN_LISTS_DB`` names, already filled by :func:`prepared`."""
    return build_app(os.environ["BENCH_ADMIN_LISTS_DB"], plugins=[admin()]).app


def measure_ours_http(url: str, count: int, repeat: int, log: Path) -> dict[str, float]:
    """Our list-users at ``count`` users served by gunicorn (one sync worker), over HTTP."""
    from bench.server import gunicorn

    test_app, _, cookie = prepared(url, count)
    with test_app.app.app_context():
        test_app.db.engine.dispose()
    env = {**os.environ, "BENCH_ADMIN_LISTS_DB": url}
    with gunicorn("bench.admin_lists:served_app()", env, log, timeout=120) as served:
        return over_http(served.url, cookie, repeat)


def fill_better_auth(url: str, count: int) -> None:
    """``count`` users in the ``user`` table Better Auth's migrations made, in the form its
    adapter writes them (on SQLite: ISO 8601 text dates and 0/1 booleans)."""
    engine = sa.create_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    table = sa.table("user", *(sa.column(name) for name in next(iter(users(1)))[0]))

    def written(row: dict[str, Any]) -> dict[str, Any]:
        if not sqlite:
            return row
        return {
            key: (
                value.isoformat(timespec="milliseconds").replace("+00:00", "Z")
                if isinstance(value, datetime)
                else int(value)
                if isinstance(value, bool)
                else value
            )
            for key, value in row.items()
        }

    with engine.begin() as conn:
        for batch in users(count):
            conn.execute(table.insert(), [written(row) for row in batch])
    settle(engine)
    engine.dispose()


def measure_better_auth(url: str, count: int, repeat: int, log: Path) -> dict[str, float]:
    """Better Auth 1.7.24's own list-users (bench/better_auth/server.mjs with its admin
    plugin, one Node process) at ``count`` users, over HTTP."""
    from bench import node

    os.environ["BENCH_ADMIN"] = "1"  # server.mjs: the admin plugin, the bench user an admin
    cookie = node.prepare(url, "better_auth")
    fill_better_auth(url, count)
    with node.serve(url, "better_auth", log) as served:
        return over_http(served.url, cookie, repeat)


def report(database: str, sizes: list[int], results: dict[int, dict[str, float]]) -> None:
    """The table of one database: the fastest of the repeats (the least disturbed by other
    work on the machine), the median beside it, and the ratio of the fastest."""
    small, large = sizes[0], sizes[-1]
    print(f"\n{database}: ms per request, fastest (median)")
    header = "".join(f"{size:>14,}" for size in sizes)
    print(f"{'query':<28}{header}{'ratio':>8}  target <= 1.5")
    for name in QUERIES:
        row = "".join(
            f"{results[size][name]:>6.2f} ({results[size][name + ' (median)']:>5.1f})"
            for size in sizes
        )
        ratio = results[large][name] / results[small][name]
        print(f"{name:<28}{row}{ratio:>8.2f}  {'met' if ratio <= 1.5 else 'MISSED'}")


def run(
    database: str, make_url: Callable[[str], str], args: argparse.Namespace, folder: str
) -> None:
    """Measure and report on one database: through the test client, or with
    ``--better-auth`` Better Auth's server and ours, both over HTTP."""
    log = Path(folder) / "servers.log"
    if not args.better_auth:
        results = {
            size: measure(make_url(f"bench{size}"), size, args.repeat, plans=args.explain)
            for size in args.sizes
        }
        report(database, args.sizes, results)
        return
    theirs = {
        size: measure_better_auth(make_url(f"ba{size}"), size, args.repeat, log)
        for size in args.sizes
    }
    ours = {
        size: measure_ours_http(make_url(f"ours{size}"), size, args.repeat, log)
        for size in args.sizes
    }
    report(f"{database}, Better Auth 1.7.24 (Node, 1 process), HTTP", args.sizes, theirs)
    report(f"{database}, flask-betterauth (gunicorn, 1 sync worker), HTTP", args.sizes, ours)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument(
        "--explain", action="store_true", help="print PostgreSQL's plans of every query"
    )
    parser.add_argument(
        "--better-auth",
        action="store_true",
        help="Better Auth 1.7.24's own server beside ours, both over HTTP",
    )
    args = parser.parse_args()
    args.postgres = args.postgres or args.postgres_only
    with tempfile.TemporaryDirectory() as folder:
        if not args.postgres_only:
            run("SQLite", lambda name: f"sqlite:///{folder}/{name}.sqlite", args, folder)
        if args.postgres:
            from bench.pg import PostgresServer

            with PostgresServer() as server:
                run(f"PostgreSQL {server.version()}", server.create_database, args, folder)


if __name__ == "__main__":
    main()
