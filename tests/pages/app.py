"""A small app that mounts the ready-made pages, for the page tests and the browser test.

It has a public home page and one protected page, and mails through a real SMTP server
(the tests' aiosmtpd). With ``test_routes`` it also serves ``/test/last-link?to=``, the
link of the newest mail to an address, so the browser test can follow what the app sent,
and ``/test/inaccessible``, a page the accessibility audit must fail.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import abort
from flask import request
from flask_sqlalchemy import SQLAlchemy
from markupsafe import escape

from flask_betterauth import BetterAuth
from flask_betterauth import current_user
from flask_betterauth import login_required
from flask_betterauth.options import merge_options
from tests.helpers import SECRET
from tests.mailserver import SMTPServer

#: The options of the pages app: verification mails, changes of address, deletion.
OPTIONS: dict[str, Any] = {
    "app_name": "Pages Test",
    "email_and_password": {"enabled": True, "password": {"bcrypt_rounds": 4}},
    "email_verification": {"send_on_sign_up": True, "auto_sign_in_after_verification": True},
    "user": {"change_email": {"enabled": True}, "delete_user": {"enabled": True}},
}


def create_pages_app(
    database_url: str,
    base_url: str,
    smtp: SMTPServer,
    *,
    testing: bool = True,
    test_routes: bool = False,
    config: dict[str, Any] | None = None,
    template_folder: str | None = None,
    **options: Any,
) -> tuple[Flask, SQLAlchemy, BetterAuth]:
    """The app, its ``db`` and ``auth``; ``options`` extend :data:`OPTIONS`."""
    app = Flask(__name__, template_folder=template_folder)
    app.config.update(
        TESTING=testing,
        SQLALCHEMY_DATABASE_URI=database_url,
        BETTER_AUTH_SECRET=SECRET,
        BETTER_AUTH_URL=base_url,
    )
    app.config.update(smtp.config())
    app.config.update(config or {})
    db = SQLAlchemy()
    db.init_app(app)
    auth = BetterAuth()
    auth.init_app(app, db, **merge_options({**OPTIONS, "pages": True}, options))

    @app.get("/")
    def home() -> str:
        who = escape(current_user["email"]) if current_user else "nobody"
        return f"<!doctype html><title>Home</title><main><h1>Home</h1><p>{who}</p></main>"

    @app.get("/private")
    @login_required
    def private() -> str:
        email = escape(current_user["email"])
        return f"<!doctype html><title>Private</title><h1>Private</h1><p>{email}</p>"

    if test_routes:

        @app.get("/test/last-link")
        def last_link() -> str:
            to = request.args.get("to", "")
            for received in reversed(smtp.inbox):
                if to in received.rcpt_tos:
                    return received.link
            abort(404)

        @app.get("/test/inaccessible")
        def inaccessible() -> str:
            return '<!doctype html><title>Bad</title><input type="text"><img src="x.png">'

    with app.app_context():
        db.create_all()
    return app, db, auth
