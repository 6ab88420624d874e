"""list-users's pages are read from an index, not by sorting or scanning the user table:
each query shape's page statement, as the database plans it (PostgreSQL told to avoid
table scans where it can, as it does on a large table)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from flask_betterauth.plugins import admin
from tests.plugins.admin.conftest import make_crew

#: query -> the index that must serve its page (``email``'s is the unique constraint's).
SHAPES: list[tuple[dict[str, Any], str]] = [
    ({"sortBy": "createdAt"}, "createdAt"),
    ({"sortBy": "createdAt", "sortDirection": "desc", "offset": 20}, "createdAt"),
    ({"sortBy": "name"}, "name"),
    ({"sortBy": "name", "sortDirection": "desc"}, "name"),
    ({"sortBy": "email", "offset": 100}, "email"),
    ({"sortBy": "email", "sortDirection": "desc"}, "email"),
    ({"filterField": "role", "filterValue": "admin"}, "role"),
    ({"searchValue": "user1", "searchOperator": "starts_with"}, "email"),
]


def _index_names(conn: sa.Connection) -> dict[str, str]:
    """Indexed column -> index name, for the user table's one-column indexes."""
    found = {}
    inspector = sa.inspect(conn)
    for index in inspector.get_indexes("user"):
        found[index["column_names"][0]] = index["name"]
    for constraint in inspector.get_unique_constraints("user"):
        found.setdefault(constraint["column_names"][0], constraint["name"] or "")
    return found


def _plan(conn: sa.Connection, statement: str, parameters: Any) -> str:
    raw = conn.connection.driver_connection
    if conn.dialect.name == "sqlite":
        rows = raw.execute("EXPLAIN QUERY PLAN " + statement, parameters).fetchall()
        return "\n".join(str(row[-1]) for row in rows)
    raw.execute("SET enable_seqscan = off")
    return "\n".join(row[0] for row in raw.execute("EXPLAIN " + statement, parameters))


@pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)
def test_every_page_is_read_from_an_index(make_app: Any) -> None:
    test_app = make_app(plugins=[admin()])
    crew = make_crew(test_app, "http")
    pages: list[tuple[str, Any]] = []

    def note(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if "LIMIT" in statement and "FROM user" in statement.replace('"', ""):
            pages.append((statement, parameters))

    with test_app.app.app_context():
        engine = test_app.db.engine
        sa.event.listen(engine, "before_cursor_execute", note)
        for query, column in SHAPES:
            pages.clear()
            reply = crew.boss.call("list_users", query={"limit": 20, **query})
            assert reply.status == 200, reply.json
            assert len(pages) == 1, (query, pages)
            with engine.connect() as conn:
                # SQLite names the unique constraint's index itself.
                index = _index_names(conn).get(column) or "sqlite_autoindex_user"
                plan = _plan(conn, *pages[0])
            assert index in plan, (query, plan)
            assert "Sort" not in plan and "TEMP B-TREE" not in plan, (query, plan)
        sa.event.remove(engine, "before_cursor_execute", note)
