"""How ``GET /organization/list-members`` scales: the same queries at 1,000 and 10,000
members of one organization.

Run on demand (not in CI)::

    python3 bench/organization_members.py                 # SQLite
    python3 bench/organization_members.py --postgres      # and a private PostgreSQL server
    python3 bench/organization_members.py --sizes 1000 10000 --repeat 100

For each database and size it makes the tables, inserts the users and their memberships
in bulk (plus 2,000 members of another organization), signs the owner in, and times each
query through the Flask test client (the whole request: session read, membership check,
the page with each member's user, and the ``total``). It prints the median per query and
size, and the ratio of the largest size to the smallest; the target is a ratio within 1.5.
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

from flask_betterauth.plugins import organization  # noqa: E402
from tests.helpers import PASSWORD  # noqa: E402
from tests.helpers import build_app  # noqa: E402

QUERIES: dict[str, dict[str, Any]] = {
    "first page (default 100)": {},
    "page of 20, offset 200": {"limit": 20, "offset": 200},
    "newest first, limit 20": {"limit": 20, "sortBy": "createdAt", "sortDirection": "desc"},
    "filter role = admin": {"limit": 20, "filterField": "role", "filterValue": "admin"},
}
OTHER_MEMBERS = 2000


def populate(test_app: Any, org_id: str, count: int) -> None:
    """``count`` users, members of ``org_id`` (one in ten an admin), and members of
    another organization, inserted in batches."""
    tables = test_app.db.metadata.tables
    users, members, orgs = tables["user"], tables["member"], tables["organization"]
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    with test_app.db.engine.begin() as conn:
        other = {"id": "other", "name": "Other", "slug": "other", "createdAt": start}
        conn.execute(orgs.insert(), [other])
        for first in range(0, count + OTHER_MEMBERS, 5000):
            user_rows, member_rows = [], []
            for n in range(first, min(first + 5000, count + OTHER_MEMBERS)):
                moment = start + timedelta(seconds=n)
                user_rows.append(
                    {"id": f"u{n:07d}", "name": f"User {n}", "email": f"user{n}@example.com",
                     "emailVerified": False, "createdAt": moment, "updatedAt": moment}
                )  # fmt: skip
                member_rows.append(
                    {"id": f"m{n:07d}", "organizationId": org_id if n < count else "other",
                     "userId": f"u{n:07d}", "role": "admin" if n % 10 == 0 else "member",
                     "createdAt": moment}
                )  # fmt: skip
            conn.execute(users.insert(), user_rows)
            conn.execute(members.insert(), member_rows)
        conn.execute(sa.text("ANALYZE"))


def prepare(url: str, count: int) -> tuple[Any, Any]:
    """An app on ``url`` with ``count`` members, and a client signed in as the owner."""
    test_app = build_app(url, plugins=[organization()])
    app = test_app.app
    client = app.test_client()
    body = {"name": "Owner", "email": "owner@bench.example", "password": PASSWORD}
    assert client.post("/api/auth/sign-up/email", json=body).status_code == 200
    made = client.post("/api/auth/organization/create", json={"name": "Big", "slug": "big"})
    with app.app_context():
        populate(test_app, made.get_json()["id"], count)
    for query in QUERIES.values():
        for _ in range(5):  # warm-up
            reply = client.get("/api/auth/organization/list-members", query_string=query)
            assert reply.status_code == 200 and reply.get_json()["members"], reply.get_json()
    return test_app, client


def measure(urls: dict[int, str], repeat: int) -> dict[int, dict[str, float]]:
    """Median milliseconds per query and size. The sizes' requests alternate, so a
    machine busy with other work slows every size alike."""
    prepared = {size: prepare(url, size) for size, url in urls.items()}
    times: dict[int, dict[str, list[float]]] = {size: {q: [] for q in QUERIES} for size in urls}
    for name, query in QUERIES.items():
        for _ in range(repeat):
            for size, (_, client) in prepared.items():
                began = time.perf_counter()
                client.get("/api/auth/organization/list-members", query_string=query)
                times[size][name].append((time.perf_counter() - began) * 1000)
    for test_app, _ in prepared.values():
        with test_app.app.app_context():
            test_app.db.engine.dispose()
    return {size: {q: statistics.median(t) for q, t in by.items()} for size, by in times.items()}


def report(database: str, sizes: list[int], results: dict[int, dict[str, float]]) -> None:
    small, large = sizes[0], sizes[-1]
    print(f"\n{database}: median ms per request")
    header = "".join(f"{size:>12,}" for size in sizes)
    print(f"{'query':<28}{header}{'ratio':>8}  target <= 1.5")
    for name in QUERIES:
        row = "".join(f"{results[size][name]:>12.2f}" for size in sizes)
        ratio = results[large][name] / results[small][name]
        print(f"{name:<28}{row}{ratio:>8.2f}  {'met' if ratio <= 1.5 else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000])
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        urls = {size: f"sqlite:///{folder}/bench{size}.sqlite" for size in args.sizes}
        report("SQLite", args.sizes, measure(urls, args.repeat))
    if args.postgres:
        from bench.pg import PostgresServer

        with PostgresServer() as server:
            urls = {size: server.create_database(f"members{size}") for size in args.sizes}
            report(f"PostgreSQL {server.version()}", args.sizes, measure(urls, args.repeat))


if __name__ == "__main__":
    main()
