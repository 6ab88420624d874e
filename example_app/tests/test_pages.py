"""The example app's own pages, and the ready-made pages as the app mounts them (its
layout, its sign-in target), driven through Flask's test client. The pages' own behaviour
is tested with the package (``tests/pages``)."""

from __future__ import annotations

import logging
import re
import stat
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask.testing import FlaskCliRunner

from example_app import create_app
from example_app.extensions import db

from .conftest import EMAIL
from .conftest import NAME
from .conftest import AuthActions
from .conftest import make_test_config

SESSION_COOKIE = "better-auth.session_token"


def test_home_links_to_the_ready_made_pages(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert 'href="/auth/sign-up"' in page
    assert 'href="/auth/sign-in"' in page


def test_the_app_keeps_only_its_own_pages(app: Flask) -> None:
    own = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if not rule.endpoint.startswith(("betterauth", "static"))
    }
    assert own == {"/", "/dashboard", "/dev/mail"}


def test_the_ready_made_pages_use_the_app_layout(client: FlaskClient) -> None:
    page = client.get("/auth/sign-in").get_data(as_text=True)
    assert "<title>Sign in · Example app</title>" in page
    assert '<a class="brand" href="/">Example app</a>' in page
    assert "/static/style.css" in page


def test_sign_up_signs_the_new_user_in_and_opens_the_dashboard(
    client: FlaskClient, auth: AuthActions
) -> None:
    response = auth.sign_up()

    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard"
    assert client.get_cookie(SESSION_COOKIE) is not None
    page = client.get("/dashboard").get_data(as_text=True)
    assert EMAIL in page
    assert NAME in page


def test_dashboard_sends_a_signed_out_browser_to_the_sign_in_page(client: FlaskClient) -> None:
    response = client.get("/dashboard")

    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/sign-in?next=/dashboard"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Please sign in to see that page." in page


def test_a_script_asking_for_the_dashboard_gets_401(client: FlaskClient) -> None:
    response = client.get("/dashboard", headers={"Accept": "*/*", "Sec-Fetch-Mode": "cors"})

    assert response.status_code == 401
    assert response.get_json()["code"] == "UNAUTHORIZED"


def test_sign_in_comes_back_to_the_page_that_asked_for_it(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.sign_up()
    auth.sign_out()
    assert client.get_cookie(SESSION_COOKIE) is None

    response = auth.sign_in(next_url="/dashboard")

    assert response.status_code == 303
    assert response.headers["Location"] == "/dashboard"
    assert EMAIL in client.get("/dashboard").get_data(as_text=True)


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


def test_the_header_sign_out_button_ends_the_session(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.sign_up()
    token = client.get_cookie(SESSION_COOKIE)
    assert token is not None

    response = auth.sign_out()

    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/sign-in?notice=signed-out"
    assert client.get_cookie(SESSION_COOKIE) is None
    assert client.get("/dashboard").status_code == 302
    # The session is revoked on the server too: the old cookie no longer opens the dashboard.
    client.set_cookie(SESSION_COOKIE, token.value)
    assert client.get("/dashboard").status_code == 302


def test_a_sign_out_post_without_the_form_token_is_refused(
    client: FlaskClient, auth: AuthActions
) -> None:
    auth.sign_up()

    response = client.post("/auth/sign-out", headers={"Origin": "http://evil.example"})

    assert response.status_code in (400, 403)
    assert client.get("/dashboard").status_code == 200


def test_an_unknown_page_is_a_styled_404(client: FlaskClient) -> None:
    response = client.get("/no/such/page")

    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "<h1>Page not found</h1>" in page
    assert '<a class="brand" href="/">Example app</a>' in page
    assert "/static/style.css" in page


def test_the_json_api_keeps_its_own_404(client: FlaskClient) -> None:
    response = client.get("/api/auth/no-such-endpoint")

    assert response.status_code == 404
    assert "Page not found" not in response.get_data(as_text=True)


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

    assert app.config["BETTER_AUTH_URL"] == "http://localhost:5123"
    _dispose(app)


def test_the_plugins_a_visitor_can_try_are_on(client: FlaskClient) -> None:
    # Each plugin's endpoint answers (a 404 would mean the plugin is off).
    for path in (
        "/api/auth/passkey/generate-authenticate-options",
        "/api/auth/multi-session/list-device-sessions",
    ):
        assert client.get(path).status_code != 404, path
    for path in (
        "/api/auth/sign-in/username",
        "/api/auth/sign-in/magic-link",
        "/api/auth/email-otp/send-verification-otp",
        "/api/auth/two-factor/enable",
        "/api/auth/sign-in/anonymous",
    ):
        assert client.post(path, json={}).status_code != 404, path


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
