"""``GET /admin/list-users``: search, filter, sort and page through users, with a total."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from marshmallow import fields
from marshmallow.validate import OneOf

from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Op
from flask_betterauth.plugins import Record
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import endpoint

from .settings import admin_session
from .settings import require

logger = logging.getLogger("flask_betterauth")

#: Better Auth's ``whereOperators`` -> the adapter's.
FILTER_OPERATORS = {
    "eq": "=",
    "ne": "!=",
    "lt": "<",
    "lte": "<=",
    "gt": ">",
    "gte": ">=",
    "in": "in",
    "not_in": "not_in",
    "contains": "contains",
    "starts_with": "starts_with",
    "ends_with": "ends_with",
}


class ListUsersQuery(BodySchema):
    """The query of ``GET /admin/list-users``."""

    searchValue = StrictString()
    searchField = StrictString(validate=OneOf(["email", "name"]))
    searchOperator = StrictString(validate=OneOf(["contains", "starts_with", "ends_with"]))
    limit = fields.Raw()
    offset = fields.Raw()
    sortBy = StrictString()
    sortDirection = StrictString(validate=OneOf(["asc", "desc"]))
    filterField = StrictString()
    filterValue = fields.Raw()
    filterOperator = StrictString(validate=OneOf(list(FILTER_OPERATORS)))


def _number(value: Any) -> int | None:
    """JavaScript's ``Number(value) || undefined`` for a page size or offset."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    if number != number or number <= 0 or number in (float("inf"),):
        return None
    return int(number)


def _typed(kind: str, value: Any) -> Any:
    """A filter value as the field's type (a query string carries only strings)."""
    if isinstance(value, list):
        return [_typed(kind, item) for item in value]
    if not isinstance(value, str):
        return value
    if kind == "boolean" and value in ("true", "false"):
        return value == "true"
    if kind == "number":
        return float(value)
    if kind == "date":
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


def user_conditions(ctx: Context, query: dict[str, Any]) -> dict[str, Op]:
    """The ``where`` of a list-users query: search and filter, ANDed.

    :raises KeyError: for a field the user table does not have.
    :raises ValueError: for a filter value the field cannot hold.
    """
    table = ctx.state.tables["user"]
    conditions: list[tuple[str, Op]] = []
    if query.get("searchValue"):
        field = query.get("searchField") or "email"
        conditions.append(
            (field, Op(query.get("searchOperator") or "contains", query["searchValue"]))
        )
    if query.get("filterValue") is not None:
        field = query.get("filterField") or "email"
        value = _typed(table.column(field).type, query["filterValue"])
        operator = FILTER_OPERATORS[query.get("filterOperator") or "eq"]
        if operator in ("in", "not_in") and not isinstance(value, list):
            value = [value]
        conditions.append((field, Op(operator, value)))
    where: dict[str, list[Op]] = {}
    for field, op in conditions:
        table.column(field)
        where.setdefault(field, []).append(op)
    return {field: ops[0] if len(ops) == 1 else Op("all", ops) for field, ops in where.items()}


def total_from_page(found: int, limit: int | None, offset: int | None) -> int | None:
    """The number of matches when the page itself tells it, else ``None``.

    A page that came back short (fewer rows than ``limit``, or no ``limit``) holds the
    last match, so the total is ``offset`` plus its rows, exact as a count; an empty page
    past the first says nothing (the offset may overshoot). This spares the count,
    which on PostgreSQL reads every match, for a search that finds few users.
    """
    if limit is not None and found >= limit:
        return None
    if found == 0 and offset:
        return None
    return (offset or 0) + found


@endpoint("/admin/list-users", method="GET", query=ListUsersQuery, auth="optional")
def list_users(ctx: Context) -> dict[str, Any]:
    """Users matching the search and filter, sorted and paged, and how many match.

    ``total`` is exact, as Better Auth's count: taken from the page when the page came
    back short (:func:`total_from_page`), else counted.

    Any storage error (an unknown ``sortBy`` or filter field, a value the column cannot
    compare with) answers ``{"users": [], "total": 0}``, as Better Auth does.
    """
    _, caller = admin_session(ctx)
    require(ctx, caller, {"user": ["list"]}, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS")
    query = ctx.query
    limit, offset = _number(query.get("limit")), _number(query.get("offset"))
    sort_by = query.get("sortBy")
    try:
        where = user_conditions(ctx, query)
        sort = None
        if sort_by:
            ctx.state.tables["user"].column(sort_by)
            sort = (sort_by, query.get("sortDirection") or "asc")
        rows = ctx.adapter.find_many("user", where, limit=limit, offset=offset, sort_by=sort)
        total = total_from_page(len(rows), limit, offset)
        if total is None:
            total = ctx.adapter.count("user", where)
    except Exception:  # Better Auth swallows every adapter error here.
        logger.debug("list-users: query failed", exc_info=True)
        return {"users": [], "total": 0}
    result: dict[str, Any] = {"users": [ctx.user_json(Record(row)) for row in rows], "total": total}
    if limit is not None:
        result["limit"] = limit
    if offset is not None:
        result["offset"] = offset
    return result
