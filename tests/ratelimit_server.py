"""An app for gunicorn in the rate-limit tests: limits kept in Redis, shared by workers.

``gunicorn --preload "tests.ratelimit_server:create_app()"`` with ``FBA_DATABASE_URL``
and ``FBA_REDIS_URL`` set. ``GET /api/auth/ok`` is limited to :data:`OK_MAX` requests a
minute; every answer names the worker process that served it (``X-Worker-Pid``);
``GET /health`` is outside the auth routes, for readiness polls that must not count.
"""

from __future__ import annotations

import os

from flask import Flask
from flask import Response
from flask_sqlalchemy import SQLAlchemy

from flask_betterauth import BetterAuth
from flask_betterauth.storage.secondary import RedisStorage

OK_MAX = 20


def create_app() -> Flask:
    """The app; tables are made before the workers fork."""
    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=os.environ["FBA_DATABASE_URL"],
        BETTER_AUTH_SECRET="gunicorn-rate-limit-secret-0123456789abcdef",
        BETTER_AUTH_URL="http://127.0.0.1",
    )
    db = SQLAlchemy()
    db.init_app(app)
    BetterAuth().init_app(
        app,
        db,
        email_and_password={"enabled": True, "password": {"bcrypt_rounds": 4}},
        secondary_storage=RedisStorage.from_url(os.environ["FBA_REDIS_URL"]),
        rate_limit={
            "enabled": True,
            "storage": "secondary-storage",
            "custom_rules": {"/ok": {"window": 60, "max": OK_MAX}},
        },
    )
    with app.app_context():
        db.create_all()
        db.engine.dispose()

    @app.get("/health")
    def health() -> str:
        return "ok"

    @app.after_request
    def name_worker(response: Response) -> Response:
        response.headers["X-Worker-Pid"] = str(os.getpid())
        return response

    return app
