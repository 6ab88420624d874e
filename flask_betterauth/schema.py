"""The table definitions, as data: core tables plus additional fields and renames.

Models, the CLI's DDL and migrations are all made from this one description. Field names
here are Better Auth's logical names (``emailVerified``); ``column`` is what the database
calls them after ``fields`` renames.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from dataclasses import replace
from functools import cached_property
from typing import Any

from .errors import BetterAuthError
from .options import Options
from .options.groups import FieldOptions


@dataclass(frozen=True)
class Column:
    """One field of a table.

    :param name: the logical (wire) name, e.g. ``emailVerified``.
    :param type: one of :data:`~flask_betterauth.options.FIELD_TYPES`.
    :param column: the column name in the database.
    :param references: ``"table.field"`` for a foreign key (cascading deletes).
    :param input: whether a client may set it (additional fields only).
    :param returned: whether it is sent on the wire.
    :param core: whether it is one of Better Auth's own columns.
    """

    name: str
    type: str
    column: str
    required: bool = True
    unique: bool = False
    index: bool = False
    references: str | None = None
    default: Any = None
    input: bool = True
    returned: bool = True
    core: bool = True


@dataclass(frozen=True)
class Table:
    """One table: its logical name, its name in the database and its columns."""

    name: str
    table_name: str
    columns: dict[str, Column] = field(default_factory=dict)
    #: Indexes over several fields (logical names), for the queries a plugin makes.
    composite_indexes: tuple[tuple[str, ...], ...] = ()
    #: Unique indexes over several fields (logical names): no two rows share the values.
    unique_indexes: tuple[tuple[str, ...], ...] = ()

    def column(self, name: str) -> Column:
        """The column with logical name ``name``."""
        return self.columns[name]

    @cached_property
    def wire_fields(self) -> tuple[tuple[str, bool], ...]:
        """``(name, is_date)`` of each field sent on the wire, in order (worked out once)."""
        return tuple((c.name, c.type == "date") for c in self.columns.values() if c.returned)

    @property
    def additional(self) -> list[Column]:
        """The app's additional fields, in declaration order."""
        return [c for c in self.columns.values() if not c.core]


def _core(name: str, type_: str, **kw: Any) -> Column:
    return Column(name=name, type=type_, column=name, **kw)


CORE_TABLES: dict[str, list[Column]] = {
    "user": [
        _core("id", "string"),
        _core("name", "string"),
        _core("email", "string", unique=True),
        _core("emailVerified", "boolean", default=False, input=False),
        _core("image", "string", required=False),
        _core("createdAt", "date"),
        _core("updatedAt", "date"),
    ],
    "session": [
        _core("id", "string"),
        _core("expiresAt", "date"),
        _core("token", "string", unique=True),
        _core("createdAt", "date"),
        _core("updatedAt", "date"),
        _core("ipAddress", "string", required=False),
        _core("userAgent", "string", required=False),
        _core("userId", "string", index=True, references="user.id"),
    ],
    "account": [
        _core("id", "string"),
        _core("accountId", "string"),
        _core("providerId", "string"),
        _core("userId", "string", index=True, references="user.id"),
        _core("accessToken", "string", required=False, returned=False),
        _core("refreshToken", "string", required=False, returned=False),
        _core("idToken", "string", required=False, returned=False),
        _core("accessTokenExpiresAt", "date", required=False, returned=False),
        _core("refreshTokenExpiresAt", "date", required=False, returned=False),
        _core("scope", "string", required=False),
        _core("password", "string", required=False, returned=False),
        _core("createdAt", "date"),
        _core("updatedAt", "date"),
    ],
    "verification": [
        _core("id", "string"),
        _core("identifier", "string", index=True),
        _core("value", "string"),
        _core("expiresAt", "date"),
        _core("createdAt", "date"),
        _core("updatedAt", "date"),
    ],
    # Built only with rate_limit={"storage": "database"} (see build_schema).
    "rateLimit": [
        _core("id", "string"),
        _core("key", "string", unique=True),
        _core("count", "number"),
        _core("lastRequest", "number"),
    ],
}


def _additional(name: str, spec: FieldOptions) -> Column:
    return Column(
        name=name,
        type=spec.type,
        column=spec.field_name or name,
        required=spec.required,
        unique=spec.unique,
        index=spec.index,
        default=spec.default_value,
        input=spec.input,
        returned=spec.returned,
        references=spec.references,
        core=False,
    )


#: Unique indexes of the core tables. ``account(providerId, accountId)``: one provider
#: account belongs to one user, even when two flows link it at the same moment (the
#: flows' check-then-insert is not atomic; the loser's insert fails instead).
CORE_UNIQUE: dict[str, tuple[tuple[str, ...], ...]] = {
    "account": (("providerId", "accountId"),),
}


def _table(
    name: str,
    model_name: str | None,
    renames: Mapping[str, str],
    additional: Mapping[str, FieldOptions],
) -> Table:
    columns: dict[str, Column] = {}
    for col in CORE_TABLES[name]:
        columns[col.name] = replace(col, column=renames.get(col.name, col.name))
    for key in renames:
        if key not in columns:
            raise BetterAuthError(f"option '{name}.fields' renames unknown field {key!r}")
    for key, spec in additional.items():
        if key in columns:
            raise BetterAuthError(
                f"option '{name}.additional_fields.{key}' clashes with a core field"
            )
        columns[key] = _additional(key, spec)
    return Table(
        name=name,
        table_name=model_name or name,
        columns=columns,
        unique_indexes=CORE_UNIQUE.get(name, ()),
    )


def _plugin_fields(table: str, fields: Mapping[str, Any]) -> dict[str, FieldOptions]:
    result = {}
    for name, spec in fields.items():
        if isinstance(spec, FieldOptions):
            result[name] = spec
        elif isinstance(spec, Mapping):
            try:
                result[name] = FieldOptions(**spec)
            except TypeError as error:
                raise BetterAuthError(f"plugin schema field {table}.{name}: {error}") from None
        else:
            raise BetterAuthError(f"plugin schema field {table}.{name} must be a mapping")
    return result


def _composite(table: str, columns: Mapping[str, Column], keys: Sequence[str]) -> tuple[str, ...]:
    missing = [key for key in keys if key not in columns]
    if missing or len(keys) < 2:
        raise BetterAuthError(f"plugin index on {table}{tuple(keys)}: needs two or more fields")
    return tuple(keys)


def _uniques(
    table: str, columns: Mapping[str, Column], spec: Mapping[str, Any]
) -> tuple[tuple[str, ...], ...]:
    found = []
    for keys in spec.get("unique_indexes", ()):
        if not isinstance(keys, tuple | list):
            raise BetterAuthError(
                f"plugin unique index on {table}: {keys!r} is not a tuple of fields "
                "(a single unique field is the field's own 'unique': True)"
            )
        found.append(_composite(table, columns, keys))
    return tuple(found)


def add_plugin_tables(
    tables: dict[str, Table], schemas: Sequence[Mapping[str, Mapping[str, Any]]]
) -> dict[str, Table]:
    """``tables`` with plugin schemas applied: new fields on existing tables, new tables.

    A schema maps a logical table name to ``{"fields": {...}, "model_name": ...}``; a new
    table gets a string ``id`` primary key. ``"indexes": ["createdAt"]`` indexes fields
    the table already has (a core table's, for the queries a plugin makes on it); an
    entry that is a tuple of fields (``("organizationId", "createdAt")``) is one index
    over them, on a new table or an existing one. ``"unique_indexes": [("a", "b")]``
    makes unique indexes over two or more fields: no two rows may share those values.
    """
    result = dict(tables)
    for schema in schemas:
        for name, spec in schema.items():
            fields = _plugin_fields(name, spec.get("fields", {}))
            if name in result:
                current = result[name]
                columns = dict(current.columns)
                for key, field_spec in fields.items():
                    if key in columns:
                        raise BetterAuthError(f"plugin field {name}.{key} already exists")
                    columns[key] = _additional(key, field_spec)
                composite = current.composite_indexes
                for key in spec.get("indexes", ()):
                    if isinstance(key, tuple | list):
                        composite = (*composite, _composite(name, columns, key))
                        continue
                    if key not in columns:
                        raise BetterAuthError(f"plugin index on {name}.{key}: no such field")
                    columns[key] = replace(columns[key], index=True)
                unique = (*current.unique_indexes, *_uniques(name, columns, spec))
                result[name] = replace(
                    current, columns=columns, composite_indexes=composite, unique_indexes=unique
                )
            else:
                columns = {"id": _core("id", "string")}
                columns.update({key: _additional(key, f) for key, f in fields.items()})
                composite = tuple(
                    _composite(name, columns, key)
                    for key in spec.get("indexes", ())
                    if isinstance(key, tuple | list)
                )
                result[name] = Table(
                    name,
                    spec.get("model_name") or name,
                    columns,
                    composite,
                    _uniques(name, columns, spec),
                )
    return result


def build_schema(
    options: Options, plugin_schemas: Sequence[Mapping[str, Any]] = ()
) -> dict[str, Table]:
    """The tables the app's options and plugins call for, keyed by logical table name."""
    tables = {
        "user": _table(
            "user", options.user.model_name, options.user.fields, options.user.additional_fields
        ),
        "session": _table(
            "session",
            options.session.model_name,
            options.session.fields,
            options.session.additional_fields,
        ),
        "account": _table("account", options.account.model_name, options.account.fields, {}),
        "verification": _table(
            "verification", options.verification.model_name, options.verification.fields, {}
        ),
    }
    if options.rate_limit.storage == "database":
        limits = options.rate_limit
        tables["rateLimit"] = _table("rateLimit", limits.model_name, limits.fields, {})
    tables = add_plugin_tables(tables, plugin_schemas)
    names = [t.table_name for t in tables.values()]
    if len(set(names)) != len(names):
        raise BetterAuthError(f"two auth tables share one name: {names}")
    return tables
