"""Helpers for the CLI, migration and Better Auth database tests.

An app builder that leaves the database alone (the core's ``build_app`` creates the
tables, and these tests are about who creates them), a second empty database of the same
kind, a comparable description of a database's schema, the ``flask auth`` commands run
in-process (``invoke_auth``) and the ``flask`` command run as a real subprocess on a small
app module.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from tests.helpers import TestApp
from tests.helpers import build_app

#: An app module for ``flask --app cliapp``: the database and secret come from the
#: environment, the options from ``CLIAPP_FIELDS`` (additional user fields, JSON).
APP_MODULE = """\
import json
import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from flask_betterauth import BetterAuth

db = SQLAlchemy()
auth = BetterAuth()


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["CLIAPP_DATABASE_URL"]
    app.config["BETTER_AUTH_SECRET"] = os.environ["CLIAPP_SECRET"]
    app.config["BETTER_AUTH_URL"] = "http://localhost"
    db.init_app(app)
    fields = json.loads(os.environ.get("CLIAPP_FIELDS", "{}"))
    auth.init_app(
        app,
        db,
        email_and_password={"enabled": True, "password": {"bcrypt_rounds": 4}},
        user={"additional_fields": fields},
    )
    return app
"""


def build_bare_app(
    database_url: str, config: dict[str, Any] | None = None, **options: Any
) -> TestApp:
    """A testing app on ``database_url`` whose tables are NOT created."""
    return build_app(database_url, config, create_tables=False, **options)


def engine_of(test_app: TestApp) -> sa.engine.Engine:
    """The app's engine."""
    with test_app.app.app_context():
        engine: sa.engine.Engine = test_app.db.engine
        return engine


def invoke_auth(test_app: TestApp, *args: str) -> Any:
    """Run ``flask auth *args`` on the app in-process; the click result."""
    return test_app.app.test_cli_runner().invoke(args=["auth", *args])


@contextmanager
def another_database(request: pytest.FixtureRequest, like: str, tmp_path: Path) -> Iterator[str]:
    """A new empty database of the same kind as ``like`` (SQLite file or PostgreSQL)."""
    if like.startswith("sqlite"):
        index = len(list(tmp_path.glob("other-*.sqlite")))
        yield f"sqlite:///{tmp_path}/other-{index}.sqlite"
        return
    server = request.getfixturevalue("postgresql_server")
    url = server.create_database()
    try:
        yield url
    finally:
        sa.create_engine(url).dispose()
        server.drop_database(url.rsplit("/", 1)[1])


def schema_of(engine: sa.engine.Engine) -> dict[str, Any]:
    """Tables, columns (type as the database names it, nullability), primary keys,
    indexes, unique constraints and foreign keys: what two databases must share."""
    inspector = sa.inspect(engine)
    kw = {"include_auto_indexes": True} if engine.dialect.name == "sqlite" else {}
    schema: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        schema[table] = {
            "columns": {
                c["name"]: (str(c["type"].compile(dialect=engine.dialect)), c["nullable"])
                for c in inspector.get_columns(table)
            },
            "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
            "indexes": sorted(
                (tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(table, **kw)
            ),
            "unique": sorted(
                tuple(u["column_names"]) for u in inspector.get_unique_constraints(table)
            ),
            "foreign_keys": sorted(
                (
                    tuple(fk["constrained_columns"]),
                    fk["referred_table"],
                    tuple(fk["referred_columns"]),
                    (fk.get("options") or {}).get("ondelete"),
                )
                for fk in inspector.get_foreign_keys(table)
            ),
        }
    return schema


def run_sql(engine: sa.engine.Engine, statements: list[str]) -> None:
    """Run DDL statements in one transaction."""
    with engine.begin() as conn:
        for statement in statements:
            conn.exec_driver_sql(statement)


def clean_environment() -> dict[str, str]:
    """This process's environment without Flask's and Better Auth's settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("BETTER_AUTH_", "FLASK_"))}


def run_flask(
    cwd: Path, *args: str, env: dict[str, str] | None = None, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``flask <args>`` as a real process in ``cwd``, its environment extended by ``env``."""
    full_env = clean_environment()
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "flask", *args],
        cwd=cwd,
        env=full_env,
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def write_app_module(directory: Path) -> Path:
    """Write ``cliapp.py`` (:data:`APP_MODULE`) into ``directory``."""
    path = directory / "cliapp.py"
    path.write_text(APP_MODULE, encoding="utf-8")
    return path
