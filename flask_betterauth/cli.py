"""The ``flask auth`` commands: generate, migrate, init, info, secret and cleanup.

Registered on every app by ``init_app`` and, through the ``flask.commands`` entry point,
on the ``flask`` command itself, so that ``flask auth init`` works in an empty folder and
a broken app is reported in one line instead of a traceback.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from typing import TypeVar
from typing import cast

import click
import sqlalchemy as sa
from flask import Flask
from flask import current_app
from flask.cli import AppGroup
from flask.cli import NoAppException
from flask.cli import ScriptInfo

from . import ddl
from . import migrations
from .appinfo import collect
from .appinfo import package_version
from .clock import now
from .clock import to_ms
from .errors import BetterAuthError
from .redact import redact_text
from .state import AuthState
from .storage import Op

F = TypeVar("F", bound=Callable[..., Any])

auth_cli = AppGroup("auth", help="Better Auth: schema, migrations, set-up and upkeep.")


def _version() -> str:
    return package_version("flask-betterauth") or "unknown"


def _one_line(error: BaseException) -> str:
    """An error's message reduced to one line (drivers add SQL and hints below it)."""
    text = str(getattr(error, "orig", None) or error).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return type(error).__name__
    if lines[0].startswith("While importing") and len(lines) > 1:
        return f"{lines[0]} {lines[-1]}"
    return lines[0]


def _load_app() -> Flask:
    if current_app:
        return cast(Flask, current_app._get_current_object())  # type: ignore[attr-defined]
    info = click.get_current_context().ensure_object(ScriptInfo)
    try:
        return info.load_app()
    except NoAppException as error:
        raise click.ClickException(_one_line(error)) from None
    except Exception as error:  # the app's own code failed; say what, in one line
        raise click.ClickException(
            f"could not load the app: {type(error).__name__}: {_one_line(error)}"
        ) from None


def _with_state(func: F) -> F:
    """Run a command inside the app's context with its auth state, errors in one line."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        app = _load_app()
        with app.app_context():
            state = app.extensions.get("betterauth")
            if state is None:
                raise click.ClickException(
                    "the app does not use flask-betterauth: call auth.init_app(app, db) in it"
                )
            try:
                return func(app, state, *args, **kwargs)
            except (click.ClickException, click.exceptions.Abort, click.exceptions.Exit):
                raise
            except BetterAuthError as error:
                raise click.ClickException(_one_line(error)) from None
            except sa.exc.SQLAlchemyError as error:
                raise click.ClickException(f"database error: {_one_line(error)}") from None
            except RuntimeError as error:
                raise click.ClickException(_one_line(error)) from None

    return cast(F, wrapper)


def _engine(app: Flask) -> sa.engine.Engine:
    extension = app.extensions.get("sqlalchemy")
    if extension is None:
        raise click.ClickException("Flask-SQLAlchemy is not set up: call db.init_app(app)")
    return cast(sa.engine.Engine, extension.engine)


def _defaults(state: AuthState) -> dict[str, dict[str, Any]]:
    """Each field's default value, by table and column name (for added columns)."""
    return {
        table.table_name: {col.column: col.default for col in table.columns.values()}
        for table in state.tables.values()
    }


def _database_missing(engine: sa.engine.Engine) -> bool:
    """Whether the app's SQLite file does not exist yet (inspecting would create it)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return False
    return not Path(str(url.database)).exists()


def _plan(state: AuthState, engine: sa.engine.Engine) -> migrations.Plan:
    tables = state.models.tables.values()
    if _database_missing(engine):
        return migrations.plan_create(tables, engine.dialect.name)
    return migrations.plan_migration(engine, tables, _defaults(state))


def _write(text: str, output: Path | None, yes: bool) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    if output.exists() and not yes:
        click.confirm(f"{output} exists. Overwrite it?", abort=True)
    output.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {output}.", err=True)


@auth_cli.command("generate", with_appcontext=False)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--dialect",
    type=click.Choice(migrations.DIALECTS),
    help="The database to write for (default: the app's).",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(ddl.FORMATS),
    default="sql",
    show_default=True,
    help="SQL, a SQLAlchemy models module, or an Alembic revision.",
)
@click.option(
    "--full", is_flag=True, help="The whole schema, not only what the app's database lacks."
)
@click.option("--yes", "-y", is_flag=True, help="Overwrite --output without asking.")
@_with_state
def generate(
    app: Flask,
    state: AuthState,
    output: Path | None,
    dialect: str | None,
    format_: str,
    full: bool,
    yes: bool,
) -> None:
    """Write the auth schema as SQL, SQLAlchemy models or an Alembic revision.

    SQL and Alembic hold what the app's database lacks (all of it for an empty
    database, another dialect, or --full): exactly what "flask auth migrate" would do.
    """
    engine = _engine(app)
    own = engine.dialect.name
    target = dialect or (own if own in migrations.DIALECTS else "sqlite")
    tables = state.models.tables
    if format_ == "sqlalchemy":
        _write(ddl.render_models(tables, target, _version()), output, yes)
        return
    if full or target != own:
        plan = migrations.plan_create(tables.values(), target)
    else:
        plan = _plan(state, engine)
    for warning in plan.warnings:
        click.echo(f"warning: {warning}", err=True)
    for refusal in plan.refusals:
        click.echo(f"error: {refusal}", err=True)
    if format_ == "alembic":
        _write(ddl.render_alembic(plan, _version()), output, yes)
    else:
        _write(ddl.render_sql(plan, _version()), output, yes)


@auth_cli.command("migrate", with_appcontext=False)
@click.option("--yes", "-y", is_flag=True, help="Apply the plan without asking.")
@_with_state
def migrate(app: Flask, state: AuthState, yes: bool) -> None:
    """Add the auth tables, columns and indexes the database lacks.

    Shows the plan and asks first; never drops or changes existing data. Running it
    again changes nothing.
    """
    engine = _engine(app)
    click.echo(f"Database: {redact_text(engine.url.render_as_string(hide_password=True))}")
    plan = _plan(state, engine)
    for warning in plan.warnings:
        click.echo(f"warning: {warning}", err=True)
    if plan.refusals:
        raise click.ClickException(
            "migration refused, nothing changed:\n" + "\n".join(f"  {r}" for r in plan.refusals)
        )
    if plan.empty:
        click.echo("The database is up to date: nothing to do.")
        return
    click.echo(f"{len(plan.steps)} change(s) to make:")
    for step in plan.steps:
        click.echo(f"  + {step.describe()}")
    if not yes:
        click.confirm("Apply them?", abort=True)
    count = migrations.apply(engine, plan)
    click.echo(f"Applied {count} change(s).")


@auth_cli.command("info", with_appcontext=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_with_state
def info(app: Flask, state: AuthState, as_json: bool) -> None:
    """Show versions, the database, enabled features and the configuration.

    Secrets, passwords, tokens, credentials in URLs and email addresses are redacted,
    so the output can go into a bug report.
    """
    engine = _engine(app)
    database: dict[str, Any] = {
        "dialect": engine.dialect.name,
        "driver": engine.dialect.driver,
        "url": engine.url.render_as_string(hide_password=True),
    }
    try:
        plan = _plan(state, engine)
    except sa.exc.SQLAlchemyError as error:
        database["schema"] = f"unreachable: {_one_line(error)}"
    else:
        pending = f"{len(plan.steps)} change(s) pending: flask auth migrate"
        database["schema"] = "up to date" if plan.empty else pending
    report = collect(app, state, database)
    if as_json:
        click.echo(json.dumps(report, indent=2, sort_keys=True, default=str))
        return
    for section, content in report.items():
        if isinstance(content, dict):
            click.echo(f"{section}:")
            for key, value in _flatten(content):
                click.echo(f"  {key}: {value}")
        else:
            click.echo(f"{section}: {_show(content)}")


def _flatten(content: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Nested mappings as ``("a.b", "value")`` lines; empty ones stay ``{}``."""
    lines = []
    for key, value in content.items():
        if isinstance(value, dict) and value:
            lines += _flatten(value, f"{prefix}{key}.")
        else:
            lines.append((f"{prefix}{key}", _show(value)))
    return lines


def _show(value: Any) -> str:
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True, default=str)
    return "-" if value is None else str(value)


@auth_cli.command("secret", with_appcontext=False)
def secret() -> None:
    """Print a new random secret for BETTER_AUTH_SECRET."""
    click.echo(secrets.token_hex(32))


@auth_cli.command("cleanup", with_appcontext=False)
@_with_state
def cleanup(app: Flask, state: AuthState) -> None:
    """Delete expired sessions, verification values and idle rate-limit counters."""
    from .maintenance import cleanup_expired

    counts = dict(cleanup_expired(state))
    counts["rate-limit rows"] = _cleanup_rate_limits(state)
    click.echo(
        f"Removed {counts['sessions']} expired session(s), {counts['verifications']} "
        f"expired verification value(s) and {counts['rate-limit rows']} idle rate-limit "
        "row(s)."
    )


def _cleanup_rate_limits(state: AuthState) -> int:
    """Delete ``rateLimit`` rows idle for longer than the longest window, if kept."""
    if "rateLimit" not in state.models.tables:
        return 0
    from .security.ratelimit import longest_window

    cutoff = to_ms(now()) - longest_window(state.options) * 1000
    return state.adapter.delete_many("rateLimit", {"lastRequest": Op("<", cutoff)})


@auth_cli.command("init", with_appcontext=False)
@click.option(
    "--directory",
    "-d",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="The app's folder (made if missing).",
)
@click.option("--name", help="The application's name (default: the folder's name).")
@click.option(
    "--database",
    type=click.Choice(["sqlite", "postgresql"]),
    default="sqlite",
    show_default=True,
    help="The database the app will use.",
)
@click.option("--plugins", default="", help="Comma-separated plugin ids, e.g. open-api.")
@click.option("--yes", "-y", is_flag=True, help="Do not ask; existing files are never overwritten.")
def init(directory: Path, name: str | None, database: str, plugins: str, yes: bool) -> None:
    """Set up Better Auth in a new or existing Flask app: auth.py, .env and, in an empty
    folder, an app.py to start from."""
    from .scaffold import ScaffoldError
    from .scaffold import scaffold

    try:
        scaffold(directory, name=name, database=database, plugins=plugins, yes=yes)
    except ScaffoldError as error:
        raise click.ClickException(str(error)) from None
    except OSError as error:
        raise click.ClickException(f"could not write the files: {error}") from None
