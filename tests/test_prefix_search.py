"""A ``starts_with`` condition on SQLite reads an index through the ranges of
``flask_betterauth.storage.prefix`` and finds exactly what SQLite's ``LIKE`` finds."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from flask_betterauth.storage.base import Op
from flask_betterauth.storage.prefix import prefix_ranges
from tests.helpers import build_app
from tests.helpers import sql

NAMES = [
    "user1@example.com", "USER1@example.com", "uSeR12@x.io", "user2@x.io", "user@x.io",
    "usEr1x", "useR1", "user1", "users1", "u_ser1", "u%ser1", "u/ser1", "ü-user1",
    "Über1", "über1", "ab.cd", "AB.CD", "ab-cd", "abcdefgh", "ABCDEFGH", "abcdEFGH",
    "abcdEfgz", "abcd", "zz", "Z", "a\U0010ffff", "a\ud7ffb", "\ue000",
]  # fmt: skip
PREFIXES = [
    "user1", "USER1", "u", "U", "user", "u_", "u%", "u/", "ü", "Ü", "über", "ab.c",
    "AB-", "abcdEF", "abcdefgh", "ABCDEFGHI", "z", "a\U0010ffff", "a\ud7ff", "1", "@",
]  # fmt: skip


@pytest.fixture(scope="module")
def test_app(tmp_path_factory: Any) -> Any:
    path = tmp_path_factory.mktemp("prefix") / "prefix.sqlite"
    made = build_app(f"sqlite:///{path}")
    for n, email in enumerate(NAMES):
        sql(
            made,
            'INSERT INTO "user" (id, name, email, "emailVerified", "createdAt", "updatedAt")'
            " VALUES (:id, :email, :email, 0, '2026-11-27', '2026-11-27')",
            id=f"u{n}",
            email=email.encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
        )
    return made


def _like(test_app: Any, prefix: str) -> set[str]:
    escaped = prefix.replace("/", "//").replace("%", "/%").replace("_", "/_")
    found = sql(
        test_app,
        """SELECT email FROM "user" WHERE email LIKE :p ESCAPE '/'""",
        p=escaped + "%",
    )
    return {row["email"] for row in found}


def test_starts_with_finds_what_like_finds(test_app):
    adapter = test_app.state.adapter
    with test_app.app.app_context():
        for prefix in PREFIXES:
            prefix = prefix.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
            found = adapter.find_many("user", {"email": Op("starts_with", prefix)})
            assert {row["email"] for row in found} == _like(test_app, prefix), prefix
        assert adapter.count("user", {"email": Op("starts_with", "user1")}) == 6


def test_the_ranges_hold_every_match():
    alphabet = ["a", "B", "z", "Z", "1", "@", "[", "`", "é", "\U0010ffff"]
    for prefix in ("aB", "a1z", "Zz@", "abcdez", "é", "a\ud7ff"):
        pairs = prefix_ranges(prefix)
        assert pairs is not None and len(pairs) <= 4
        for rest in itertools.product(alphabet, repeat=2):
            cases = ({c.lower(), c.upper()} if c.isascii() else {c} for c in prefix)
            for spelling in itertools.product(*cases):
                text = "".join(spelling) + "".join(rest)
                assert any(low <= text < high for low, high in pairs), (prefix, text)
    assert prefix_ranges("") is None
    assert prefix_ranges("a\U0010ffff") is None


def test_a_prefix_search_reads_the_email_index(test_app):
    from sqlalchemy.dialects import sqlite

    adapter = test_app.state.adapter
    table = adapter.tables["user"]
    with test_app.app.app_context():
        condition = adapter._condition(table, {"email": Op("starts_with", "user1")})
        query = table.select().where(condition)
        text = str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
        plan = sql(test_app, "EXPLAIN QUERY PLAN " + text)
    details = " ".join(row["detail"] for row in plan)
    assert "USING INDEX" in details and "SCAN user" not in details.replace('"', ""), details
