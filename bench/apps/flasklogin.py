"""Case (d), Flask-Login: a typical app that loads the user by id through SQLAlchemy."""

from __future__ import annotations

from flask import Flask
from flask import redirect
from flask import request
from flask_login import LoginManager
from flask_login import UserMixin
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash
from werkzeug.wrappers import Response

from .common import EMAIL
from .common import PASSWORD
from .common import SECRET
from .common import USER_AGENT
from .common import cookie_header
from .common import database_url
from .common import expect_signed_in

db = SQLAlchemy()
login_manager = LoginManager()


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """The usual Flask-Login user model: an integer id, a unique email, a hash."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(255), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """One primary-key query per request, as Flask-Login's documentation shows."""
    return db.session.get(User, int(user_id))


def create_app() -> Flask:
    """The app with a form login view and one protected JSON route."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY=SECRET, SQLALCHEMY_DATABASE_URI=database_url())
    db.init_app(app)
    login_manager.init_app(app)

    @app.post("/login")
    def login() -> Response | tuple[str, int]:
        user = db.session.execute(
            db.select(User).filter_by(email=request.form["email"])
        ).scalar_one_or_none()
        if user is None or not check_password_hash(user.password_hash, request.form["password"]):
            return "invalid email or password", 401
        login_user(user)
        return redirect("/protected")

    @app.get("/protected")
    @login_required
    def protected() -> dict[str, str]:
        return {"email": current_user.email}

    return app


app = create_app()


def prepare() -> str:
    """Create the table and the user, sign in through ``/login``, return the cookie."""
    with app.app_context():
        db.create_all()
        db.session.add(User(email=EMAIL, password_hash=generate_password_hash(PASSWORD)))
        db.session.commit()
    client = app.test_client(use_cookies=False)
    response = client.post(
        "/login",
        data={"email": EMAIL, "password": PASSWORD},
        headers={"User-Agent": USER_AGENT},
    )
    if response.status_code != 302:
        raise RuntimeError(f"Flask-Login sign-in answered {response.status_code}")
    cookie = cookie_header(response.headers.getlist("Set-Cookie"))
    expect_signed_in(client, "/protected", cookie)
    return cookie
