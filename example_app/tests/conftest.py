"""Fixtures for the example app's tests: an app on a fresh database and an auth helper."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask.testing import FlaskCliRunner
from werkzeug.test import TestResponse

from example_app import create_app
from example_app.extensions import db

#: The origin the test client's requests come from; the app trusts it as its base URL.
ORIGIN = "http://localhost"
#: The account :class:`AuthActions` signs up and in with unless told otherwise.
NAME = "Ann Example"
EMAIL = "ann@example.com"
PASSWORD = "correct horse battery"


def make_test_config(
    database_uri: str, base_url: str = ORIGIN, testing: bool = True
) -> dict[str, Any]:
    """Config for a test app: a given database, a fixed secret, fast password hashing.

    ``testing=False`` runs the app as deployed; the extension then also checks the origin
    of requests to ``/api/auth``, as it does in production.
    """
    return {
        "TESTING": testing,
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "BETTER_AUTH_SECRET": "example-app-tests-secret-0123456789abcdef",
        "BETTER_AUTH_URL": base_url,
        "BETTER_AUTH_OPTIONS": {
            "email_and_password": {"enabled": True, "password": {"bcrypt_rounds": 4}},
        },
    }


#: The ``Accept`` header of a browser opening a page (``login_required`` redirects such
#: requests to sign in, and answers others 401).
PAGE_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(autouse=True)
def instance_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every example app a test makes keeps its instance folder (database, generated
    secret, mail log) in ``tmp_path``, never in the checkout."""
    path = tmp_path / "instance"
    monkeypatch.setenv("EXAMPLE_APP_INSTANCE_PATH", str(path))
    return path


@pytest.fixture
def app() -> Iterator[Flask]:
    """The example app on an in-memory SQLite database."""
    app = create_app(make_test_config("sqlite://"))
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client for the app that asks for pages as a browser does."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT"] = PAGE_ACCEPT
    return client


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A runner for the app's ``flask`` commands."""
    return app.test_cli_runner()


_TOKEN = re.compile(r'name="betterauth_csrf" value="([^"]+)"')


class AuthActions:
    """Fill in the ready-made pages' forms as a browser would: open the page, then post
    its form with the CSRF token the page carries."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def submit(self, url: str, data: dict[str, str], page: str | None = None) -> TestResponse:
        """Open ``page`` (default ``url``), then post ``data`` to ``url`` with its token."""
        shown = self._client.get(page or url)
        found = _TOKEN.search(shown.get_data(as_text=True))
        assert found is not None, f"no CSRF field on {page or url}: {shown.status}"
        return self._client.post(url, data={"betterauth_csrf": found.group(1), **data})

    def sign_up(
        self, name: str = NAME, email: str = EMAIL, password: str = PASSWORD
    ) -> TestResponse:
        """Post the sign-up form."""
        data = {"name": name, "email": email, "password": password}
        return self.submit("/auth/sign-up", data)

    def sign_in(
        self, email: str = EMAIL, password: str = PASSWORD, next_url: str | None = None
    ) -> TestResponse:
        """Post the sign-in form (from the page ``login_required`` sent us to, if given)."""
        url = "/auth/sign-in" + (f"?next={next_url}" if next_url else "")
        return self.submit(url, {"email": email, "password": password, "remember_me": "on"})

    def sign_out(self) -> TestResponse:
        """Press the header's sign-out button (on the home page)."""
        return self.submit("/auth/sign-out", {}, page="/")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """The :class:`AuthActions` helper bound to ``client``."""
    return AuthActions(client)
