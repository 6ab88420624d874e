"""Flask glue: ``login_required``, ``current_user``, ``current_session``, templates."""

from __future__ import annotations

from datetime import datetime
from datetime import timedelta

import pytest
from flask import jsonify
from flask import render_template_string

from flask_betterauth import current_session
from flask_betterauth import current_user
from flask_betterauth import login_required
from tests.helpers import PASSWORD
from tests.helpers import SECRET
from tests.helpers import rows
from tests.helpers import sql
from tests.spec_snippets import sign_cookie_value

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
UNAUTHORIZED = {"message": "Unauthorized", "code": "UNAUTHORIZED"}


def add_views(app):
    """Protected and public views, as an app would write them."""

    @app.get("/me")
    @login_required
    def me():
        return jsonify(
            email=current_user.email,
            name=current_user["name"],
            verified=current_user.email_verified,
            session=current_session.id,
            expires=current_session["expiresAt"].isoformat(),
            expires_type=type(current_session.expires_at).__name__,
        )

    @app.get("/fresh")
    @login_required(fresh=True)
    def fresh():
        return jsonify(ok=True)

    @app.get("/public")
    def public():
        return "public"

    @app.get("/who")
    def who():
        return jsonify(signed_in=bool(current_user), session=bool(current_session))

    @app.get("/page")
    def page():
        return render_template_string(
            "{% if current_user %}Hello {{ current_user.name }}, until "
            "{{ current_session.expires_at.date() }}{% else %}Hello stranger{% endif %}"
        )

    @app.get("/plain-page")
    def plain_page():
        return render_template_string("no user here")


@pytest.fixture
def glue_app(make_app):
    """Build an app with the views; ``glue_app(**options)``."""

    def build(config=None, **options):
        test_app = make_app(config, **options)
        add_views(test_app.app)
        return test_app

    return build


@pytest.fixture
def site(glue_app):
    return glue_app()


@pytest.fixture
def browser(site):
    """A test client keeping cookies, signed up (so signed in) as Ann."""
    client = site.app.test_client()
    assert client.post("/api/auth/sign-up/email", json=ANN).status_code == 200
    return client


@pytest.fixture
def lookups(site, monkeypatch):
    """How many times the session was looked up in the database."""
    adapter = site.app.extensions["betterauth"].adapter
    calls = []
    real = adapter.find_session

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(adapter, "find_session", counted)
    return calls


def test_signed_in_view_sees_user_and_session(clock, browser, site):
    response = browser.get("/me", headers=JSON)
    assert response.status_code == 200
    body = response.get_json()
    (session,) = rows(site, "session")
    assert body == {
        "email": "ann@example.com",
        "name": "Ann",
        "verified": False,
        "session": session["id"],
        "expires": "2026-12-02T12:00:00+00:00",
        "expires_type": "datetime",
    }


@pytest.mark.parametrize(
    "headers", [JSON, {"Content-Type": "application/json"}, {"Accept": "application/json, */*"}]
)
def test_json_request_without_session_gets_401(site, headers):
    response = site.app.test_client().get("/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == UNAUTHORIZED


def test_browser_without_session_is_redirected_with_next(site):
    response = site.app.test_client().get("/me?tab=2", headers=HTML)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/me%3Ftab%3D2"
    response = site.app.test_client().get("/me", headers=HTML)
    assert response.headers["Location"] == "/sign-in?next=/me"


@pytest.mark.parametrize(
    "headers",
    [
        {"Accept": "*/*"},  # fetch()'s default, curl's default
        {"Accept": "text/html;q=0.5, application/json"},
        {"Accept": "text/html", "Sec-Fetch-Mode": "cors"},  # a fetch() that asks for HTML
        {"Accept": "text/html", "Sec-Fetch-Mode": "no-cors"},
    ],
)
def test_script_request_without_session_gets_401(site, headers):
    response = site.app.test_client().get("/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == UNAUTHORIZED


@pytest.mark.parametrize(
    "headers",
    [
        {},  # no Accept (a test client): a page, as before the Accept rule
        {"Accept": "*/*", "Sec-Fetch-Mode": "navigate"},
        {"Accept": "text/html"},  # a browser without Sec-Fetch-* headers
        {"Accept": "application/json;q=0.9, text/html"},
    ],
)
def test_page_request_without_session_is_redirected(site, headers):
    response = site.app.test_client().get("/me", headers=headers)
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in?next=/me"


def test_configured_sign_in_page(glue_app):
    test_app = glue_app({"BETTER_AUTH_SIGN_IN_URL": "/login?from=app"})
    response = test_app.app.test_client().get("/me", headers=HTML)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?from=app&next=/me"


def test_fresh_view(clock, browser, site):
    assert browser.get("/fresh", headers=JSON).status_code == 200
    clock.advance(hours=23, minutes=59)
    assert browser.get("/fresh", headers=JSON).status_code == 200
    clock.advance(minutes=1)
    stale = browser.get("/fresh", headers=JSON)
    assert stale.status_code == 403
    assert stale.get_json() == {"message": "Session is not fresh", "code": "SESSION_NOT_FRESH"}
    # Still signed in, and a sliding refresh does not make the session fresh again.
    assert browser.get("/me", headers=JSON).status_code == 200
    assert browser.get("/fresh", headers=JSON).status_code == 403
    # A browser is sent to sign in again.
    assert browser.get("/fresh", headers=HTML).status_code == 302
    # Signing in again gives a fresh session.
    browser.post("/api/auth/sign-in/email", json={"email": ANN["email"], "password": PASSWORD})
    assert browser.get("/fresh", headers=JSON).status_code == 200


@pytest.mark.parametrize(("fresh_age", "fresh_at_2h"), [(3600, False), (0, True)])
def test_fresh_age_option(clock, glue_app, fresh_age, fresh_at_2h):
    test_app = glue_app(session={"fresh_age": fresh_age})
    client = test_app.app.test_client()
    client.post("/api/auth/sign-up/email", json=ANN)
    clock.advance(hours=2)
    status = client.get("/fresh", headers=JSON).status_code
    assert status == (200 if fresh_at_2h else 403)


def test_protected_request_extends_the_session(clock, browser, site):
    clock.advance(days=1)
    response = browser.get("/me", headers=JSON)
    assert response.status_code == 200
    (line,) = response.headers.getlist("Set-Cookie")
    value = browser.get_cookie("better-auth.session_token").value
    assert line == (
        f"better-auth.session_token={value}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"
    )
    assert rows(site, "session")[0]["expiresAt"] == clock.now + timedelta(days=7)


def test_expired_session_at_a_protected_view(clock, browser, site):
    clock.advance(days=7)
    response = browser.get("/me", headers=JSON)
    assert response.status_code == 401
    assert response.get_json() == UNAUTHORIZED
    expired = response.headers.getlist("Set-Cookie")
    assert "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax" in expired
    assert rows(site, "session") == []


def test_session_is_read_once_per_request(browser, lookups):
    assert browser.get("/me", headers=JSON).status_code == 200
    assert len(lookups) == 1
    browser.get("/page")
    assert len(lookups) == 2


def test_session_is_read_only_when_used(browser, lookups):
    assert browser.get("/public").data == b"public"
    assert browser.get("/plain-page").data == b"no user here"
    assert lookups == []


def test_templates_see_current_user_and_session(clock, browser, site):
    assert browser.get("/page").get_data(as_text=True) == "Hello Ann, until 2026-12-02"
    assert site.app.test_client().get("/page").get_data(as_text=True) == "Hello stranger"


def test_signed_out_proxies_are_falsy(site):
    client = site.app.test_client()
    assert client.get("/who").get_json() == {"signed_in": False, "session": False}
    client.set_cookie("better-auth.session_token", "forged.value")
    assert client.get("/who").get_json() == {"signed_in": False, "session": False}


def test_proxies_outside_a_request_are_none(site):
    with site.app.app_context():
        assert not current_user
        assert not current_session


def test_cookie_cache_hit_needs_no_lookup(glue_app, monkeypatch):
    test_app = glue_app(session={"cookie_cache": {"enabled": True}})
    client = test_app.app.test_client()
    client.post("/api/auth/sign-up/email", json=ANN)
    adapter = test_app.app.extensions["betterauth"].adapter
    calls = []
    real = adapter.find_session
    monkeypatch.setattr(adapter, "find_session", lambda *a, **k: calls.append(a) or real(*a, **k))
    sql(test_app, "DELETE FROM session")
    assert client.get("/me", headers=JSON).get_json()["email"] == "ann@example.com"
    assert calls == []


def test_a_better_auth_cookie_signs_in_at_a_view(clock, browser, site):
    # The cookie a Better Auth server with the same secret would set, for a row it wrote.
    table = site.state.models.tables["session"]
    (user,) = rows(site, "user")
    with site.app.app_context(), site.db.engine.begin() as conn:
        conn.execute(
            table.insert().values(
                id="S" * 32,
                token="T" * 32,
                userId=user["id"],
                ipAddress="",
                userAgent="",
                expiresAt=clock.now + timedelta(days=7),
                createdAt=clock.now,
                updatedAt=clock.now,
            )
        )
    client = site.app.test_client()
    client.set_cookie("better-auth.session_token", sign_cookie_value("T" * 32, SECRET))
    body = client.get("/me", headers=JSON).get_json()
    assert body["session"] == "S" * 32
    assert datetime.fromisoformat(body["expires"]) == clock.now + timedelta(days=7)
