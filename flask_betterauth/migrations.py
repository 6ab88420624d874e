"""Migrations: what the database lacks of the auth tables, and adding it.

A plan compares the app's SQLAlchemy tables (core, plugins, additional fields, renames)
with what :func:`sqlalchemy.inspect` finds in the database, and lists the tables,
columns and indexes to add. Nothing is ever dropped, renamed or rewritten: a column the
database has and the schema does not is left alone (and reported when it would stop
inserts). Applying a plan and planning again gives an empty plan. A unique index the
rows already break (two ``account`` rows for one provider account) is not attempted:
the plan is *refused*, naming the duplicates, until they are cleaned up.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.schema import CreateIndex
from sqlalchemy.schema import CreateTable
from sqlalchemy.schema import ExecutableDDLElement
from sqlalchemy.sql.compiler import DDLCompiler

from .errors import BetterAuthError
from .models import UTCDateTime

#: The dialects the DDL can be written for.
DIALECTS = ("sqlite", "postgresql", "mysql")


class AddColumn(ExecutableDDLElement):
    """``ALTER TABLE ... ADD COLUMN ...``, compiled by the dialect's own DDL compiler."""

    inherit_cache = False

    def __init__(self, table: sa.Table, column: sa.Column[Any]) -> None:
        self.table = table
        self.column = column


@compiles(AddColumn)
def _compile_add_column(element: AddColumn, compiler: DDLCompiler, **kw: Any) -> str:
    table = compiler.preparer.format_table(element.table)
    return f"ALTER TABLE {table} ADD COLUMN {compiler.get_column_specification(element.column)}"


class MigrationRefused(BetterAuthError):
    """The plan adds a unique index that rows already in the database break."""


#: How many duplicated value sets a refusal names.
SHOWN_DUPLICATES = 5


@dataclass(frozen=True)
class Step:
    """One change: create a table, add a column or create an index.

    :param kind: ``"table"``, ``"column"`` or ``"index"``.
    :param note: why the change differs from the schema (a column added as NULL-able).
    """

    kind: str
    table: sa.Table
    column: sa.Column[Any] | None = None
    index: sa.Index | None = None
    note: str | None = None

    def element(self) -> ExecutableDDLElement:
        """The DDL construct that makes this change."""
        if self.kind == "table":
            return CreateTable(self.table)
        if self.kind == "column":
            assert self.column is not None
            return AddColumn(self.table, self.column)
        assert self.index is not None
        return CreateIndex(self.index)

    def sql(self, dialect: Dialect) -> str:
        """The statement for ``dialect``, without a trailing semicolon."""
        return str(self.element().compile(dialect=dialect)).strip()

    def describe(self) -> str:
        """One line for a person: ``create table "user" (7 columns)``."""
        if self.kind == "table":
            text = f'create table "{self.table.name}" ({len(self.table.columns)} columns)'
        elif self.kind == "column":
            assert self.column is not None
            text = f'add column "{self.table.name}"."{self.column.name}"'
        else:
            assert self.index is not None
            unique = "unique index" if self.index.unique else "index"
            columns = ", ".join(f'"{c.name}"' for c in self.index.columns)
            text = f'create {unique} "{self.index.name}" on "{self.table.name}" ({columns})'
        return f"{text}: {self.note}" if self.note else text


@dataclass
class Plan:
    """The changes a database needs, in the order they must run.

    :ivar dialect: the SQLAlchemy dialect name the plan was made for.
    :ivar steps: the changes.
    :ivar warnings: things in the database that may stop the app and that a migration
        never touches (an extra required column).
    :ivar refusals: why the plan cannot be applied as is: a unique index that existing
        rows break, with the duplicated values. :func:`apply` refuses such a plan.
    """

    dialect: str
    steps: list[Step] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        """Whether the database already has everything."""
        return not self.steps

    def statements(self, dialect: Dialect) -> list[str]:
        """Every statement of the plan, compiled for ``dialect``."""
        return [step.sql(dialect) for step in self.steps]


def adapt_tables(tables: Iterable[sa.Table], dialect: str) -> list[sa.Table]:
    """Copies of the tables as ``dialect`` needs them, in dependency order.

    The copies belong to a metadata of their own, so planning never changes the app's
    tables. MySQL cannot index ``TEXT``: there ids and foreign keys become
    ``VARCHAR(36)``, other unique or indexed strings ``VARCHAR(255)`` and dates
    ``DATETIME(3)``, as in Better Auth's own MySQL schema.
    """
    metadata = sa.MetaData()
    copies = [table.to_metadata(metadata) for table in sa.schema.sort_tables(list(tables))]
    if dialect == "mysql":
        for table in copies:
            _for_mysql(table)
    return copies


def _for_mysql(table: sa.Table) -> None:
    indexed = {c.name for index in table.indexes for c in index.columns}
    for column in table.columns:
        if isinstance(column.type, UTCDateTime):
            column.type = mysql.DATETIME(fsp=3)
        elif not isinstance(column.type, sa.Text):
            continue
        elif column.primary_key or column.foreign_keys:
            column.type = sa.String(36)
        elif column.unique or column.name in indexed:
            column.type = sa.String(255)


def plan_create(tables: Iterable[sa.Table], dialect: str) -> Plan:
    """The plan for an empty database: every table and its indexes."""
    plan = Plan(dialect)
    for table in adapt_tables(tables, dialect):
        _plan_new_table(table, plan)
    return plan


def plan_migration(
    engine: Engine,
    tables: Iterable[sa.Table],
    defaults: Mapping[str, Mapping[str, Any]] | None = None,
) -> Plan:
    """The plan that brings the database behind ``engine`` up to ``tables``.

    :param defaults: the fields' default values by table and column name (the models
        leave defaults to the application); a constant one lets a required column be
        added to a table that has rows.
    """
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        plan = Plan(conn.dialect.name)
        existing = set(inspector.get_table_names())
        for table in adapt_tables(tables, plan.dialect):
            if table.name in existing:
                table_defaults = (defaults or {}).get(table.name, {})
                _plan_table(conn, inspector, table, table_defaults, plan)
            else:
                _plan_new_table(table, plan)
    return plan


def apply(engine: Engine, plan: Plan) -> int:
    """Run ``plan`` in one transaction (where the database has transactional DDL);
    returns the number of changes made.

    :raises MigrationRefused: when the plan has refusals (nothing is changed).
    """
    if plan.refusals:
        raise MigrationRefused("; ".join(plan.refusals))
    with engine.begin() as conn:
        for step in plan.steps:
            conn.execute(step.element())
    return len(plan.steps)


def _plan_new_table(table: sa.Table, plan: Plan) -> None:
    plan.steps.append(Step("table", table))
    plan.steps.extend(Step("index", table, index=index) for index in _declared_indexes(table))


def _plan_table(
    conn: Connection,
    inspector: Any,
    table: sa.Table,
    defaults: Mapping[str, Any],
    plan: Plan,
) -> None:
    present = {c["name"]: c for c in inspector.get_columns(table.name)}
    missing = [column for column in table.columns if column.name not in present]
    has_rows = bool(missing) and _has_rows(conn, table)
    for column in missing:
        default = _sql_default(column, defaults.get(column.name))
        plan.steps.append(_add_column(table, column, default, plan.dialect, has_rows))
    covered, unique = _existing_indexes(inspector, table.name, plan.dialect)
    for index in _declared_indexes(table):
        names = tuple(c.name for c in index.columns)
        if names not in (unique if index.unique else covered):
            plan.steps.append(Step("index", table, index=index))
    for names in _unique_sets(table):
        if names not in unique:
            name = f"{table.name}_{'_'.join(names)}_key"
            index = sa.Index(name, *(table.c[n] for n in names), unique=True)
            plan.steps.append(Step("index", table, index=index))
    for step in plan.steps:
        if step.table is table and step.kind == "index" and step.index is not None:
            names = tuple(c.name for c in step.index.columns)
            if step.index.unique and all(n in present for n in names):
                _refuse_duplicates(conn, table.name, names, plan)
    for name, info in present.items():
        if name not in table.columns and _blocks_inserts(info):
            plan.warnings.append(
                f'column "{table.name}"."{name}" is NOT NULL without a default and '
                "flask-betterauth never writes it: inserts into this table will fail until "
                "it is dropped, made NULL-able or given a default"
            )


def _refuse_duplicates(conn: Connection, table: str, names: tuple[str, ...], plan: Plan) -> None:
    """Add a refusal to ``plan`` when rows of ``table`` share values of ``names``
    (rows with a NULL among them never clash, as in the index itself)."""
    columns: list[sa.ColumnClause[Any]] = [sa.column(n) for n in names]
    count = sa.func.count().label("rows")
    query = (
        sa.select(*columns, count)
        .select_from(sa.table(table))
        .where(*(c.is_not(None) for c in columns))
        .group_by(*columns)
        .having(sa.func.count() > 1)
        .order_by(sa.desc("rows"), *columns)
    )
    found = conn.execute(query).all()
    if not found:
        return
    quoted = ", ".join(f'"{n}"' for n in names)
    shown = "; ".join(
        f"{tuple(str(v) for v in row[:-1])!r} in {row[-1]} rows" for row in found[:SHOWN_DUPLICATES]
    )
    more = f" (and {len(found) - SHOWN_DUPLICATES} more)" if len(found) > SHOWN_DUPLICATES else ""
    plan.refusals.append(
        f'cannot add the unique index on "{table}" ({quoted}): {len(found)} value set(s) '
        f"appear in more than one row: {shown}{more}. Delete or merge the duplicate rows, "
        "then migrate again"
    )


def _declared_indexes(table: sa.Table) -> list[sa.Index]:
    return sorted(table.indexes, key=lambda index: index.name or "")


def _unique_sets(table: sa.Table) -> list[tuple[str, ...]]:
    """The column sets of the table's unique constraints (made inline on create)."""
    return [
        tuple(c.name for c in constraint.columns)
        for constraint in table.constraints
        if isinstance(constraint, sa.UniqueConstraint)
    ]


def _existing_indexes(
    inspector: Any, table: str, dialect: str
) -> tuple[set[tuple[str, ...]], set[tuple[str, ...]]]:
    """The column sets the database indexes, and those among them it keeps unique."""
    kw = {"include_auto_indexes": True} if dialect == "sqlite" else {}
    covered: set[tuple[str, ...]] = set()
    unique: set[tuple[str, ...]] = set()
    primary = tuple(inspector.get_pk_constraint(table).get("constrained_columns") or ())
    if primary:
        covered.add(primary)
        unique.add(primary)
    for index in inspector.get_indexes(table, **kw):
        names = tuple(n for n in index["column_names"] if n is not None)
        covered.add(names)
        if index.get("unique"):
            unique.add(names)
    for constraint in inspector.get_unique_constraints(table):
        names = tuple(constraint["column_names"])
        covered.add(names)
        unique.add(names)
    return covered, unique


def _add_column(
    table: sa.Table, column: sa.Column[Any], default: Any, dialect: str, has_rows: bool
) -> Step:
    """The step that adds ``column`` to an existing table.

    A unique column gets its own unique index (a later step), as ``ADD COLUMN`` cannot
    carry ``UNIQUE``; a foreign key is left to the app. A required column keeps
    ``NOT NULL`` when the database can enforce it: with a constant default (which
    becomes the column's SQL default, filling existing rows), or on an empty table
    outside SQLite. Otherwise it is added NULL-able, and the step says so.
    """
    nullable = column.nullable
    note = None
    if not column.nullable and default is None and (has_rows or dialect == "sqlite"):
        nullable = True
        note = (
            "added NULL-able: it is required but has no constant default, so existing "
            "rows could not satisfy NOT NULL"
        )
    added = sa.Column(column.name, column.type, nullable=nullable, server_default=default)
    sa.Table(table.name, sa.MetaData(), added)
    return Step("column", table, column=added, note=note)


def _sql_default(column: sa.Column[Any], default: Any) -> Any:
    """The SQL form of a required column's constant default, if it has one."""
    if default is None or callable(default) or column.nullable:
        return None
    if isinstance(default, bool):
        return sa.true() if default else sa.false()
    if isinstance(default, (int, float)):
        return sa.text(repr(default))
    if isinstance(default, str):
        return default
    return None


def _blocks_inserts(info: Mapping[str, Any]) -> bool:
    return (
        not info.get("nullable", True)
        and info.get("default") is None
        and not (info.get("autoincrement") is True or info.get("identity") or info.get("computed"))
    )


def _has_rows(conn: Connection, table: sa.Table) -> bool:
    query = sa.select(sa.literal(1)).select_from(sa.table(table.name)).limit(1)
    return conn.execute(query).first() is not None
