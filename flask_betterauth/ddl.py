"""The schema as text: SQL for a dialect, a SQLAlchemy models module, an Alembic revision.

``flask auth generate`` writes what these functions return. The SQL and the Alembic
revision render a :class:`~flask_betterauth.migrations.Plan` (so they hold exactly what
``flask auth migrate`` would do); the models module describes every table.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from collections.abc import Mapping
from datetime import datetime
from datetime import timezone
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from .migrations import DIALECTS
from .migrations import Plan
from .migrations import Step
from .migrations import adapt_tables
from .models import UTCDateTime

FORMATS = ("sql", "sqlalchemy", "alembic")


def dialect_named(name: str) -> Dialect:
    """A SQLAlchemy dialect object for ``sqlite``, ``postgresql`` or ``mysql``."""
    if name not in DIALECTS:
        raise ValueError(f"unknown dialect {name!r}; use one of {', '.join(DIALECTS)}")
    module = __import__(f"sqlalchemy.dialects.{name}", fromlist=["dialect"])
    dialect: Dialect = module.dialect()
    return dialect


def render_sql(plan: Plan, version: str) -> str:
    """The plan as a SQL script for its dialect, one statement per paragraph."""
    dialect = dialect_named(plan.dialect)
    lines = [f"-- Better Auth tables for {plan.dialect}, by flask-betterauth {version}."]
    if plan.empty:
        lines.append("-- The database already has every table, column and index.")
    for step in plan.steps:
        lines.append("")
        if step.note:
            lines.append(f"-- {step.note}")
        lines.append(step.sql(dialect) + ";")
    for warning in plan.warnings:
        lines.append(f"-- warning: {warning}")
    return "\n".join(lines) + "\n"


def split_sql(script: str) -> list[str]:
    """The statements of a script :func:`render_sql` wrote, without comments."""
    statements = []
    for chunk in script.split(";\n"):
        body = "\n".join(
            line for line in chunk.splitlines() if not line.lstrip().startswith("--")
        ).strip()
        if body:
            statements.append(body)
    return statements


# -- Python source ---------------------------------------------------------------------


def _type(type_: Any) -> str:
    if isinstance(type_, UTCDateTime):
        return "UTCDateTime()"
    prefix = "mysql." if type(type_).__module__.startswith("sqlalchemy.dialects.mysql") else "sa."
    return prefix + repr(type_)


def _column(column: sa.Column[Any], *, table_level: bool) -> str:
    """``sa.Column(...)``; ``table_level`` leaves keys and constraints to the table."""
    args = [repr(column.name), _type(column.type)]
    if not table_level:
        for fk in column.foreign_keys:
            ondelete = f", ondelete={fk.ondelete!r}" if fk.ondelete else ""
            args.append(f"sa.ForeignKey({fk.target_fullname!r}{ondelete})")
        if column.primary_key:
            args.append("primary_key=True")
        if column.unique:
            args.append("unique=True")
    args.append(f"nullable={column.nullable!r}")
    if column.server_default is not None:
        args.append(f"server_default={_server_default(column.server_default)}")
    return f"sa.Column({', '.join(args)})"


def _server_default(default: Any) -> str:
    arg = default.arg
    if isinstance(arg, str):
        return repr(arg)
    if isinstance(arg, sa.sql.elements.True_):
        return "sa.true()"
    if isinstance(arg, sa.sql.elements.False_):
        return "sa.false()"
    return f"sa.text({str(arg)!r})"


def _class_name(logical: str) -> str:
    return logical[:1].upper() + logical[1:]


def _imports(columns: Iterable[sa.Column[Any]], *, alembic: bool) -> list[str]:
    types = [_type(c.type) for c in columns]
    lines = ["from alembic import op"] if alembic else []
    lines.append("import sqlalchemy as sa")
    if any(t.startswith("mysql.") for t in types):
        lines.append("from sqlalchemy.dialects import mysql")
    if not alembic:
        lines.append("from sqlalchemy.orm import DeclarativeBase")
    if any(t.startswith("UTCDateTime") for t in types):
        lines.append("")
        lines.append("from flask_betterauth.models import UTCDateTime")
    return lines


def render_models(tables: Mapping[str, sa.Table], dialect: str, version: str) -> str:
    """A Python module declaring every auth table as a SQLAlchemy declarative model.

    :param tables: the app's tables by logical name (``state.models.tables``).
    """
    adapted = {t.name: t for t in adapt_tables(tables.values(), dialect)}
    source = [
        '"""Better Auth\'s tables as SQLAlchemy models.',
        "",
        f"Written by ``flask auth generate --format sqlalchemy`` (flask-betterauth {version}).",
        "flask-betterauth declares these models on the app's ``db`` itself",
        "(``auth.models.User``, ...); this module is for code that needs the schema",
        "without the app: an Alembic environment, a script, another service.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        *_imports((c for t in adapted.values() for c in t.columns), alembic=False),
        "",
        "",
        "class Base(DeclarativeBase):",
        '    """The metadata of the auth tables."""',
    ]
    for logical, original in tables.items():
        table = adapted[original.name]
        source += ["", "", f"class {_class_name(logical)}(Base):"]
        source.append(f'    """The ``{table.name}`` table."""')
        source += ["", f"    __tablename__ = {table.name!r}"]
        for column in table.columns:
            source.append(f"    {column.key} = {_column(column, table_level=False)}")
        indexes = sorted(table.indexes, key=lambda ix: ix.name or "")
        if indexes:
            source.append("    __table_args__ = (")
            for index in indexes:
                names = ", ".join(repr(c.key) for c in index.columns)
                unique = ", unique=True" if index.unique else ""
                source.append(f"        sa.Index({index.name!r}, {names}{unique}),")
            source.append("    )")
    return "\n".join(source) + "\n"


# -- Alembic -------------------------------------------------------------------------


def _create_table(table: sa.Table) -> list[str]:
    lines = ["    op.create_table(", f"        {table.name!r},"]
    for column in table.columns:
        lines.append(f"        {_column(column, table_level=True)},")
    primary = ", ".join(repr(c.name) for c in table.primary_key.columns)
    lines.append(f"        sa.PrimaryKeyConstraint({primary}),")
    for constraint in sorted(table.constraints, key=lambda c: type(c).__name__):
        if isinstance(constraint, sa.UniqueConstraint):
            names = ", ".join(repr(c.name) for c in constraint.columns)
            lines.append(f"        sa.UniqueConstraint({names}),")
        elif isinstance(constraint, sa.ForeignKeyConstraint):
            local = [c.name for c in constraint.columns]
            remote = [fk.target_fullname for fk in constraint.elements]
            ondelete = f", ondelete={constraint.ondelete!r}" if constraint.ondelete else ""
            lines.append(f"        sa.ForeignKeyConstraint({local!r}, {remote!r}{ondelete}),")
    lines.append("    )")
    return lines


def _upgrade(step: Step) -> list[str]:
    if step.kind == "table":
        return _create_table(step.table)
    if step.kind == "column":
        assert step.column is not None
        return [f"    op.add_column({step.table.name!r}, {_column(step.column, table_level=True)})"]
    assert step.index is not None
    names = [c.name for c in step.index.columns]
    return [
        f"    op.create_index({step.index.name!r}, {step.table.name!r}, {names!r}, "
        f"unique={bool(step.index.unique)!r})"
    ]


def _downgrade(step: Step) -> str:
    if step.kind == "table":
        return f"    op.drop_table({step.table.name!r})"
    if step.kind == "column":
        assert step.column is not None
        return f"    op.drop_column({step.table.name!r}, {step.column.name!r})"
    assert step.index is not None
    return f"    op.drop_index({step.index.name!r}, table_name={step.table.name!r})"


def render_alembic(
    plan: Plan, version: str, *, revision: str | None = None, down_revision: str | None = None
) -> str:
    """The plan as an Alembic revision module (Flask-Migrate's ``migrations/versions``).

    :param down_revision: the revision this one follows; ``None`` makes it a base, which
        an app that already has revisions changes to its current head.
    """
    revision = revision or secrets.token_hex(6)
    created = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    columns = [
        column
        for step in plan.steps
        for column in (step.table.columns if step.kind == "table" else [step.column])
        if column is not None
    ]
    upgrade = [line for step in plan.steps for line in _upgrade(step)] or ["    pass"]
    downgrade = [_downgrade(step) for step in reversed(plan.steps)] or ["    pass"]
    source = [
        '"""Better Auth tables.',
        "",
        f"Revision ID: {revision}",
        f"Revises: {down_revision or ''}",
        f"Create Date: {created}",
        "",
        f"Written by ``flask auth generate --format alembic`` (flask-betterauth {version}).",
        '"""',
        "",
        *_imports(columns, alembic=True),
        "",
        f"revision = {revision!r}",
        f"down_revision = {down_revision!r}",
        "branch_labels = None",
        "depends_on = None",
        "",
        "",
        "def upgrade() -> None:",
        *upgrade,
        "",
        "",
        "def downgrade() -> None:",
        *downgrade,
    ]
    return "\n".join(source) + "\n"
