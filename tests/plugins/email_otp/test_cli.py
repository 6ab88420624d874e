"""Both passwordless plugins in ``flask auth generate/migrate/info/init`` (no tables of
their own: their rows live in ``verification``), their rate limits and the OpenAPI
document."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flask_betterauth import NotBuiltError
from flask_betterauth.plugins import email_otp
from flask_betterauth.plugins import magic_link
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of


def _invoke(test_app: Any, *args: str) -> Any:
    return test_app.app.test_cli_runner().invoke(args=["auth", *args])


def test_generate_migrate_info_and_init(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cli.sqlite"
    plain = build_bare_app(url)
    try:
        core = _invoke(plain, "generate").output
    finally:
        engine_of(plain).dispose()
    test_app = build_bare_app(url, plugins=[magic_link(), email_otp()])
    try:
        generated = _invoke(test_app, "generate")
        assert generated.exit_code == 0, generated.output
        assert generated.output == core  # nothing of their own
        assert _invoke(test_app, "migrate", "--yes").exit_code == 0
        assert "up to date: nothing to do" in _invoke(test_app, "migrate", "--yes").output
        assert 'plugins: ["magic-link", "email-otp"]' in _invoke(test_app, "info").output
        target = tmp_path / "new-app"
        made = _invoke(
            test_app,
            "init",
            "--directory",
            str(target),
            "--plugins",
            "magic-link,email-otp",
            "--yes",
        )
        assert made.exit_code == 0, made.output
        auth_py = (target / "auth.py").read_text()
        compile(auth_py, "auth.py", "exec")
        assert "plugins=[magic_link(), email_otp()]" in auth_py
    finally:
        engine_of(test_app).dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_rate_limits(make_app: Any, clock: Any) -> None:
    test_app = make_app(
        plugins=[magic_link(lambda *a: None), email_otp(lambda *a: None)],
        rate_limit={"enabled": True},
    )
    client = test_app.app.test_client()
    link = {"email": "ann@example.com"}
    statuses = [
        client.post("/api/auth/sign-in/magic-link", json=link).status_code for _ in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    code = {"email": "ann@example.com", "otp": "123456"}
    statuses = [client.post("/api/auth/sign-in/email-otp", json=code).status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    # Each email-OTP endpoint has its own budget.
    sent = {"email": "ann@example.com", "type": "sign-in"}
    assert client.post("/api/auth/email-otp/send-verification-otp", json=sent).status_code == 200
    clock.advance(seconds=61)
    assert client.post("/api/auth/sign-in/email-otp", json=code).status_code == 400


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_endpoints_are_in_the_openapi_document(make_app: Any) -> None:
    from flask_betterauth.plugins import open_api

    test_app = make_app(plugins=[magic_link(), email_otp(), open_api()])
    response = test_app.app.test_client().get("/api/auth/open-api/generate-schema")
    paths = response.get_json()["paths"]
    assert {
        "/api/auth/sign-in/magic-link",
        "/api/auth/magic-link/verify",
        "/api/auth/sign-in/email-otp",
        "/api/auth/email-otp/send-verification-otp",
        "/api/auth/email-otp/reset-password",
    } <= set(paths)
    assert "/api/auth/email-otp/create-verification-otp" not in paths


@pytest.mark.parametrize(
    "options",
    [{"resend_strategy": "reuse"}, {"change_email": {"enabled": True}}],
)
def test_options_not_built_raise(options):
    with pytest.raises(NotBuiltError):
        email_otp(**options)
    assert email_otp(resend_strategy="rotate", change_email={"enabled": False}).id == "email-otp"
