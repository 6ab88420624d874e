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
from sqlalchemy.pool import Pool

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
        """The session whose token column holds one of ``tokens``, with its user.

        A pooled connection the server has closed (it restarted, or cut an idle
        connection) is dropped from the pool and the read runs again on another: the
        read changes nothing, so trying it again is safe, and the hot path needs no
        ``pool_pre_ping`` round trip before every request to survive a restart. A
        connection that cannot be opened at all is not retried.
        """
        compiled = self.compiled[len(tokens)]
        params = compiled.params(tokens)
        try:
            row = self._fetch(compiled.sql, params, may_retry=True)
        except _Stale:
            row = self._fetch_after_stale(compiled.sql, params)
        if row is None:
            return None
        values = [p(v) if p else v for p, v in zip(self.processors, row, strict=True)]
        split = len(self.session_keys)
        return (
            dict(zip(self.session_keys, values[:split], strict=True)),
            dict(zip(self.user_keys, values[split:], strict=True)),
        )

    def _fetch_after_stale(self, sql: str, params: Any) -> Any:
        """:meth:`_fetch` again after a stale connection: every idle pooled connection
        may be stale too (a restart closed them all), and past them one is new. Counted
        only here, so that the usual request does not ask the pool."""
        retries = _idle_connections(self.engine.pool)
        while True:
            try:
                return self._fetch(sql, params, may_retry=retries > 0)
            except _Stale:
                retries -= 1

    def _fetch(self, sql: str, params: Any, may_retry: bool) -> Any:
        """One row (or ``None``) on a pooled connection.

        :raises _Stale: the server had closed the connection (now dropped from the pool)
            and ``may_retry``; without it, the driver's error.
        """
        connection = self.engine.raw_connection()
        driver = connection.driver_connection
        if self.autocommit:
            # One round trip for the read, instead of BEGIN, SELECT and the pool's ROLLBACK.
            driver.autocommit = True  # type: ignore[union-attr]
        cursor = None
        try:
            cursor = connection.cursor()
            cursor.execute(sql, params)
            values = cursor.fetchone()
            cursor.close()
        except self.engine.dialect.loaded_dbapi.Error as error:
            if not self.engine.dialect.is_disconnect(error, driver, cursor):
                raise
            connection.invalidate(error)
            if may_retry:
                raise _Stale from error
            raise
        finally:
            if self.autocommit and connection.is_valid:
                driver.autocommit = False  # type: ignore[union-attr]
            connection.close()
        return values


class _Stale(Exception):
    """The pooled connection had been closed by the database server; try another."""


def _idle_connections(pool: Pool) -> int:
    """How many connections wait in ``pool`` (a queue pool's count; 0 for the others)."""
    checkedin = getattr(pool, "checkedin", None)
    return int(checkedin()) if callable(checkedin) else 0
