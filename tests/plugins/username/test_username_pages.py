"""The username on the ready-made pages: sign-in by username, the sign-up field, the
account section."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from flask_betterauth.plugins import username
from tests.helpers import PASSWORD
from tests.mailserver import SMTPServer
from tests.pages.app import create_pages_app
from tests.pages.conftest import ANN
from tests.pages.conftest import ORIGIN
from tests.pages.conftest import PageClient
from tests.pages.conftest import alerts
from tests.pages.conftest import notice

SESSION_COOKIE = "better-auth.session_token"


@pytest.fixture
def make_pages_app(database_url: str, smtp_server: SMTPServer) -> Iterator[Callable[..., Flask]]:
    """Pages apps on :func:`database_url` (as ``tests/pages`` makes them)."""
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
def browser(make_pages_app: Any) -> PageClient:
    return PageClient(make_pages_app(plugins=[username()]).test_client())


def test_sign_in_page_asks_for_email_or_username(browser):
    page = browser.get("/auth/sign-in").text
    assert '<label for="email">Email or username</label>' in page
    assert 'autocomplete="username"' in page


def test_sign_in_page_without_the_plugin_asks_for_email(make_pages_app):
    page = PageClient(make_pages_app().test_client()).get("/auth/sign-in").text
    assert '<label for="email">Email</label>' in page


def test_sign_up_with_username_then_sign_in_by_it(browser, make_pages_app):
    assert 'name="username"' in browser.get("/auth/sign-up").text
    assert browser.sign_up(username="Ann_B").status_code == 303
    account = browser.get("/auth/account").text
    assert 'value="Ann_B"' in account
    browser.submit("/auth/sign-out", {})
    assert not browser.cookie(SESSION_COOKIE)
    response = browser.sign_in(email="ann_b")
    assert response.status_code == 303, response.text
    assert browser.cookie(SESSION_COOKIE)


def test_sign_in_by_email_still_works(browser):
    browser.sign_up(username="ann_b")
    browser.submit("/auth/sign-out", {})
    assert browser.sign_in().status_code == 303


def test_wrong_password_by_username_is_shown_in_words(browser):
    browser.sign_up(username="ann_b")
    browser.submit("/auth/sign-out", {})
    response = browser.sign_in(email="ann_b", password="wrong-password")
    assert response.status_code == 401
    assert "The username or the password is wrong." in alerts(response).values()


def test_sign_up_with_a_taken_username_is_shown_in_words(browser, make_pages_app):
    browser.sign_up(username="ann_b")
    other = PageClient(browser.client.application.test_client())
    response = other.sign_up(email="bob@example.com", username="ANN_B")
    assert response.status_code == 400
    assert "This username is taken. Choose another one." in alerts(response).values()


def test_account_section_changes_the_username(browser):
    browser.sign_up()
    response = browser.act("username", username="New.Name")
    assert response.status_code == 303
    page = browser.client.get(response.headers["Location"])
    assert notice(page) == "Your username was saved."
    assert 'value="New.Name"' in page.text
    bad = browser.act("username", username="no way")
    assert bad.status_code == 400
    assert alerts(bad) == {"username-error": "Username: use letters, digits, _ and . only."}
    browser.submit("/auth/sign-out", {})
    assert browser.sign_in(email="new.name", password=PASSWORD).status_code == 303


def test_sign_up_without_username_leaves_it_empty(browser):
    assert browser.sign_up(**{"username": ""}).status_code == 303
    assert ANN["email"] in browser.get("/auth/account").text
