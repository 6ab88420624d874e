"""An example application: Flask's tutorial shape, signed in with flask-betterauth.

Run it with ``./scripts/example`` (or ``flask --app example_app run --debug``). The JSON
API that the Better Auth clients speak is served under ``/api/auth``; the sign-in, sign-up
and account pages are flask-betterauth's ready-made pages under ``/auth``, in this app's
layout; :mod:`example_app.pages` holds the app's own pages (home and a dashboard).

In production, point it at PostgreSQL and Redis and run several workers::

    DATABASE_URL=postgresql://... REDIS_URL=redis://localhost:6379/0 \
        BETTER_AUTH_SECRET=... BETTER_AUTH_URL=https://example.com \
        gunicorn -w 4 'example_app:create_app()'

The environment it reads: ``BETTER_AUTH_SECRET`` (else a random one kept in
``instance/secret_key``), ``BETTER_AUTH_URL`` (else ``http://localhost:$PORT``, ``PORT``
defaulting to 5000: browsers refuse passkeys on an IP address), ``DATABASE_URL``,
``REDIS_URL`` and ``EXAMPLE_APP_INSTANCE_PATH`` (the instance folder, for the database,
the secret and the mail log; tests point it at a temporary folder).
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import click
from flask import Flask
from flask.cli import with_appcontext
from werkzeug.wrappers import Response

from flask_betterauth.options import merge_options
from flask_betterauth.plugins import Plugin
from flask_betterauth.plugins import anonymous
from flask_betterauth.plugins import email_otp
from flask_betterauth.plugins import magic_link
from flask_betterauth.plugins import multi_session
from flask_betterauth.plugins import passkey
from flask_betterauth.plugins import two_factor
from flask_betterauth.plugins import username

from .extensions import auth
from .extensions import db

log = logging.getLogger(__name__)

#: The file in the instance folder that keeps the secret generated when none is set.
SECRET_FILE = "secret_key"

#: The environment variable naming the instance folder (default: ``instance/`` beside
#: the package).
INSTANCE_PATH_VARIABLE = "EXAMPLE_APP_INSTANCE_PATH"

#: Headers every response carries unless the view set them: no framing by other sites
#: (clickjacking), no MIME sniffing, no full URLs (which can hold a reset token) sent
#: as the referrer to other sites, and only this site's own scripts, styles and forms.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

#: The options the example app passes to ``auth.init_app``; ``BETTER_AUTH_OPTIONS`` in
#: the config is merged over them (tests use it to make password hashing fast).
AUTH_OPTIONS: dict[str, Any] = {
    "app_name": "Example app",
    "email_and_password": {"enabled": True},
    "session": {"cookie_cache": {"enabled": True}},
    "email_verification": {"send_on_sign_up": True, "auto_sign_in_after_verification": True},
    "user": {"change_email": {"enabled": True}, "delete_user": {"enabled": True}},
    # The ready-made pages under /auth, in this app's layout; sign-in leads to the dashboard.
    "pages": {"base_template": "base.html", "after_sign_in_url": "/dashboard"},
}


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create and configure the example application.

    :param test_config: config values that replace ``instance/config.py``.
    """
    instance_path = os.environ.get(INSTANCE_PATH_VARIABLE)
    app = Flask(
        __name__,
        instance_relative_config=True,
        instance_path=os.path.abspath(instance_path) if instance_path else None,
    )
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
    _configure_base_url(app)
    if test_config is None:
        _configure_mail(app)
    app.after_request(add_security_headers)

    db.init_app(app)
    options = merge_options(AUTH_OPTIONS, app.config.get("BETTER_AUTH_OPTIONS", {}))
    options.setdefault("plugins", example_plugins(app))
    redis_url = app.config.get("REDIS_URL")
    if redis_url and "secondary_storage" not in options:
        from flask_betterauth.storage.secondary import RedisStorage

        options["secondary_storage"] = RedisStorage.from_url(redis_url)
    auth.init_app(app, db, **options)

    from . import dev
    from . import pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(dev.bp)
    app.cli.add_command(init_db_command)

    with app.app_context():
        db.create_all()
    return app


def example_plugins(app: Flask) -> list[Plugin]:
    """The plugins a visitor can try without outside services, made for this app.

    Two-factor authentication, usernames, magic links and one-time codes by mail (through
    the app's mail sender), passkeys, several sessions per browser and guests. The passkey
    plugin's RP ID and origin come from the app's base URL (``BETTER_AUTH_URL``): browsers
    refuse WebAuthn on an IP address, so open the app on ``http://localhost:$PORT``.
    ``BETTER_AUTH_OPTIONS["plugins"]`` in the config replaces this list.
    """
    base_url = urlsplit(str(app.config.get("BETTER_AUTH_URL") or os.environ["BETTER_AUTH_URL"]))
    return [
        two_factor(issuer="Example app"),
        username(),
        magic_link(),
        email_otp(),
        passkey(
            rp_id=base_url.hostname,
            rp_name="Example app",
            origin=f"{base_url.scheme}://{base_url.netloc}",
        ),
        multi_session(),
        anonymous(),
    ]


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
    """Always give the extension a secret: the config, the environment, or this instance's.

    With neither, a random secret is generated once and kept in ``instance/secret_key``
    (readable by its owner only), so that the example app runs with a bare ``flask run``
    and yet no two installations share a secret anyone could read in this repository.
    """
    if app.config.get("BETTER_AUTH_SECRET"):
        return
    secret = os.environ.get("BETTER_AUTH_SECRET") or instance_secret(app.instance_path)
    app.config["BETTER_AUTH_SECRET"] = secret


def instance_secret(instance_path: str) -> str:
    """This instance's secret, read from ``secret_key`` or made there on first use."""
    path = os.path.join(instance_path, SECRET_FILE)
    try:
        with open(path, encoding="utf-8") as handle:
            kept = handle.read().strip()
    except FileNotFoundError:
        kept = ""
    if kept:
        return kept
    secret = secrets.token_hex(32)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    log.warning(
        "BETTER_AUTH_SECRET is not set; generated a random secret for this instance in %s."
        " Set BETTER_AUTH_SECRET before deploying this app.",
        path,
    )
    return secret


def _configure_base_url(app: Flask) -> None:
    """The app's public URL: the config, the environment, else ``http://localhost:$PORT``.

    The extension builds mailed links from it and trusts it as an origin; outside debug it
    refuses to start without one. The default names ``localhost``, not ``127.0.0.1``:
    passkeys need a domain name (browsers refuse WebAuthn on an IP address).
    """
    if app.config.get("BETTER_AUTH_URL") or os.environ.get("BETTER_AUTH_URL"):
        return
    app.config["BETTER_AUTH_URL"] = f"http://localhost:{os.environ.get('PORT') or 5000}"


def add_security_headers(response: Response) -> Response:
    """``after_request``: the :data:`SECURITY_HEADERS` a view did not set itself."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


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
