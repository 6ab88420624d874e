"""bench/admin_lists.py: the users written into a table made by Better Auth's migrations."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.admin_lists import fill_better_auth

# The user table of Better Auth 1.7.24's SQLite migrations with its admin plugin on.
BETTER_AUTH_USER = (
    'CREATE TABLE "user" ("id" text not null primary key, "name" text not null, '
    '"email" text not null unique, "emailVerified" integer not null, "image" text, '
    '"createdAt" date not null, "updatedAt" date not null, "role" text, "banned" integer, '
    '"banReason" text, "banExpires" date)'
)


def test_users_are_written_as_better_auth_writes_them_on_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "ba.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute(BETTER_AUTH_USER)
    fill_better_auth(f"sqlite:///{path}", 51)
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            'SELECT id, email, "emailVerified", "createdAt", role, banned FROM "user" ORDER BY id'
        ).fetchall()
    assert len(rows) == 51
    # ISO 8601 text with milliseconds and Z, 0/1 integers: what Better Auth's adapter
    # writes and parses back (a plain date or a Python repr would not sort or parse).
    assert rows[0] == ("u0000000", "user0@example.com", 0, "2026-01-01T00:00:00.000Z", "admin", 1)
    assert rows[1] == ("u0000001", "user1@example.com", 0, "2026-01-01T00:00:01.000Z", "user", 0)
    assert sum(row[4] == "admin" for row in rows) == 6
    assert sum(row[5] for row in rows) == 2
