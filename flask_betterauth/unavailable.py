"""A database that cannot answer: ``503 DATABASE_UNAVAILABLE`` with ``Retry-After``,
never a ``500``.

PostgreSQL restarting, a connection cut, a statement cancelled by
``statement_timeout``, a lock wait over ``lock_timeout``, a pool with no free
connection after ``pool_timeout``, SQLite's ``database is locked``: each is a moment
when the database cannot serve, not a bug, and the client should try again shortly.
:func:`database_unavailable` tells these apart from errors that are bugs (a missing
table, a constraint, bad SQL), which stay ``500``.

Both faces answer alike: :func:`~flask_betterauth.dispatch.dispatch` turns such an error
into :class:`DatabaseUnavailable` (so ``auth.api`` raises it and ``on_api_error`` sees
it), and an app-wide error handler answers it for views outside the endpoints
(``login_required``, the pages, the rate limiter's database storage).

SQLAlchemy wraps driver errors, except on the hot path's bare DBAPI cursor
(:mod:`flask_betterauth.storage.session_lookup`), whose errors arrive as the driver's
own classes; both are recognised.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
import sqlalchemy.exc as sa_exc

from .errors import APIError

logger = logging.getLogger("flask_betterauth")

#: Seconds a client is asked to wait (``Retry-After``) before trying again.
RETRY_AFTER_SECONDS = 1

#: Driver error classes (by name, so that no driver needs importing) that mean the
#: database could not serve: PEP 249's connection-level errors.
_DRIVER_CLASS_NAMES = frozenset({"OperationalError", "InterfaceError"})

#: SQLite reports bugs and busy moments alike as ``OperationalError``; only these
#: messages mean "busy or unreachable".
_SQLITE_BUSY = ("database is locked", "database table is locked", "unable to open database",
                "disk i/o error")  # fmt: skip


class DatabaseUnavailable(APIError):
    """The database cannot answer now: ``503`` ``DATABASE_UNAVAILABLE`` with
    ``Retry-After``.

    :param detail: what failed, for logs; the client sees only the catalogue message.
    """

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            503, "DATABASE_UNAVAILABLE", headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        )
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})" if self.detail else self.message


def _driver_error_unavailable(error: BaseException) -> bool:
    names = {cls.__name__ for cls in type(error).__mro__}
    if not names & _DRIVER_CLASS_NAMES:
        return False
    if type(error).__module__.startswith(("sqlite3", "pysqlite")):
        text = str(error).lower()
        return any(busy in text for busy in _SQLITE_BUSY)
    return True


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error`` means the database cannot serve now (not a bug)."""
    if isinstance(error, sa_exc.TimeoutError):  # no pooled connection within pool_timeout
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        if not isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)):
            return False
        return error.orig is None or _driver_error_unavailable(error.orig)
    if isinstance(error, sa_exc.SQLAlchemyError):
        return False
    return _driver_error_unavailable(error)


def as_unavailable(error: BaseException) -> DatabaseUnavailable | None:
    """``error`` as a :class:`DatabaseUnavailable` (logged), or ``None`` when it is not one."""
    if not database_unavailable(error):
        return None
    detail = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
    logger.warning("database unavailable, answered 503: %s", detail)
    return DatabaseUnavailable(detail)


def handled_classes(database_uri: Any) -> tuple[type[Exception], ...]:
    """The exception classes to give an app-wide handler: SQLAlchemy's, and the
    connection-level errors of the driver named by ``database_uri`` (the hot path raises
    them bare). An URI that does not parse, or a driver not installed, adds none."""
    classes: list[type[Exception]] = [
        sa_exc.OperationalError,
        sa_exc.InterfaceError,
        sa_exc.TimeoutError,
    ]
    try:
        dbapi = sa.engine.make_url(database_uri).get_dialect().import_dbapi()
    except Exception:  # noqa: BLE001 (no URI, an unknown dialect, a missing driver)
        return tuple(classes)
    for name in sorted(_DRIVER_CLASS_NAMES):
        cls = getattr(dbapi, name, None)
        if isinstance(cls, type) and issubclass(cls, Exception) and cls not in classes:
            classes.append(cls)
    return tuple(classes)
