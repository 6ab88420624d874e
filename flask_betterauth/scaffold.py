"""``flask auth init``: the files that set Better Auth up in a Flask app.

It writes ``auth.py`` (the extension and its options), a ``.env`` with a fresh secret,
``.env`` in ``.gitignore`` and, in a folder without an app, an ``app.py`` to start from.
A file that exists is never replaced without asking: ``.env`` and ``.gitignore`` only
gain the lines they lack, and ``auth.py`` or ``app.py`` are replaced only when the user
says yes at the prompt.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import json
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

import click

#: Better Auth's plugin ids (1.7), which ``--plugins`` accepts once built here.
KNOWN_PLUGINS = (
    "admin", "anonymous", "api-key", "bearer", "captcha", "custom-session",
    "device-authorization", "email-otp", "generic-oauth", "have-i-been-pwned", "jwt",
    "last-login-method", "magic-link", "multi-session", "oauth-proxy", "one-tap",
    "one-time-token", "open-api", "organization", "passkey", "phone-number", "siwe",
    "sso", "two-factor", "username",
)  # fmt: skip

_AUTH_PY = '''\
"""Authentication: Better Auth, served by flask-betterauth (made by ``flask auth init``).

Settings come from the environment (``.env`` when python-dotenv is installed):
BETTER_AUTH_SECRET signs the cookies, BETTER_AUTH_URL is the app's public URL and
DATABASE_URL the database. If your app already has a ``db = SQLAlchemy()``, import it
here instead of making a second one.
"""

from __future__ import annotations

import os

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from flask_betterauth import BetterAuth
{imports}
db = SQLAlchemy()
auth = BetterAuth(
    app_name={name},
    email_and_password={{"enabled": True}},{plugins}
)


def init_auth(app: Flask) -> None:
    """Set the database and Better Auth up on ``app`` (call it in the app factory)."""
    app.config.setdefault(
        "SQLALCHEMY_DATABASE_URI", os.environ.get("DATABASE_URL", {default_url})
    )
    db.init_app(app)
    auth.init_app(app, db)
'''

_APP_PY = '''\
"""A Flask app with Better Auth (made by ``flask auth init``).

    flask auth migrate    # create the auth tables
    flask run             # the auth API is served under /api/auth
"""

from __future__ import annotations

from flask import Flask

from auth import init_auth
from flask_betterauth import current_user
from flask_betterauth import login_required


def create_app() -> Flask:
    """Make the app."""
    app = Flask(__name__)
    init_auth(app)

    @app.get("/")
    def index() -> dict[str, object]:
        return {{"app": {name}, "user": current_user.email if current_user else None}}

    @app.get("/me")
    @login_required
    def me() -> dict[str, object]:
        return {{"id": current_user.id, "name": current_user.name, "email": current_user.email}}

    return app
'''


class ScaffoldError(Exception):
    """``init`` cannot do what it was asked (an unknown or unbuilt plugin)."""


@dataclass(frozen=True)
class PluginSetup:
    """How ``auth.py`` imports and calls one plugin."""

    id: str
    factory: str


def _version() -> str:
    from .appinfo import package_version

    return package_version("flask-betterauth") or "this version"


def resolve_plugins(text: str) -> list[PluginSetup]:
    """The plugins a comma-separated ``--plugins`` value names, each checked.

    :raises ScaffoldError: for a name Better Auth does not have, a plugin not built in
        this version, or one that cannot be set up without arguments.
    """
    ids = [item.strip() for item in text.split(",") if item.strip()]
    package = importlib.import_module("flask_betterauth.plugins")
    found = []
    for plugin_id in ids:
        factory = plugin_id.replace("-", "_")
        function = getattr(package, factory, None) if factory in package.__all__ else None
        if function is None:
            if plugin_id not in KNOWN_PLUGINS:
                raise ScaffoldError(
                    f"unknown plugin {plugin_id!r}; Better Auth's plugins are: "
                    + ", ".join(KNOWN_PLUGINS)
                )
            raise ScaffoldError(
                f"plugin {plugin_id!r} is not built yet in flask-betterauth {_version()}"
            )
        required = [
            p.name
            for p in inspect.signature(function).parameters.values()
            if p.default is inspect.Parameter.empty
            and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        ]
        if required:
            raise ScaffoldError(
                f"plugin {plugin_id!r} needs {', '.join(required)}: add "
                f"{factory}(...) to auth.py by hand"
            )
        found.append(PluginSetup(plugin_id, factory))
    return found


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_") or "app"


def render_auth_py(name: str, database: str, plugins: list[PluginSetup]) -> str:
    """The text of ``auth.py``."""
    imports = "".join(f"from flask_betterauth.plugins import {p.factory}\n" for p in plugins)
    calls = ""
    if plugins:
        calls = "\n    plugins=[" + ", ".join(f"{p.factory}()" for p in plugins) + "],"
    return _AUTH_PY.format(
        imports=imports,
        name=json.dumps(name),
        plugins=calls,
        default_url=json.dumps(_database_url(name, database)),
    )


def render_app_py(name: str) -> str:
    """The text of ``app.py``, for a folder that has no app yet."""
    return _APP_PY.format(name=json.dumps(name))


def _database_url(name: str, database: str) -> str:
    if database == "postgresql":
        return f"postgresql+psycopg://postgres:postgres@localhost:5432/{_slug(name)}"
    return "sqlite:///app.db"


def env_lines(name: str, database: str) -> dict[str, str]:
    """The settings ``.env`` needs, with a fresh secret."""
    return {
        "BETTER_AUTH_SECRET": secrets.token_hex(32),
        "BETTER_AUTH_URL": "http://localhost:5000",
        "DATABASE_URL": _database_url(name, database),
    }


def _env_keys(text: str) -> set[str]:
    keys = set()
    for line in text.splitlines():
        match = re.match(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=", line)
        if match:
            keys.add(match.group(1))
    return keys


def _append(path: Path, lines: list[str], what: str) -> None:
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if not lines:
        click.echo(f"  {path}: already has {what}")
        return
    prefix = "" if not existing or existing.endswith("\n") else "\n"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(prefix + "\n".join(lines) + "\n")
    verb = "added" if existing else "created with"
    click.echo(f"  {path}: {verb} {', '.join(line.split('=')[0] for line in lines)}")


def _write_new(path: Path, text: str, yes: bool) -> bool:
    """Write ``text`` to ``path`` unless it holds something else the user keeps."""
    if path.exists():
        if path.read_text(encoding="utf-8") == text:
            click.echo(f"  {path}: unchanged")
            return True
        if yes or not click.confirm(f"{path} exists. Replace it?", default=False):
            click.echo(f"  {path}: exists, left as it is")
            return False
    path.write_text(text, encoding="utf-8")
    click.echo(f"  {path}: written")
    return True


def scaffold(directory: Path, *, name: str | None, database: str, plugins: str, yes: bool) -> None:
    """Write the files of ``flask auth init`` into ``directory``.

    :raises ScaffoldError: when a plugin cannot be set up.
    """
    setups = resolve_plugins(plugins)
    directory.mkdir(parents=True, exist_ok=True)
    name = name or directory.resolve().name or "app"
    has_app = any((directory / f).exists() for f in ("app.py", "wsgi.py"))
    click.echo(f"Setting up Better Auth for {name!r} in {directory}:")
    _write_new(directory / "auth.py", render_auth_py(name, database, setups), yes)
    wrote_app = not has_app and _write_new(directory / "app.py", render_app_py(name), yes)
    env = directory / ".env"
    present = _env_keys(env.read_text(encoding="utf-8")) if env.exists() else set()
    wanted = env_lines(name, database)
    _append(env, [f"{k}={v}" for k, v in wanted.items() if k not in present], "every setting")
    ignore = directory / ".gitignore"
    ignored = ignore.read_text(encoding="utf-8").split() if ignore.exists() else []
    _append(ignore, [] if ".env" in ignored else [".env"], ".env")
    _next_steps(directory, has_app and not wrote_app, database)


def _next_steps(directory: Path, existing_app: bool, database: str) -> None:
    click.echo("\nNext:")
    if directory.resolve() != Path.cwd().resolve():
        click.echo(f"  cd {directory}")
    if importlib.util.find_spec("dotenv") is None:
        click.echo("  pip install python-dotenv   # so that flask reads .env")
    if database == "postgresql":
        click.echo("  # set DATABASE_URL in .env to your PostgreSQL server")
    if existing_app:
        click.echo("  # in your app factory: from auth import init_auth; init_auth(app)")
    click.echo("  flask auth migrate")
    click.echo("  flask run")
