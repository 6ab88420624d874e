"""The storage interface every backend implements, in Better Auth's logical field names."""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any
from typing import Protocol

Row = dict[str, Any]


class ConflictError(Exception):
    """A write broke a unique constraint (two sign-ups with one email, at once)."""


class WriteRefused(Exception):
    """A database hook refused a write; ``code`` is the error the endpoint answers with."""

    def __init__(self, model: str, operation: str) -> None:
        super().__init__(f"a database hook refused to {operation} a {model}")
        self.model = model
        self.operation = operation
        self.code = f"FAILED_TO_{operation.upper()}_{model.upper()}"


@dataclass(frozen=True)
class Op:
    """A comparison other than equality in a ``where`` mapping: ``{"expiresAt": Op("<", t)}``.

    Operators: ``<``, ``<=``, ``>``, ``>=``, ``!=``, ``in``, ``not_in``; for text,
    ``contains``, ``starts_with`` and ``ends_with`` (SQL ``LIKE``, the value's ``%`` and
    ``_`` taken literally; case sensitivity is the database's); and ``all``, whose value
    is a sequence of :class:`Op` that must all hold (several conditions on one field).
    """

    operator: str
    value: Any


Where = Mapping[str, Any]


class Adapter(Protocol):
    """Create, find, count, update and delete rows of the auth tables.

    ``model`` is a logical table name (``"user"``), field names are logical
    (``"emailVerified"``), a ``where`` mapping ANDs its conditions. Each call commits on
    its own unless it runs inside :meth:`transaction`.
    """

    def create(self, model: str, data: Mapping[str, Any]) -> Row: ...

    def find_one(self, model: str, where: Where) -> Row | None: ...

    def find_many(
        self,
        model: str,
        where: Where | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
        sort_by: tuple[str, str] | None = None,
    ) -> list[Row]: ...

    def count(self, model: str, where: Where | None = None) -> int: ...

    def update(self, model: str, where: Where, data: Mapping[str, Any]) -> Row | None: ...

    def update_many(self, model: str, where: Where, data: Mapping[str, Any]) -> int: ...

    def delete_many(self, model: str, where: Where) -> int: ...

    def find_session(self, tokens: list[str]) -> tuple[Row, Row] | None:
        """The session whose stored token is one of ``tokens``, with its user: one query."""
        ...

    def transaction(self) -> AbstractContextManager[None]: ...


def iter_where(where: Where | None) -> Iterator[tuple[str, Op]]:
    """Each condition of ``where`` as ``(field, Op)``, equality made explicit."""
    for name, value in (where or {}).items():
        yield name, value if isinstance(value, Op) else Op("=", value)
