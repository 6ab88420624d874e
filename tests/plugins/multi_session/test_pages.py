"""The account switcher on the ready-made pages: add another account, switch, sign out
one account."""

from __future__ import annotations

import re
from typing import Any

import pytest

from flask_betterauth.plugins import multi_session
from tests.helpers import PASSWORD
from tests.pages.conftest import PageClient
from tests.pages.conftest import notice

BOB = {"name": "Bob", "email": "bob@example.com", "password": PASSWORD}
ADD = "/auth/sign-in?add_account=1"


@pytest.fixture
def database_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path}/auth.sqlite"


@pytest.fixture
def browser(make_pages_app: Any) -> PageClient:
    client = PageClient(make_pages_app(plugins=[multi_session()]).test_client())
    client.sign_up(**BOB)
    client.submit("/auth/sign-out", {})
    client.sign_up()
    return client


def accounts(browser: PageClient) -> list[tuple[str, bool, str]]:
    """(email, active, session id) of each listed account."""
    page = browser.get("/auth/account").text
    found = []
    for item in re.findall(r'<li data-testid="account">(.*?)</li>', page, re.S):
        email = re.search(r'<span class="ba-hint">([^<]+)</span>', item).group(1)
        session = re.search(r'name="session" value="([^"]+)"', item).group(1)
        found.append((email, "ba-badge" in item, session))
    return found


def add_bob(browser: PageClient) -> Any:
    data = {"email": BOB["email"], "password": PASSWORD}
    return browser.submit("/auth/sign-in", data, page=ADD)


def test_add_another_account_then_switch(browser):
    assert [(e, a) for e, a, _ in accounts(browser)] == [("ann@example.com", True)]
    assert (
        'href="/auth/sign-in?add_account=1">Add another account</a>'
        in browser.get("/auth/account").text
    )
    assert add_bob(browser).status_code == 303
    listed = {e: (a, s) for e, a, s in accounts(browser)}
    assert listed["bob@example.com"][0] and not listed["ann@example.com"][0]
    response = browser.act("switch-account", session=listed["ann@example.com"][1])
    assert response.status_code == 303
    page = browser.get(response.headers["Location"])
    assert notice(page) == "You switched accounts."
    assert dict((e, a) for e, a, _ in accounts(browser)) == {
        "ann@example.com": True,
        "bob@example.com": False,
    }


def test_sign_out_one_account_keeps_the_other(browser):
    add_bob(browser)
    listed = {e: s for e, _, s in accounts(browser)}
    response = browser.act("sign-out-account", session=listed["ann@example.com"])
    assert response.status_code == 303
    assert [(e, a) for e, a, _ in accounts(browser)] == [("bob@example.com", True)]


def test_sign_out_the_active_account_switches_to_the_next(browser):
    add_bob(browser)
    listed = {e: s for e, _, s in accounts(browser)}
    browser.act("sign-out-account", session=listed["bob@example.com"])
    assert [(e, a) for e, a, _ in accounts(browser)] == [("ann@example.com", True)]


def test_an_unknown_account_is_refused_in_words(browser):
    response = browser.act("switch-account", session="nope")
    assert response.status_code == 401
    assert "That account is no longer signed in here." in response.text
