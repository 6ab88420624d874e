"""The app the fault tests serve with gunicorn, configured from the environment.

``FAULTS_DATABASE_URL`` (PostgreSQL), optional ``FAULTS_REDIS_URL`` (sessions in Redis),
``FAULTS_SESSIONS_IN_DATABASE`` (a copy of each session in the database too),
``FAULTS_STATEMENT_TIMEOUT_MS``, ``FAULTS_POOL_SIZE`` and ``FAULTS_POOL_TIMEOUT``: the
production settings docs/production.rst recommends, small enough to be hit in a test.
Hashing is fast (bcrypt cost 4): the tests measure answers, not hashing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from flask_betterauth import BetterAuth
from flask_betterauth import current_user
from flask_betterauth import login_required

SECRET = "faults-test-secret-0123456789abcdefghijklmnop"


def engine_options(env: Mapping[str, str]) -> dict[str, object]:
    """Pool and timeouts: a bounded pool, a bounded wait for it, bounded statements."""
    statement_ms = int(env.get("FAULTS_STATEMENT_TIMEOUT_MS", "1500"))
    return {
        "pool_size": int(env.get("FAULTS_POOL_SIZE", "1")),
        "max_overflow": 0,
        "pool_timeout": float(env.get("FAULTS_POOL_TIMEOUT", "1")),
        # As docs/production.rst advises: the session lookup replaces a connection the
        # server closed by itself; other queries answer one 503, then the pool renews.
        "pool_pre_ping": False,
        "connect_args": {
            "connect_timeout": 2,
            "options": f"-c statement_timeout={statement_ms}",
        },
    }


def create_app(env: Mapping[str, str] | None = None, create_tables: bool = False) -> Flask:
    """The app: sign-up/sign-in on PostgreSQL, a ``login_required`` route.

    The tables are made once, by the test (``create_tables=True``), never by the workers,
    which would race each other to create them.
    """
    env = os.environ if env is None else env
    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=env["FAULTS_DATABASE_URL"],
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(env),
        BETTER_AUTH_SECRET=SECRET,
        BETTER_AUTH_URL=env.get("FAULTS_BASE_URL", "http://127.0.0.1"),
    )
    db = SQLAlchemy()
    db.init_app(app)
    options: dict[str, object] = {
        "email_and_password": {"enabled": True, "password": {"bcrypt_rounds": 4}},
        "rate_limit": {"enabled": False},
    }
    if env.get("FAULTS_REDIS_URL"):
        from flask_betterauth.storage.secondary import RedisStorage

        options["secondary_storage"] = RedisStorage.from_url(
            env["FAULTS_REDIS_URL"], socket_timeout=0.5, socket_connect_timeout=0.5
        )
        if env.get("FAULTS_SESSIONS_IN_DATABASE"):
            options["session"] = {"store_session_in_database": True}
    BetterAuth().init_app(app, db, **options)

    @app.get("/protected")
    @login_required
    def protected() -> dict[str, str]:
        return {"email": current_user["email"]}

    if create_tables:
        with app.app_context():
            db.create_all()
            db.engine.dispose()
    return app
