"""The extension: app factories and several apps, the two faces of the registry, routing,
``/ok`` and ``/error``."""

from __future__ import annotations

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from werkzeug.datastructures import Headers

from flask_betterauth import ERROR_CODES
from flask_betterauth import APIError
from flask_betterauth import APIResponse
from flask_betterauth import BetterAuth
from flask_betterauth import BetterAuthError
from tests.helpers import PASSWORD
from tests.helpers import SECRET

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
FAST = {"enabled": True, "password": {"bcrypt_rounds": 4}}


@pytest.fixture
def database_url(tmp_path):
    """Nothing here depends on the database engine: SQLite only."""
    return f"sqlite:///{tmp_path}/auth.sqlite"


def new_app(url, **config):
    app = Flask(__name__)
    app.config.update(
        TESTING=True, SQLALCHEMY_DATABASE_URI=url, BETTER_AUTH_SECRET=SECRET, **config
    )
    return app


@pytest.fixture
def two_apps(tmp_path):
    """Two apps from one factory: one ``db``, one ``auth``, two SQLite files."""
    db = SQLAlchemy()
    auth = BetterAuth(email_and_password=FAST)
    apps = []
    for name in ("one", "two"):
        app = new_app(f"sqlite:///{tmp_path}/{name}.sqlite")
        db.init_app(app)
        auth.init_app(app, db)
        with app.app_context():
            db.create_all()
        apps.append(app)
    yield auth, apps
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def test_several_apps_share_one_extension(two_apps):
    auth, (one, two) = two_apps
    assert one.extensions["betterauth"] is not two.extensions["betterauth"]
    assert one.test_client().post("/api/auth/sign-up/email", json=ANN).status_code == 200
    credentials = {"email": ANN["email"], "password": PASSWORD}
    assert two.test_client().post("/api/auth/sign-in/email", json=credentials).status_code == 401
    with one.test_request_context():
        assert auth.api.sign_in_email(body=credentials)["user"]["email"] == "ann@example.com"
    with two.test_request_context(), pytest.raises(APIError) as info:
        auth.api.sign_in_email(body=credentials)
    assert info.value.code == "INVALID_EMAIL_OR_PASSWORD"
    with one.app_context():
        assert auth.models.User.__tablename__ == "user"


def test_second_init_app_on_one_app_raises(tmp_path):
    app = new_app(f"sqlite:///{tmp_path}/a.sqlite")
    db = SQLAlchemy(app)
    auth = BetterAuth()
    auth.init_app(app, db)
    with pytest.raises(RuntimeError, match="already been registered"):
        auth.init_app(app, db)
    with pytest.raises(RuntimeError, match="already been registered"):
        BetterAuth().init_app(app, db)


def test_init_app_needs_a_db(tmp_path):
    with pytest.raises(BetterAuthError, match="db"):
        BetterAuth().init_app(new_app(f"sqlite:///{tmp_path}/a.sqlite"))


def test_direct_form_and_constructor_options(tmp_path):
    app = new_app(f"sqlite:///{tmp_path}/a.sqlite")
    db = SQLAlchemy(app)
    auth = BetterAuth(app, db, email_and_password=FAST, session={"expires_in": 3600})
    with app.app_context():
        db.create_all()
    reply = app.test_client().post("/api/auth/sign-up/email", json=ANN)
    assert "Max-Age=3600" in reply.headers["Set-Cookie"]
    with app.app_context():
        db.engine.dispose()
        assert auth.state.options.session.expires_in == 3600


def test_init_app_options_extend_constructor_options(tmp_path):
    app = new_app(f"sqlite:///{tmp_path}/a.sqlite")
    db = SQLAlchemy(app)
    auth = BetterAuth(email_and_password=FAST, session={"expires_in": 3600})
    auth.init_app(app, db, session={"update_age": 60})
    options = app.extensions["betterauth"].options
    assert (options.session.expires_in, options.session.update_age) == (3600, 60)
    assert options.email_and_password.enabled is True


def test_api_outside_any_app_before_init_app():
    with pytest.raises(RuntimeError, match="application context"):
        BetterAuth().api.ok()


def test_api_outside_an_app_context_does_not_aim_at_the_last_app(auth_app):
    with pytest.raises(RuntimeError, match="app.app_context"):
        auth_app.auth.api.ok()
    with auth_app.app.app_context():
        assert auth_app.auth.api.ok() == {"ok": True}


def test_api_in_an_app_without_this_extension(auth_app):
    from flask import Flask

    with Flask("other").app_context(), pytest.raises(RuntimeError, match="init_app"):
        auth_app.auth.api.ok()


# -- the two faces ---------------------------------------------------------------------


def test_api_returns_the_body_or_raises(auth_app):
    api = auth_app.auth.api
    with auth_app.app.test_request_context():
        body = api.sign_up_email(body=ANN)
        assert set(body) == {"token", "user"}
        with pytest.raises(APIError) as info:
            api.sign_up_email(body=ANN)
    error = info.value
    assert (error.status, error.code) == (422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")
    assert error.message == "User already exists. Use another email."


def test_api_return_headers_and_as_response(auth_app):
    api = auth_app.auth.api
    credentials = {"email": ANN["email"], "password": PASSWORD}
    with auth_app.app.app_context():
        api.sign_up_email(body=ANN)
        out = api.sign_in_email(body=credentials, return_headers=True)
        assert isinstance(out, APIResponse)
        assert isinstance(out.headers, Headers)
        assert out.response["user"]["email"] == "ann@example.com"
        (cookie,) = out.headers.getlist("Set-Cookie")
        assert cookie.startswith("better-auth.session_token=")
        # Forwarding the cookie makes the next call signed in.
        value = cookie.split(";", 1)[0]
        session = api.get_session(headers={"Cookie": value})
        assert session["session"]["token"] == out.response["token"]
        response = api.sign_in_email(
            body={**credentials, "password": "nope-nope"}, as_response=True
        )
        assert response.status_code == 401
        assert response.get_json() == {
            "message": "Invalid email or password",
            "code": "INVALID_EMAIL_OR_PASSWORD",
        }


def test_api_names(auth_app):
    api = auth_app.auth.api
    with auth_app.app.app_context():
        names = dir(api)
        for name in ("sign_up_email", "sign_in_email", "sign_out", "get_session", "ok", "error"):
            assert name in names
        with pytest.raises(AttributeError, match="sign_in_email"):
            api.sign_in_mail  # noqa: B018


def test_error_codes_catalogue(auth_app):
    assert auth_app.auth.ERROR_CODES is ERROR_CODES or auth_app.auth.ERROR_CODES == ERROR_CODES
    expected = {
        "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL": "User already exists. Use another email.",
        "INVALID_EMAIL_OR_PASSWORD": "Invalid email or password",
        "INVALID_EMAIL": "Invalid email",
        "PASSWORD_TOO_SHORT": "Password too short",
        "PASSWORD_TOO_LONG": "Password too long",
        "EMAIL_NOT_VERIFIED": "Email not verified",
        "INVALID_CALLBACK_URL": "Invalid callbackURL",
        "FIELD_NOT_ALLOWED": "Field not allowed to be set",
        "MISSING_FIELD": "Field is required",
        "SESSION_NOT_FRESH": "Session is not fresh",
        "UNAUTHORIZED": "Unauthorized",
        "EMAIL_PASSWORD_SIGN_UP_DISABLED": "Email and password sign up is not enabled",
        "EMAIL_PASSWORD_DISABLED": "Email and password is not enabled",
        "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED": (
            "POST method requires deferSessionRefresh to be enabled in session config"
        ),
    }
    for code, message in expected.items():
        assert auth_app.auth.ERROR_CODES[code] == message
    for code in ("VALIDATION_ERROR", "BAD_REQUEST", "UNSUPPORTED_MEDIA_TYPE", "PAYLOAD_TOO_LARGE"):
        assert code in auth_app.auth.ERROR_CODES


# -- routing ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/auth/does-not-exist"),
        ("GET", "/api/auth/sign-in/email"),
        ("POST", "/api/auth/ok"),
        ("DELETE", "/api/auth/sign-out"),
        ("GET", "/api/auth/ok/"),
        ("GET", "/api/auth//ok"),
        ("POST", "/api/auth/sign-in//email"),
        ("GET", "/api/auth"),
        ("GET", "/api/auth/"),
    ],
)
def test_unknown_route_or_method_is_an_empty_404(client, method, path):
    response = client.open(path, method=method)
    assert response.status_code == 404
    assert response.data == b""
    assert "Content-Type" not in response.headers


def test_ok(caller):
    reply = caller.call("ok")
    assert (reply.status, reply.json) == (200, {"ok": True})
    assert reply.headers["Content-Type"] == "application/json"


def error_page(auth_app, via, query):
    if via == "http":
        response = auth_app.app.test_client().get("/api/auth/error", query_string=query)
    else:
        with auth_app.app.test_request_context():
            response = auth_app.auth.api.call("error", query=query, as_response=True)
    return response


def test_error_page_shows_an_escaped_description(auth_app, via):
    response = error_page(
        auth_app,
        via,
        {"error": "state_mismatch", "error_description": '<script>alert("x")</script> & more'},
    )
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "state_mismatch" in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more" in html


@pytest.mark.parametrize("code", ["<b>bold</b>", "a b", "x;y", "\"'><img src=x>"])
def test_error_page_refuses_odd_codes(auth_app, via, code):
    html = error_page(auth_app, via, {"error": code}).get_data(as_text=True)
    assert "UNKNOWN" in html
    assert "<b>" not in html and "<img" not in html


def test_error_page_without_a_code(auth_app, via):
    html = error_page(auth_app, via, {}).get_data(as_text=True)
    assert "UNKNOWN" in html
