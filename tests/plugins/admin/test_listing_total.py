"""list-users's ``total``: taken from a short page, counted otherwise, exact either way."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from flask_betterauth.plugins.admin.listing import total_from_page
from tests.helpers import SQLITE_ONLY
from tests.plugins.admin.conftest import Crew


@pytest.mark.parametrize(
    ("found", "limit", "offset", "total"),
    [
        (3, 20, None, 3),  # a short first page holds every match
        (1, 2, 2, 3),  # a short later page: offset + rows
        (0, 20, None, 0),  # nothing matches
        (0, None, None, 0),
        (5, None, 4, 9),  # no limit: the page runs to the last match
        (2, 2, None, None),  # a full page: more may follow
        (0, 2, 10, None),  # past the end: the offset may overshoot
        (0, None, 10, None),
    ],
)
def test_total_from_page(found: int, limit: int | None, offset: int | None, total: int) -> None:
    assert total_from_page(found, limit, offset) == total


def _counts(crew: Crew) -> list[str]:
    """The ``count(*)`` statements the app runs from now on (a list that grows)."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "count(" in statement.lower():
            seen.append(statement)

    with crew.app.app.app_context():
        sa.event.listen(crew.app.db.engine, "before_cursor_execute", note)
    return seen


@SQLITE_ONLY
def test_total_is_exact_with_or_without_the_count(crew: Crew) -> None:
    counts = _counts(crew)
    crew.boss.call("create_user", {"email": "cy@example.com", "name": "Cy", "password": "x"})

    def listed(**query: Any) -> tuple[list[str], int]:
        reply = crew.boss.call("list_users", query={"sortBy": "email", **query})
        assert reply.status == 200, reply.json
        return [u["name"] for u in reply.json["users"]], reply.json["total"]

    counts.clear()
    assert listed(limit=20) == (["Ann", "Boss", "Cy"], 3)
    assert listed(limit=2, offset=2) == (["Cy"], 3)
    assert listed(searchValue="cy", limit=5) == (["Cy"], 1)
    assert listed(searchValue="nobody") == ([], 0)
    assert counts == []  # every page above was short: no count
    assert listed(limit=2) == (["Ann", "Boss"], 3)
    assert listed(limit=2, offset=10) == ([], 3)  # past the end: counted
    assert listed(limit=1, searchValue="example", offset=1) == (["Boss"], 3)
    assert len(counts) == 3
