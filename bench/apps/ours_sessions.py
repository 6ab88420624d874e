"""The sessions benchmark app: flask-betterauth with its sessions in the database or in
Redis, the cookie cache on or off, as the environment says.

``BENCH_DATABASE_URL`` names the database; ``BENCH_REDIS_URL``, when set, puts the
sessions in Redis (``secondary_storage``); ``BENCH_COOKIE_CACHE=1`` turns the cookie
cache on. Served by ``bench/sessions.py`` with ``gunicorn -w 2``.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from flask_betterauth import BetterAuth
from flask_betterauth import current_user
from flask_betterauth import login_required

from .common import SECRET
from .common import database_url
from .ours import PROTECTED
from .ours import RATE_LIMIT_MAX
from .ours import prepare as _prepare


def cookie_cache_on() -> bool:
    """Whether ``BENCH_COOKIE_CACHE`` turns the cookie cache on."""
    return os.environ.get("BENCH_COOKIE_CACHE", "0") == "1"


def create_app() -> tuple[Flask, SQLAlchemy]:
    """The app as our quickstart builds it, plus one ``login_required`` JSON route."""
    db = SQLAlchemy()
    auth = BetterAuth()
    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=database_url(),
        BETTER_AUTH_SECRET=SECRET,
        BETTER_AUTH_URL="http://127.0.0.1:5000",
    )
    db.init_app(app)
    options: dict[str, Any] = {
        "email_and_password": {"enabled": True},
        "session": {"cookie_cache": {"enabled": cookie_cache_on(), "max_age": 3600}},
        # On as in production, counting in memory in both set-ups (so that only where the
        # sessions live differs), with a ceiling no benchmark reaches.
        "rate_limit": {"enabled": True, "max": RATE_LIMIT_MAX, "storage": "memory"},
    }
    redis_url = os.environ.get("BENCH_REDIS_URL")
    if redis_url:
        from flask_betterauth.secondary_storage import RedisStorage

        options["secondary_storage"] = RedisStorage.from_url(redis_url)
    auth.init_app(app, db, **options)

    @app.get(PROTECTED)
    @login_required
    def protected() -> dict[str, str]:
        return {"email": current_user["email"]}

    return app, db


app, db = create_app()


def prepare() -> str:
    """Sign the bench user up; return the session's ``Cookie`` header."""
    return _prepare(app, db, cookie_cache=cookie_cache_on())
