"""The app the attack replays run against, served by gunicorn like a deployment.

``gunicorn "tests.security.attack_server:create_app()"`` with ``FBA_DATABASE_URL`` and
``FBA_SMTP_PORT`` (an SMTP server on 127.0.0.1 that receives the app's mail) set. Not in
testing or debug mode: the Origin checks are on, the base URL is :data:`APP_URL`, and
mail goes out through the built-in SMTP sender, verification mail on sign-up included.
With ``FBA_ALLOWED_HOSTS`` set (comma-separated; may be empty), there is no base URL and
those hosts are ``advanced.allowed_hosts`` (none at all when it is empty).
Rate limits are off: the replays send many requests from one address.

:func:`create_replay_app` is the app of ``tests/security/test_attacks_over_http.py``: the
same, with the cookie cache (``max_age`` from ``FBA_CACHE_MAX_AGE``), auto sign-in after
verification, account deletion, and rate limits on (in the database, shared by the
workers; the client IP is the ``X-Client-IP`` header, so each replay picks its own
bucket), plus ``POST /login``: an HTML sign-in form built on ``auth.api.sign_in_email``.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask import request

from flask_betterauth import APIError
from tests.helpers import attach_auth

#: The app's public URL (``BETTER_AUTH_URL``); requests reach it on 127.0.0.1.
APP_URL = "http://app.example:8080"
#: Another origin the app trusts, besides its own.
TRUSTED = "https://*.trusted.example"


def create_app() -> Flask:
    """The app; its tables are made on start."""
    app = _configured_app()
    advanced: dict[str, Any] = {}
    hosts = os.environ.get("FBA_ALLOWED_HOSTS")
    if hosts is not None:
        del app.config["BETTER_AUTH_URL"]
        if hosts:
            advanced["allowed_hosts"] = hosts.split(",")
    attach_auth(
        app,
        email_and_password={"enabled": True, "password": {"bcrypt_rounds": 4}},
        email_verification={"send_on_sign_up": True},
        trusted_origins=[TRUSTED],
        rate_limit={"enabled": False},
        advanced=advanced,
    )
    return app


def create_replay_app(create_tables: bool = False) -> Flask:
    """The app of the HTTP replays (see the module docstring). Its tables are made once,
    by the test (``create_tables=True``), never by the gunicorn workers, which would race
    each other to create them (the loser fails to boot)."""
    app = _configured_app()
    _, auth = attach_auth(
        app,
        create_tables=create_tables,
        email_and_password={"enabled": True, "password": {"bcrypt_rounds": 4}},
        email_verification={"send_on_sign_up": True, "auto_sign_in_after_verification": True},
        session={
            "cookie_cache": {"enabled": True, "max_age": int(os.environ["FBA_CACHE_MAX_AGE"])}
        },
        user={"delete_user": {"enabled": True}},
        trusted_origins=[TRUSTED],
        rate_limit={"enabled": True, "storage": "database"},
        advanced={"ip_address": {"ip_address_headers": ["x-client-ip"]}},
    )

    @app.post("/login")
    def login() -> tuple[str, int]:
        """The HTML sign-in form the docs show, on ``auth.api``."""
        try:
            auth.api.sign_in_email(
                body={"email": request.form["email"], "password": request.form["password"]},
                headers=request.headers,
            )
        except APIError as error:
            return f"<p>{error.status} {error.code}</p>", error.status
        return "<p>welcome</p>", 200

    return app


def _configured_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=os.environ["FBA_DATABASE_URL"],
        BETTER_AUTH_SECRET="attack-replay-secret-0123456789abcdefghij",
        BETTER_AUTH_URL=APP_URL,
        BETTER_AUTH_MAIL="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=int(os.environ["FBA_SMTP_PORT"]),
        MAIL_DEFAULT_SENDER=("App", "auth@app.example"),
        MAIL_TIMEOUT=10,
    )
    return app
