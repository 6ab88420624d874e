"""Case (d), Flask-Security-Too: its default session auth over the fsqla models."""

from __future__ import annotations

from flask import Flask
from flask_security import Security
from flask_security import SQLAlchemyUserDatastore
from flask_security import auth_required
from flask_security import current_user
from flask_security import hash_password
from flask_security.models import fsqla_v3 as fsqla
from flask_sqlalchemy import SQLAlchemy

from .common import EMAIL
from .common import PASSWORD
from .common import SALT
from .common import SECRET
from .common import USER_AGENT
from .common import cookie_header
from .common import database_url
from .common import expect_signed_in

db = SQLAlchemy()
fsqla.FsModels.set_db_info(db)


class Role(db.Model, fsqla.FsRoleMixin):  # type: ignore[name-defined,misc]
    """The stock role model."""


class User(db.Model, fsqla.FsUserMixin):  # type: ignore[name-defined,misc]
    """The stock user model (looked up by ``fs_uniquifier`` on each request)."""


class WebAuthn(db.Model, fsqla.FsWebAuthnMixin):  # type: ignore[name-defined,misc]
    """The stock WebAuthn model: the user model refers to it once the ``webauthn``
    package is installed (our ``passkey`` extra brings it)."""


user_datastore = SQLAlchemyUserDatastore(db, User, Role, webauthn_model=WebAuthn)


def create_app() -> Flask:
    """The app as Flask-Security-Too's quickstart builds it, plus one protected route."""
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=SECRET,
        SECURITY_PASSWORD_SALT=SALT,
        # argon2 (the default) needs argon2-cffi; bcrypt is the other common choice and
        # only sign-in pays for it, not the benchmarked requests.
        SECURITY_PASSWORD_HASH="bcrypt",
        # The login form is posted by the setup code, not a browser.
        WTF_CSRF_ENABLED=False,
        SQLALCHEMY_DATABASE_URI=database_url(),
    )
    db.init_app(app)
    Security(app, user_datastore)

    @app.get("/protected")
    @auth_required()
    def protected() -> dict[str, str]:
        return {"email": current_user.email}

    return app


app = create_app()


def prepare() -> str:
    """Create the tables and the user, sign in through ``/login``, return the cookie."""
    with app.app_context():
        db.create_all()
        user_datastore.create_user(email=EMAIL, password=hash_password(PASSWORD))
        db.session.commit()
    client = app.test_client(use_cookies=False)
    response = client.post(
        "/login",
        data={"email": EMAIL, "password": PASSWORD},
        headers={"User-Agent": USER_AGENT},
    )
    if response.status_code != 302:
        raise RuntimeError(f"Flask-Security-Too sign-in answered {response.status_code}")
    cookie = cookie_header(response.headers.getlist("Set-Cookie"))
    expect_signed_in(client, "/protected", cookie)
    return cookie
