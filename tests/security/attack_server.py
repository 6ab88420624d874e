"""The app the attack replays run against, served by gunicorn like a deployment.

``gunicorn "tests.security.attack_server:create_app()"`` with ``FBA_DATABASE_URL`` and
``FBA_SMTP_PORT`` (an SMTP server on 127.0.0.1 that receives the app's mail) set. Not in
testing or debug mode: the Origin checks are on, the base URL is :data:`APP_URL`, and
mail goes out through the built-in SMTP sender, verification mail on sign-up included.
With ``FBA_ALLOWED_HOSTS`` set (comma-separated; may be empty), there is no base URL and
those hosts are ``advanced.allowed_hosts`` (none at all when it is empty).
Rate limits are off: the replays send many requests from one address.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from flask_betterauth import BetterAuth

#: The app's public URL (``BETTER_AUTH_URL``); requests reach it on 127.0.0.1.
APP_URL = "http://app.example:8080"
#: Another origin the app trusts, besides its own.
TRUSTED = "https://*.trusted.example"


def create_app() -> Flask:
    """The app; its tables are made on start."""
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
    advanced: dict[str, Any] = {}
    hosts = os.environ.get("FBA_ALLOWED_HOSTS")
    if hosts is not None:
        del app.config["BETTER_AUTH_URL"]
        if hosts:
            advanced["allowed_hosts"] = hosts.split(",")
    db = SQLAlchemy()
    db.init_app(app)
    BetterAuth().init_app(
        app,
        db,
        email_and_password={"enabled": True, "password": {"bcrypt_rounds": 4}},
        email_verification={"send_on_sign_up": True},
        trusted_origins=[TRUSTED],
        rate_limit={"enabled": False},
        advanced=advanced,
    )
    with app.app_context():
        db.create_all()
    return app
