"""Flask-SQLAlchemy models built on the app's ``db`` from :mod:`flask_betterauth.schema`."""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import datetime
from datetime import timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from .clock import iso
from .clock import parse_iso
from .errors import BetterAuthError
from .schema import Column
from .schema import Table


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware UTC datetimes; on SQLite stored as Better Auth does, ``2026-11-23T00:28:39.925Z``."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.Text())
        return dialect.type_descriptor(sa.DateTime(timezone=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if isinstance(value, str):
            value = parse_iso(value)
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return iso(value) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            return parse_iso(value)
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(value / 1000, timezone.utc)
        moment: datetime = value
        if moment.tzinfo is None:
            return moment.replace(tzinfo=timezone.utc)
        return moment.astimezone(timezone.utc)


_TYPES: dict[str, Any] = {
    "string": sa.Text,
    "number": sa.BigInteger,
    "boolean": sa.Boolean,
    "date": UTCDateTime,
    "json": sa.JSON,
    "string[]": sa.JSON,
    "number[]": sa.JSON,
}


@dataclass(frozen=True)
class Models:
    """The auth models: ``models.User``, ``Session``, ``Account``, ``Verification`` and
    each plugin table's (``loginEvent`` is ``models.LoginEvent``).

    :ivar classes: the model classes, keyed by logical table name.
    :ivar tables: their SQLAlchemy tables, keyed the same way.
    """

    classes: dict[str, Any]
    tables: dict[str, sa.Table]

    def __getattr__(self, name: str) -> Any:
        for logical, cls in self.classes.items():
            if _class_name(logical) == name:
                return cls
        raise AttributeError(
            f"no auth model {name!r}; there are {sorted(map(_class_name, self.classes))}"
        )


def _class_name(logical: str) -> str:
    return logical[:1].upper() + logical[1:]


_cache: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], Models]] = weakref.WeakKeyDictionary()


def _sa_column(table: Table, col: Column, tables: dict[str, Table]) -> sa.Column[Any]:
    args: list[Any] = [col.column, _TYPES[col.type]()]
    if col.references:
        target, _, field_name = col.references.partition(".")
        ref = tables[target]
        args.append(
            sa.ForeignKey(f"{ref.table_name}.{ref.column(field_name).column}", ondelete="CASCADE")
        )
    return sa.Column(
        *args,
        key=col.name,
        primary_key=col.name == "id",
        nullable=not col.required,
        unique=col.unique or None,
    )


#: Names a declarative class keeps for itself: a field called so (the organization
#: table's ``metadata``) is the class attribute ``<name>_``; its column key stays the name.
_RESERVED = frozenset({"metadata", "registry", "query", "query_class"})


def _attribute(name: str) -> str:
    return f"{name}_" if name in _RESERVED else name


def _model(db: Any, table: Table, tables: dict[str, Table]) -> Any:
    attrs: dict[str, Any] = {
        "__tablename__": table.table_name,
        "__module__": __name__,
        "__doc__": f"The ``{table.table_name}`` table of Better Auth's schema.",
    }
    indexes = []
    for col in table.columns.values():
        attrs[_attribute(col.name)] = _sa_column(table, col, tables)
        if col.index and not col.unique:
            indexes.append(sa.Index(f"{table.table_name}_{col.column}_idx", col.name))
    for keys in table.composite_indexes:
        names = "_".join(table.column(key).column for key in keys)
        indexes.append(sa.Index(f"{table.table_name}_{names}_idx", *keys))
    for keys in table.unique_indexes:
        names = "_".join(table.column(key).column for key in keys)
        indexes.append(sa.Index(f"{table.table_name}_{names}_uidx", *keys, unique=True))
    attrs["__table_args__"] = tuple(indexes)
    return type(_class_name(table.name), (db.Model,), attrs)


def _signature(col: Column) -> tuple[Any, ...]:
    return (col.name, col.type, col.column, col.required, col.unique, col.index, col.references)


def build_models(db: Any, tables: dict[str, Table]) -> Models:
    """Declare the auth models on ``db`` once; later apps with the same schema share them.

    :raises BetterAuthError: when ``db`` already has a table of that name that is not ours,
        with the option that renames it.
    """
    key = tuple(
        sorted(
            (
                name,
                t.table_name,
                tuple(_signature(c) for c in t.columns.values()),
                t.composite_indexes,
                t.unique_indexes,
            )
            for name, t in tables.items()
        )
    )
    per_db = _cache.setdefault(db, {})
    if key in per_db:
        return per_db[key]
    for table in tables.values():
        if table.table_name in db.metadata.tables:
            option = "model_name"
            raise BetterAuthError(
                f"the database already has a table {table.table_name!r}; give the auth table "
                f"another name with the option {table.name}={{{option!r}: '...'}}"
            )
    classes = {name: _model(db, table, tables) for name, table in tables.items()}
    models = Models(classes, {name: cls.__table__ for name, cls in classes.items()})
    per_db[key] = models
    return models
