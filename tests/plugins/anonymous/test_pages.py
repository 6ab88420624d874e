"""Guest mode on the ready-made pages: continue as a guest, then sign up or sign in
(the guest becomes that account), or delete the guest."""

from __future__ import annotations

from typing import Any

import pytest

from flask_betterauth.plugins import anonymous
from tests.pages.conftest import ANN
from tests.pages.conftest import PageClient
from tests.pages.conftest import alerts
from tests.pages.conftest import notice

SESSION_COOKIE = "better-auth.session_token"


@pytest.fixture
def database_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path}/auth.sqlite"


@pytest.fixture
def linked() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def browser(make_pages_app: Any, linked: list[tuple[str, str]]) -> PageClient:
    def on_link(old: Any, new: Any) -> None:
        linked.append((old.user["email"], new.user["email"]))

    app = make_pages_app(plugins=[anonymous(on_link_account=on_link)])
    return PageClient(app.test_client())


def continue_as_guest(browser: PageClient) -> Any:
    return browser.submit("/auth/guest", {})


def test_sign_in_page_offers_guest_mode(browser):
    page = browser.get("/auth/sign-in").text
    assert 'href="/auth/guest">Continue as a guest</a>' in page
    response = continue_as_guest(browser)
    assert response.status_code == 303
    assert browser.cookie(SESSION_COOKIE)
    account = browser.get("/auth/account").text
    assert "You are a guest" in account
    assert "@anonymous.placeholder.invalid" in account


def test_a_guest_who_signs_up_becomes_the_account(browser, linked):
    continue_as_guest(browser)
    response = browser.sign_up()
    assert response.status_code == 303, response.text
    account = browser.get("/auth/account").text
    assert "You are a guest" not in account
    assert ANN["email"] in account
    ((guest_email, new_email),) = linked
    assert guest_email.endswith("@anonymous.placeholder.invalid") and new_email == ANN["email"]


def test_a_guest_signs_in_to_an_existing_account(browser, make_pages_app, linked):
    browser.sign_up()
    browser.submit("/auth/sign-out", {})
    continue_as_guest(browser)
    form = browser.get("/auth/sign-in?add_account=1")
    assert form.status_code == 200 and 'name="password"' in form.text
    data = {"email": ANN["email"], "password": ANN["password"]}
    response = browser.submit("/auth/sign-in", data, page="/auth/sign-in?add_account=1")
    assert response.status_code == 303
    assert len(linked) == 1
    assert "You are a guest" not in browser.get("/auth/account").text


def test_a_guest_cannot_continue_as_a_guest_again(browser):
    continue_as_guest(browser)
    response = continue_as_guest(browser)
    assert response.status_code == 400
    assert "You are already using the app as a guest." in alerts(response).values()


def test_a_guest_deletes_their_guest_account(browser):
    continue_as_guest(browser)
    response = browser.act("leave-guest")
    assert response.status_code == 303
    assert not browser.cookie(SESSION_COOKIE)
    page = browser.get(response.headers["Location"])
    assert notice(page) == "Your guest account was deleted."


def test_a_signed_in_browser_is_still_sent_on_from_sign_in(browser):
    browser.sign_up()
    assert browser.get("/auth/sign-in").status_code == 303
