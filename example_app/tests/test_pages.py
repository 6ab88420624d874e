"""The example app's pages, driven through Flask's test client."""

from __future__ import annotations

import logging
import re
import stat
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask.testing import FlaskCliRunner

from example_app import create_app
from example_app.extensions import db

from .conftest import EMAIL
from .conftest import NAME
from .conftest import ORIGIN
from .conftest import PASSWORD
from .conftest import AuthActions
from .conftest import make_test_config

SESSION_COOKIE = "better-auth.session_token"


def test_home_links_to_the_forms(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'href="/sign-up"' in page
    assert 'href="/sign-in"' in page


def test_sign_up_signs_the_new_user_in(client: FlaskClient, auth: AuthActions) -> None:
    assert client.get("/sign-up").status_code == 200

    response = auth.sign_up()

    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard"
    assert client.get_cookie(SESSION_COOKIE) is not None
    page = client.get("/dashboard").get_data(as_text=True)
    assert EMAIL in page
    assert NAME in page


def test_sign_up_with_a_taken_email_shows_the_error(client: FlaskClient, auth: AuthActions) -> None:
    auth.sign_up()
    auth.sign_out()

    response = auth.sign_up(name="Another Ann")

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "User already exists. Use another email." in page
    assert 'value="Another Ann"' in page


def test_sign_up_with_a_short_password_keeps_the_form_but_not_the_password(
    client: FlaskClient, auth: AuthActions
) -> None:
    response = auth.sign_up(password="short")

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Password too short" in page
    assert f'value="{EMAIL}"' in page
    assert 'value="short"' not in page
    assert client.get_cookie(SESSION_COOKIE) is None


def test_sign_in_starts_a_session(client: FlaskClient, auth: AuthActions) -> None:
    auth.sign_up()
    auth.sign_out()
    assert client.get_cookie(SESSION_COOKIE) is None
    assert client.get("/sign-in").status_code == 200

    response = auth.sign_in()

    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard"
    assert EMAIL in client.get("/dashboard").get_data(as_text=True)


@pytest.mark.parametrize(
    ("email", "password"),
    [(EMAIL, "wrong password"), ("nobody@example.com", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_bad_credentials_show_one_error(
    client: FlaskClient, auth: AuthActions, email: str, password: str
) -> None:
    auth.sign_up()
    auth.sign_out()

    response = auth.sign_in(email=email, password=password)

    assert response.status_code == 401
    page = response.get_data(as_text=True)
    assert "Invalid email or password" in page
    assert f'value="{email}"' in page
    assert client.get_cookie(SESSION_COOKIE) is None


def test_dashboard_requires_sign_in(client: FlaskClient) -> None:
    response = client.get("/dashboard")

    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/sign-in"


def test_a_script_asking_for_the_dashboard_gets_401(client: FlaskClient) -> None:
    response = client.get("/dashboard", headers={"Accept": "*/*", "Sec-Fetch-Mode": "cors"})

    assert response.status_code == 401
    assert response.get_json()["code"] == "UNAUTHORIZED"


@pytest.mark.parametrize(
    ("next_url", "landing"),
    [
        ("/?from=dashboard", "/?from=dashboard"),
        ("//evil.example/", "/dashboard"),
        ("/\\evil.example/", "/dashboard"),
        ("https://evil.example/", "/dashboard"),
        ("/\t/evil.example/", "/dashboard"),
    ],
    ids=["local-path", "scheme-relative", "backslash", "absolute", "control-character"],
)
def test_sign_in_goes_back_only_to_local_pages(
    client: FlaskClient, auth: AuthActions, next_url: str, landing: str
) -> None:
    auth.sign_up()
    auth.sign_out()

    data = {"email": EMAIL, "password": PASSWORD, "remember_me": "on"}
    response = client.post(
        "/sign-in", query_string={"next": next_url}, data=data, headers={"Origin": ORIGIN}
    )

    assert response.status_code == 303
    assert response.headers["Location"] == landing


def test_sign_in_comes_back_to_the_page_that_asked_for_it(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.sign_up()
    auth.sign_out()
    sign_in_url = client.get("/dashboard?tab=sessions").headers["Location"]

    data = {"email": EMAIL, "password": PASSWORD, "remember_me": "on"}
    response = client.post(sign_in_url, data=data, headers={"Origin": ORIGIN})

    assert response.headers["Location"] == "/dashboard?tab=sessions"


def test_dashboard_shows_the_user_and_session_expiry(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.sign_up()

    page = client.get("/dashboard").get_data(as_text=True)

    assert f'<dd data-testid="email">{EMAIL}</dd>' in page
    shown = re.search(r'data-testid="expires">([^<]+)<', page)
    assert shown is not None
    expires = datetime.strptime(shown.group(1), "%Y-%m-%d %H:%M UTC").replace(tzinfo=timezone.utc)
    wire = client.get("/api/auth/get-session").get_json()["session"]["expiresAt"]
    assert expires == datetime.fromisoformat(wire).replace(second=0, microsecond=0)
    # Sessions last seven days by default.
    assert abs(expires - (datetime.now(timezone.utc) + timedelta(days=7))) < timedelta(minutes=2)


def test_header_shows_who_is_signed_in(client: FlaskClient, auth: AuthActions) -> None:
    assert "header-user" not in client.get("/").get_data(as_text=True)
    auth.sign_up()
    page = client.get("/").get_data(as_text=True)
    assert f'<span class="who" data-testid="header-user">{NAME}</span>' in page


def test_signed_in_user_skips_the_sign_in_form(client: FlaskClient, auth: AuthActions) -> None:
    auth.sign_up()
    response = client.get("/sign-in")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_without_remember_me_the_session_cookie_ends_with_the_browser(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.sign_up()
    auth.sign_out()

    response = auth.sign_in(remember_me=False)

    assert response.status_code == 303
    cookies = {line.split("=", 1)[0]: line for line in response.headers.getlist("Set-Cookie")}
    assert "Max-Age" not in cookies[SESSION_COOKIE]
    assert "better-auth.dont_remember" in cookies


def test_sign_out_ends_the_session(client: FlaskClient, auth: AuthActions) -> None:
    auth.sign_up()
    token = client.get_cookie(SESSION_COOKIE)
    assert token is not None

    response = auth.sign_out()

    assert response.status_code == 303
    assert response.headers["Location"] == "/"
    assert client.get_cookie(SESSION_COOKIE) is None
    assert client.get("/dashboard").status_code == 302
    # The session is revoked on the server too: the old cookie no longer opens the dashboard.
    client.set_cookie(SESSION_COOKIE, token.value)
    assert client.get("/dashboard").status_code == 302


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site", "Origin": ORIGIN}],
    ids=["foreign-origin", "fetch-metadata"],
)
def test_cross_site_form_posts_are_refused(
    client: FlaskClient, auth: AuthActions, headers: dict[str, str]
) -> None:
    auth.sign_up()

    assert client.post("/sign-out", headers=headers).status_code == 403
    assert client.get("/dashboard").status_code == 200

    auth.sign_out()
    data = {"email": EMAIL, "password": PASSWORD}
    response = client.post("/sign-in", data=data, headers=headers)
    assert response.status_code == 403
    assert client.get_cookie(SESSION_COOKIE) is None


def test_same_origin_fetch_metadata_is_accepted(client: FlaskClient, auth: AuthActions) -> None:
    auth.sign_up()
    response = client.post("/sign-out", headers={"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 303
    assert client.get_cookie(SESSION_COOKIE) is None


def test_init_db_clears_the_accounts(
    client: FlaskClient, auth: AuthActions, runner: FlaskCliRunner
) -> None:
    auth.sign_up()
    auth.sign_out()

    result = runner.invoke(args=["init-db"])

    assert "Initialized the database." in result.output
    assert auth.sign_in().status_code == 401


def test_secret_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BETTER_AUTH_SECRET", "from-the-environment-0123456789abcdef")
    config = make_test_config("sqlite://")
    del config["BETTER_AUTH_SECRET"]

    app = create_app(config)

    assert app.config["BETTER_AUTH_SECRET"] == "from-the-environment-0123456789abcdef"
    _dispose(app)


def test_missing_secret_is_generated_once_per_instance(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, instance_path: Path
) -> None:
    monkeypatch.delenv("BETTER_AUTH_SECRET", raising=False)
    config = make_test_config("sqlite://")
    del config["BETTER_AUTH_SECRET"]

    with caplog.at_level(logging.WARNING, logger="example_app"):
        first = create_app(config)
    secret = first.config["BETTER_AUTH_SECRET"]
    kept = instance_path / "secret_key"

    assert len(secret) == 64 and int(secret, 16) >= 0
    assert kept.read_text().strip() == secret
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert "BETTER_AUTH_SECRET is not set" in caplog.text
    # The next start of the same instance signs with the same secret.
    second = create_app(config)
    assert second.config["BETTER_AUTH_SECRET"] == secret
    _dispose(first)
    _dispose(second)


def test_each_instance_has_its_own_secret(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("BETTER_AUTH_SECRET", raising=False)
    config = make_test_config("sqlite://")
    del config["BETTER_AUTH_SECRET"]
    secrets = []
    for name in ("one", "two"):
        monkeypatch.setenv("EXAMPLE_APP_INSTANCE_PATH", str(tmp_path / name))
        app = create_app(config)
        secrets.append(app.config["BETTER_AUTH_SECRET"])
        assert app.instance_path == str(tmp_path / name)
        _dispose(app)
    assert secrets[0] != secrets[1]


def test_base_url_defaults_to_the_local_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BETTER_AUTH_URL", raising=False)
    monkeypatch.setenv("PORT", "5123")
    config = make_test_config("sqlite://")
    del config["BETTER_AUTH_URL"]

    app = create_app(config)

    assert app.config["BETTER_AUTH_URL"] == "http://127.0.0.1:5123"
    _dispose(app)


@pytest.mark.parametrize("path", ["/", "/sign-in", "/dashboard", "/api/auth/get-session", "/nope"])
def test_every_response_carries_the_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)

    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.engine.dispose()
