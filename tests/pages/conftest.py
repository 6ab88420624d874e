"""Fixtures of the page tests: the pages app on each database, and a browser-like client
that reads the CSRF token from the form it posts, as a browser sends it back."""

from __future__ import annotations

import re
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.helpers import PASSWORD
from tests.mailserver import SMTPServer

from .app import create_pages_app

ORIGIN = "http://localhost"
ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
_TOKEN = re.compile(r'name="betterauth_csrf" value="([^"]+)"')
_ALERT = re.compile(r'<p class="ba-error" id="([^"]+)" role="alert">([^<]*)</p>')
_NOTICE = re.compile(r'role="status" data-testid="notice">([^<]*)</p>')


class PageClient:
    """A test client used as a person uses the pages: open a page, fill its form, send."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str) -> TestResponse:
        return self.client.get(url)

    def submit(self, url: str, data: dict[str, Any], page: str | None = None) -> TestResponse:
        """Open ``page`` (default ``url``), then post ``data`` to ``url`` with its token."""
        shown = self.client.get(page or url)
        found = _TOKEN.search(shown.text)
        assert found is not None, f"no CSRF field on {page or url}: {shown.status}"
        return self.client.post(url, data={"betterauth_csrf": found.group(1), **data})

    def sign_up(self, **data: Any) -> TestResponse:
        return self.submit("/auth/sign-up", {**ANN, **data})

    def sign_in(self, email: str = ANN["email"], password: str = PASSWORD) -> TestResponse:
        return self.submit("/auth/sign-in", {"email": email, "password": password})

    def act(self, action: str, **data: Any) -> TestResponse:
        """Post one of the account page's forms."""
        return self.submit("/auth/account", {"action": action, **data})

    def cookie(self, name: str) -> str | None:
        found = self.client.get_cookie(name)
        return found.value if found else None


def alerts(response: TestResponse) -> dict[str, str]:
    """The error messages of a page, by their element id."""
    return dict(_ALERT.findall(response.text))


def notice(response: TestResponse) -> str | None:
    """The page's notice, if it shows one."""
    found = _NOTICE.search(response.text)
    return found.group(1) if found else None


@pytest.fixture
def make_pages_app(database_url: str, smtp_server: SMTPServer) -> Iterator[Callable[..., Flask]]:
    """Build pages apps on :func:`database_url`; their engines are closed afterwards."""
    made: list[Any] = []

    def factory(**options: Any) -> Flask:
        app, db, _ = create_pages_app(database_url, ORIGIN, smtp_server, **options)
        made.append((app, db))
        return app

    yield factory
    for app, db in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def pages_app(make_pages_app: Callable[..., Flask]) -> Flask:
    """The pages app with its default options."""
    return make_pages_app()


@pytest.fixture
def browser(pages_app: Flask) -> PageClient:
    """A fresh browser on :func:`pages_app`."""
    return PageClient(pages_app.test_client())


@pytest.fixture
def ann(browser: PageClient) -> PageClient:
    """Ann has signed up in :func:`browser` (and so is signed in there)."""
    response = browser.sign_up()
    assert response.status_code == 303, response.text
    return browser
