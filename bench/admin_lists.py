"""How ``GET /admin/list-users`` scales: the same queries at 1,000 and 100,000 users.

Run on demand (not in CI)::

    python3 bench/admin_lists.py                 # SQLite
    python3 bench/admin_lists.py --postgres      # and a private PostgreSQL server
    python3 bench/admin_lists.py --sizes 1000 100000 --repeat 200

For each database and size it makes the tables, inserts the users in bulk (one in ten an
admin, one in fifty banned), signs an admin in, and times each query through the Flask
test client (the whole request: session read, permission check, the page and the
``total``). It prints the fastest and the median time per query and size, and the ratio
of the fastest times at the largest size and the smallest; the target is within 1.5.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from typing import Any

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


def populate(test_app: Any, count: int) -> None:
    """``count`` users (and one admin who signs in), inserted in batches."""
    engine = test_app.db.engine
    user = test_app.state.tables["user"]
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    table = test_app.db.metadata.tables[user.table_name]
    batch: list[dict[str, Any]] = []
    with engine.begin() as conn:
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
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
    # The steady state of a live database (autovacuum's work on PostgreSQL): statistics
    # and, there, the visibility map that lets a count read an index alone.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM"))
        conn.execute(sa.text("ANALYZE"))


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


def measure(url: str, count: int, repeat: int, *, plans: bool = False) -> dict[str, float]:
    """Median milliseconds per query at ``count`` users on ``url`` (and, with ``plans``,
    the query plans printed first)."""
    test_app = build_app(url, plugins=[admin()])
    app = test_app.app
    with app.app_context():
        populate(test_app, count)
    client = app.test_client()
    body = {"name": "Boss", "email": "boss@bench.example", "password": PASSWORD}
    assert client.post("/api/auth/sign-up/email", json=body).status_code == 200
    with app.app_context(), test_app.db.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE \"user\" SET role = 'admin' WHERE email = 'boss@bench.example'")
        )
    if plans:
        with app.app_context():
            explain(app, test_app.db.engine, client, count)
    out: dict[str, float] = {}
    for name, query in QUERIES.items():
        for _ in range(5):  # warm-up
            reply = client.get("/api/auth/admin/list-users", query_string=query)
            assert reply.status_code == 200 and reply.get_json()["total"], reply.get_json()
        times = []
        for _ in range(repeat):
            began = time.perf_counter()
            client.get("/api/auth/admin/list-users", query_string=query)
            times.append((time.perf_counter() - began) * 1000)
        out[name] = min(times)
        out[name + " (median)"] = statistics.median(times)
    with app.app_context():
        test_app.db.engine.dispose()
    return out


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--postgres", action="store_true", help="also on PostgreSQL")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument(
        "--explain", action="store_true", help="print PostgreSQL's plans of every query"
    )
    args = parser.parse_args()
    args.postgres = args.postgres or args.postgres_only
    with tempfile.TemporaryDirectory() as folder:
        if not args.postgres_only:
            results = {
                size: measure(f"sqlite:///{folder}/bench-{size}.sqlite", size, args.repeat)
                for size in args.sizes
            }
            report("SQLite", args.sizes, results)
    if args.postgres:
        from bench.pg import PostgresServer

        with PostgresServer() as server:
            results = {
                size: measure(
                    server.create_database(f"bench{size}"), size, args.repeat, plans=args.explain
                )
                for size in args.sizes
            }
            report(f"PostgreSQL {server.version()}", args.sizes, results)


if __name__ == "__main__":
    main()
