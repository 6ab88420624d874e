"""Fixtures of the attack suite: apps with the origin checks on, browsers without jars."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers import PASSWORD
from tests.helpers import TestApp

BASE = "/api/auth"
APP_ORIGIN = "http://localhost"
#: The trusted origins of the spec's captured matrix (8.1), besides the app's own.
TRUSTED = ["http://trusted.com", "https://*.example.org"]
ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
TOKEN_COOKIE = "better-auth.session_token"


@pytest.fixture
def database_url(tmp_path: Any) -> str:
    """The attack suite runs on SQLite; modules that need PostgreSQL ask for it."""
    return f"sqlite:///{tmp_path}/auth.sqlite"


@pytest.fixture
def strict_app(make_app: Callable[..., TestApp]) -> TestApp:
    """An app with the Origin/CSRF checks on (as in production) and the matrix's origins."""
    return make_app(trusted_origins=TRUSTED, advanced={"disable_origin_check": False})


@pytest.fixture
def browser(strict_app: TestApp) -> Any:
    """A test client that keeps no cookies: every test says which cookies it sends."""
    return strict_app.app.test_client(use_cookies=False)


def set_cookie_value(response: Any, name: str = TOKEN_COOKIE) -> str | None:
    """The value ``response`` sets for cookie ``name`` (``None`` when it sets none)."""
    for line in response.headers.getlist("Set-Cookie"):
        cookie_name, _, rest = line.partition("=")
        if cookie_name == name:
            return rest.split(";", 1)[0]
    return None


def sign_up(client: Any, body: dict[str, Any] | None = None) -> tuple[Any, str]:
    """Sign Ann (or ``body``) up from the app's own origin; the response and its
    ``Cookie`` header value."""
    response = client.post(
        f"{BASE}/sign-up/email", json=body or ANN, headers={"Origin": APP_ORIGIN}
    )
    assert response.status_code == 200, response.get_json()
    return response, f"{TOKEN_COOKIE}={set_cookie_value(response)}"
