"""The adapter over SQLAlchemy Core, on the engine Flask-SQLAlchemy made for the app."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine

from .base import ConflictError
from .base import Op
from .base import Row
from .base import Where
from .base import iter_where
from .prefix import sqlite_prefix_clause
from .session_lookup import SessionLookup

_OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "=": lambda c, v: c.is_(None) if v is None else c == v,
    "!=": lambda c, v: c.is_not(None) if v is None else c != v,
    "<": lambda c, v: c < v,
    "<=": lambda c, v: c <= v,
    ">": lambda c, v: c > v,
    ">=": lambda c, v: c >= v,
    "in": lambda c, v: c.in_(list(v)),
    "not_in": lambda c, v: c.not_in(list(v)),
    "contains": lambda c, v: c.contains(v, autoescape=True),
    "starts_with": lambda c, v: c.startswith(v, autoescape=True),
    "ends_with": lambda c, v: c.endswith(v, autoescape=True),
}


def _clause(column: Any, op: Op) -> Any:
    if op.operator == "all":
        return sa.and_(sa.true(), *(_clause(column, inner) for inner in op.value))
    return _OPERATORS[op.operator](column, op.value)


class SQLAlchemyAdapter:
    """Reads and writes the auth tables with SQLAlchemy Core.

    It works on its own connections from the app's engine, not on ``db.session``, so an
    auth write never commits or rolls back the app's unit of work.

    :param tables: the SQLAlchemy tables, keyed by logical table name.
    :param get_engine: returns the engine; called once, on first use.
    """

    def __init__(self, tables: Mapping[str, sa.Table], get_engine: Callable[[], Engine]) -> None:
        self.tables = dict(tables)
        self._get_engine = get_engine
        self._engine: Engine | None = None
        self._conn: ContextVar[Connection | None] = ContextVar("betterauth_conn", default=None)
        self._lookup: SessionLookup | None = None
        session, user = self.tables["session"], self.tables["user"]
        self._session_cols = list(session.c)
        self._user_cols = list(user.c)
        self._find_session = (
            sa.select(*self._session_cols, *self._user_cols)
            .join_from(session, user, session.c.userId == user.c.id)
            .where(session.c.token.in_(sa.bindparam("tokens", expanding=True)))
            .limit(1)
        )

    @property
    def engine(self) -> Engine:
        """The engine, resolved on first use (``db.init_app`` may come after ours)."""
        if self._engine is None:
            self._engine = self._get_engine()
        return self._engine

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        current = self._conn.get()
        if current is not None:
            yield current
            return
        with self.engine.begin() as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the adapter calls inside the block in one transaction (nesting joins it)."""
        if self._conn.get() is not None:
            yield
            return
        with self.engine.begin() as conn:
            token = self._conn.set(conn)
            try:
                yield
            finally:
                self._conn.reset(token)

    def _condition(self, table: sa.Table, where: Where | None) -> Any:
        clauses = []
        for name, op in iter_where(where):
            clauses.append(_clause(table.c[name], op))
            if op.operator == "starts_with" and self.engine.dialect.name == "sqlite":
                ranges = sqlite_prefix_clause(table.c[name], op.value)  # an index can serve
                if ranges is not None:
                    clauses.append(ranges)
        return sa.and_(sa.true(), *clauses)

    @staticmethod
    def _row(columns: list[sa.Column[Any]], values: Any) -> Row:
        return {col.key: value for col, value in zip(columns, values, strict=True)}

    def create(self, model: str, data: Mapping[str, Any]) -> Row:
        table = self.tables[model]
        try:
            with self._connection() as conn:
                conn.execute(table.insert().values(**data))
        except sa.exc.IntegrityError as error:
            raise ConflictError(f"{model}: {error.orig}") from error
        row = {col.key: None for col in table.c}
        row.update(data)
        return row

    def find_one(self, model: str, where: Where) -> Row | None:
        rows = self.find_many(model, where, limit=1)
        return rows[0] if rows else None

    def find_many(
        self,
        model: str,
        where: Where | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
        sort_by: tuple[str, str] | None = None,
    ) -> list[Row]:
        table = self.tables[model]
        query = sa.select(table)
        if where:
            query = query.where(self._condition(table, where))
        if sort_by is not None:
            column = table.c[sort_by[0]]
            query = query.order_by(column.desc() if sort_by[1] == "desc" else column.asc())
        if limit is not None:
            query = query.limit(limit)
        if offset:
            query = query.offset(offset)
        columns = list(table.c)
        with self._connection() as conn:
            return [self._row(columns, values) for values in conn.execute(query)]

    def count(self, model: str, where: Where | None = None) -> int:
        table = self.tables[model]
        query = sa.select(sa.func.count()).select_from(table)
        if where:
            # No WHERE at all (not ``WHERE 1 = 1``): SQLite then counts from the b-tree.
            query = query.where(self._condition(table, where))
        with self._connection() as conn:
            return int(conn.execute(query).scalar_one())

    def update(self, model: str, where: Where, data: Mapping[str, Any]) -> Row | None:
        with self.transaction():
            row = self.find_one(model, where)
            if row is None:
                return None
            self.update_many(model, {"id": row["id"]}, data)
        row.update(data)
        return row

    def update_many(self, model: str, where: Where, data: Mapping[str, Any]) -> int:
        table = self.tables[model]
        query = table.update().where(self._condition(table, where)).values(**data)
        try:
            with self._connection() as conn:
                return int(conn.execute(query).rowcount)
        except sa.exc.IntegrityError as error:
            raise ConflictError(f"{model}: {error.orig}") from error

    def delete_many(self, model: str, where: Where) -> int:
        table = self.tables[model]
        with self._connection() as conn:
            return int(conn.execute(table.delete().where(self._condition(table, where))).rowcount)

    def find_session(self, tokens: list[str]) -> tuple[Row, Row] | None:
        if self._conn.get() is None and len(tokens) <= 2:
            if self._lookup is None:
                self._lookup = SessionLookup(
                    self.engine, self.tables["session"], self.tables["user"]
                )
            return self._lookup.find(tokens)
        with self._connection() as conn:
            values = conn.execute(self._find_session, {"tokens": tokens}).first()
        if values is None:
            return None
        split = len(self._session_cols)
        return self._row(self._session_cols, values[:split]), self._row(
            self._user_cols, values[split:]
        )
