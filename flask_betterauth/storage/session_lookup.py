"""The hot-path query: a session and its user by stored token, on a bare DBAPI cursor.

A protected view with the cookie cache off runs this on every request. SQLAlchemy
compiles the statement once here; each call then costs one pooled connection, one
``execute`` and the columns' own result processors, without the per-call work of
``Connection.execute`` (parameter expansion, result metadata, events).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

Row = dict[str, Any]


class _Compiled:
    """The statement for ``count`` candidate tokens, ready for the driver.

    The token column is unique, so no ``LIMIT`` is needed (and none is bound).
    """

    def __init__(self, engine: Engine, statement: sa.Select[Any], count: int) -> None:
        compiled = statement.compile(dialect=engine.dialect)
        self.sql = compiled.string
        names = [f"t{i}" for i in range(count)]
        positional = engine.dialect.paramstyle in ("qmark", "numeric", "format")
        order = list(compiled.positiontup or names) if positional else names
        self.positional = order if positional else None
        self.names = names

    def params(self, tokens: list[str]) -> Any:
        """The driver's parameters for ``tokens`` (a tuple or a mapping, per paramstyle)."""
        named = dict(zip(self.names, tokens, strict=True))
        if self.positional is None:
            return named
        return tuple(named[name] for name in self.positional)


class SessionLookup:
    """Finds ``(session, user)`` rows by up to two stored token values."""

    def __init__(self, engine: Engine, session: sa.Table, user: sa.Table) -> None:
        self.engine = engine
        self.session_keys = [c.key for c in session.c]
        self.user_keys = [c.key for c in user.c]
        dialect = engine.dialect
        #: psycopg (3) reads in autocommit mode: a lone SELECT needs no transaction.
        self.autocommit = dialect.name == "postgresql" and dialect.driver == "psycopg"
        columns = [*session.c, *user.c]
        self.processors = [
            c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns
        ]
        self.compiled = {}
        for count in (1, 2):
            params: list[Any] = [sa.bindparam(f"t{i}") for i in range(count)]
            statement = (
                sa.select(*columns)
                .join_from(session, user, session.c.userId == user.c.id)
                .where(session.c.token.in_(params))
            )
            self.compiled[count] = _Compiled(engine, statement, count)

    def find(self, tokens: list[str]) -> tuple[Row, Row] | None:
        """The session whose token column holds one of ``tokens``, with its user."""
        compiled = self.compiled[len(tokens)]
        connection = self.engine.raw_connection()
        driver = connection.driver_connection
        if self.autocommit:
            # One round trip for the read, instead of BEGIN, SELECT and the pool's ROLLBACK.
            driver.autocommit = True  # type: ignore[union-attr]
        try:
            cursor = connection.cursor()
            try:
                cursor.execute(compiled.sql, compiled.params(tokens))
                values = cursor.fetchone()
            finally:
                cursor.close()
        finally:
            if self.autocommit:
                driver.autocommit = False  # type: ignore[union-attr]
            connection.close()
        if values is None:
            return None
        values = [p(v) if p else v for p, v in zip(self.processors, values, strict=True)]
        split = len(self.session_keys)
        return (
            dict(zip(self.session_keys, values[:split], strict=True)),
            dict(zip(self.user_keys, values[split:], strict=True)),
        )
