"""Cases (b) and (c): flask-betterauth, with the cookie cache on or off."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from flask_betterauth import BetterAuth
from flask_betterauth import current_user
from flask_betterauth import login_required
from flask_betterauth.options import merge_options
from flask_betterauth.plugins import Plugin
from flask_betterauth.plugins import admin
from flask_betterauth.plugins import anonymous
from flask_betterauth.plugins import bearer
from flask_betterauth.plugins import email_otp
from flask_betterauth.plugins import jwt
from flask_betterauth.plugins import magic_link
from flask_betterauth.plugins import multi_session
from flask_betterauth.plugins import open_api
from flask_betterauth.plugins import passkey
from flask_betterauth.plugins import two_factor
from flask_betterauth.plugins import username

from .common import EMAIL
from .common import NAME
from .common import PASSWORD
from .common import SECRET
from .common import USER_AGENT
from .common import cookie_header
from .common import database_url
from .common import expect_signed_in

#: The two routes benchmarked for our extension.
PROTECTED = "/protected"
#: The floor of a database read: ``SELECT 1`` through the app's pool, no auth.
SELECT_ONE = "/select-one"
GET_SESSION = "/api/auth/get-session"
#: The cookie that holds the cookie cache (``.0``, ``.1``... when chunked).
CACHE_COOKIE = "better-auth.session_data"
#: Requests allowed per client and path in the rate limiter's 10 s window.
RATE_LIMIT_MAX = 1_000_000_000


def _no_mail(*_: Any, **__: Any) -> None:
    """The mail-sending plugins' sender: the benchmark sends no mail."""


def built_plugins() -> list[Plugin]:
    """Every shipped plugin that needs no outside service, enabled as an app would (the
    hot path pays for their token sources, hooks and headers)."""
    return [
        open_api(),
        username(),
        bearer(),
        jwt(),
        two_factor(),
        magic_link(send_magic_link=_no_mail),
        email_otp(send_verification_otp=_no_mail),
        anonymous(),
        multi_session(),
        passkey(),
        admin(),
    ]


def create_app(
    cookie_cache: bool, engine_options: dict[str, Any] | None = None, **options: Any
) -> tuple[Flask, SQLAlchemy]:
    """The app as our quickstart builds it, plus one ``login_required`` JSON route.

    The cookie cache lives an hour, so that it stays valid over a whole run; with it
    off, each request reads the session (and its user) from the database. The rate
    limiter stays on, as in production, so get-session pays for counting, but with a
    ceiling no benchmark reaches: its default (100 requests per 10 s from one client)
    would answer most of wrk's requests with 429. Every shipped plugin is on.
    ``options`` extend these (deep-merged); ``engine_options`` are Flask-SQLAlchemy's
    ``SQLALCHEMY_ENGINE_OPTIONS``.
    """
    db = SQLAlchemy()
    auth = BetterAuth()
    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=database_url(),
        BETTER_AUTH_SECRET=SECRET,
        BETTER_AUTH_URL="http://127.0.0.1:5000",
        SQLALCHEMY_ENGINE_OPTIONS=engine_options or {},
    )
    db.init_app(app)
    defaults = {
        "email_and_password": {"enabled": True},
        "session": {"cookie_cache": {"enabled": cookie_cache, "max_age": 3600}},
        "rate_limit": {"enabled": True, "max": RATE_LIMIT_MAX},
        "plugins": built_plugins(),
    }
    auth.init_app(app, db, **merge_options(defaults, options))

    @app.get(PROTECTED)
    @login_required
    def protected() -> dict[str, str]:
        return {"email": current_user["email"]}

    @app.get(SELECT_ONE)
    def select_one() -> dict[str, str]:
        """One round trip as the session lookup makes it (a pooled DBAPI connection, on
        psycopg in autocommit), and the bare route's body: the floor of the cache-off
        cases."""
        connection = db.engine.raw_connection()
        driver: Any = connection.driver_connection
        autocommit = db.engine.dialect.driver == "psycopg"
        if autocommit:
            driver.autocommit = True
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT 1")
            cursor.fetchone()
            cursor.close()
        finally:
            if autocommit:
                driver.autocommit = False
            connection.close()
        return {"email": EMAIL}

    return app, db


def prepare(app: Flask, db: SQLAlchemy, cookie_cache: bool) -> str:
    """Create the tables, sign the user up over HTTP, return the session's cookies.

    With the cache on, the cookies must hold the cache, or no request would hit it.
    """
    with app.app_context():
        db.create_all()
    client = app.test_client(use_cookies=False)
    response = client.post(
        "/api/auth/sign-up/email",
        json={"name": NAME, "email": EMAIL, "password": PASSWORD},
        headers={"User-Agent": USER_AGENT},
    )
    if response.status_code != 200:
        raise RuntimeError(f"sign-up answered {response.status_code}: {response.get_data()!r}")
    cookie = cookie_header(response.headers.getlist("Set-Cookie"))
    if cookie_cache != (f"{CACHE_COOKIE}=" in cookie or f"{CACHE_COOKIE}.0=" in cookie):
        raise RuntimeError(f"cookie_cache={cookie_cache} but sign-up set: {cookie}")
    for path in (PROTECTED, GET_SESSION):
        expect_signed_in(client, path, cookie)
    return cookie
