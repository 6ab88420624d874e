"""An example application: Flask's tutorial shape, signed in with flask-betterauth.

Run it with ``flask --app example_app run --debug``. The JSON API that the Better Auth
clients speak is served under ``/api/auth``; the Jinja pages in :mod:`example_app.pages`
call the same endpoints in-process through ``auth.api``.

In production, point it at PostgreSQL and Redis and run several workers::

    DATABASE_URL=postgresql://... REDIS_URL=redis://localhost:6379/0 \
        BETTER_AUTH_SECRET=... BETTER_AUTH_URL=https://example.com \
        gunicorn -w 4 'example_app:create_app()'
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import Any

import click
from flask import Flask
from flask.cli import with_appcontext

from flask_betterauth.options import merge_options

from .extensions import auth
from .extensions import db

log = logging.getLogger(__name__)

#: Used only when neither the config nor the environment gives ``BETTER_AUTH_SECRET``.
#: It is public, so sessions signed with it are forgeable: set a real one in production.
DEVELOPMENT_SECRET = "example-app-development-secret-do-not-use-in-production"

#: The options the example app passes to ``auth.init_app``; ``BETTER_AUTH_OPTIONS`` in
#: the config is merged over them (tests use it to make password hashing fast).
AUTH_OPTIONS: dict[str, Any] = {
    "email_and_password": {"enabled": True},
    "session": {"cookie_cache": {"enabled": True}},
    "email_verification": {"send_on_sign_up": True, "auto_sign_in_after_verification": True},
    "user": {"change_email": {"enabled": True}, "delete_user": {"enabled": True}},
}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the example application.

    :param test_config: config values that replace ``instance/config.py``.
    """
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SQLALCHEMY_DATABASE_URI="sqlite:///" + os.path.join(app.instance_path, "example.sqlite"),
        # Mail goes to flask-betterauth's development sender unless the config says
        # otherwise (BETTER_AUTH_MAIL = "smtp" with the MAIL_* settings).
        BETTER_AUTH_MAIL="dev",
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        _configure_from_environment(app)
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    _configure_secret(app)
    if test_config is None:
        _configure_mail(app)

    db.init_app(app)
    options = merge_options(AUTH_OPTIONS, app.config.get("BETTER_AUTH_OPTIONS", {}))
    redis_url = app.config.get("REDIS_URL")
    if redis_url and "secondary_storage" not in options:
        from flask_betterauth.secondary_storage import RedisStorage

        options["secondary_storage"] = RedisStorage.from_url(redis_url)
    auth.init_app(app, db, **options)

    from . import account_pages
    from . import pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(account_pages.bp)
    app.cli.add_command(init_db_command)

    with app.app_context():
        db.create_all()
    return app


def _configure_from_environment(app: Flask) -> None:
    """``DATABASE_URL`` and ``REDIS_URL`` from the environment, when set (not in tests).

    With ``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` (sessions in Redis) the same app
    runs as several gunicorn workers that share every session. A bare ``postgres://`` or
    ``postgresql://`` URL is given the psycopg 3 driver.
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                url = "postgresql+psycopg://" + url[len(prefix) :]
        app.config["SQLALCHEMY_DATABASE_URI"] = url
    if os.environ.get("REDIS_URL"):
        app.config["REDIS_URL"] = os.environ["REDIS_URL"]


def _configure_secret(app: Flask) -> None:
    """Always give the extension a secret: config first, then the environment, then a dev one.

    The extension refuses to start without a secret outside debug and testing, and the
    example app must run with a bare ``flask run``.
    """
    if app.config.get("BETTER_AUTH_SECRET"):
        return
    secret = os.environ.get("BETTER_AUTH_SECRET")
    if not secret:
        log.warning(
            "BETTER_AUTH_SECRET is not set; using the public development secret."
            " Set BETTER_AUTH_SECRET before deploying this app."
        )
        secret = DEVELOPMENT_SECRET
    app.config["BETTER_AUTH_SECRET"] = secret


def _configure_mail(app: Flask) -> None:
    """With the development sender, keep the mails in ``instance/mail.log`` too (listed at
    ``/dev/mail``), unless the config names another file. Tests name their own."""
    if app.config.get("BETTER_AUTH_MAIL") == "dev":
        app.config.setdefault("BETTER_AUTH_MAIL_LOG", os.path.join(app.instance_path, "mail.log"))


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Clear the existing data and create new tables."""
    db.drop_all()
    db.create_all()
    click.echo("Initialized the database.")
