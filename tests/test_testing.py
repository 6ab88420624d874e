"""``flask_betterauth.testing``: what applications get for their own tests."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy

from flask_betterauth import BetterAuth
from flask_betterauth import current_user
from flask_betterauth import login_required
from flask_betterauth.options import merge_options
from flask_betterauth.testing import FAST_HASHING
from flask_betterauth.testing import AuthTestClient
from tests.helpers import PASSWORD
from tests.helpers import SECRET

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}


@pytest.fixture
def site(tmp_path):
    """An application as its authors would write it, with one protected view."""
    app = Flask("site")
    app.config.update(
        TESTING=True,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/site.sqlite",
        BETTER_AUTH_SECRET=SECRET,
        BETTER_AUTH_URL="http://localhost",
    )
    app.test_client_class = AuthTestClient
    db = SQLAlchemy(app)
    auth = BetterAuth()
    auth.init_app(app, db, **merge_options(FAST_HASHING, {"email_and_password": {"enabled": True}}))
    with app.app_context():
        db.create_all()

    @app.get("/me")
    @login_required
    def me():
        return {"email": current_user["email"]}

    yield app, auth
    with app.app_context():
        db.engine.dispose()


def test_fast_hashing_sets_the_lowest_bcrypt_cost(site):
    app, _ = site
    assert app.extensions["betterauth"].hasher.rounds == 4


def test_a_client_signed_in_as_a_user_record(site):
    app, auth = site
    with app.test_request_context():
        user = auth.api.sign_up_email(body=ANN)["user"]
    assert app.test_client().get("/me", headers={"Accept": "application/json"}).status_code == 401
    client = app.test_client(user=user)
    reply = client.get("/me", headers={"Accept": "application/json"})
    assert reply.status_code == 200 and reply.json == {"email": ANN["email"]}
    assert client.signed_in is not None and client.signed_in.user["id"] == user["id"]
    session = client.get("/api/auth/get-session").json
    assert session["user"]["email"] == ANN["email"]


def test_a_client_signed_in_by_email_and_a_short_session(site):
    app, auth = site
    with app.test_request_context():
        auth.api.sign_up_email(body=ANN)
    client = app.test_client(user=ANN["email"], remember_me=False)
    assert client.get("/me", headers={"Accept": "application/json"}).status_code == 200
    signed_in = client.signed_in
    life = signed_in.session["expiresAt"] - signed_in.session["createdAt"]
    assert life.total_seconds() == 24 * 3600


def test_an_unknown_email_is_an_error(site):
    app, _ = site
    with pytest.raises(LookupError, match="nobody@example.com"):
        app.test_client(user="nobody@example.com")
