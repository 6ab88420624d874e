"""Sign up, sign in and sign out pages: forms, errors in words, CSRF, and a safe ``next``."""

from __future__ import annotations

import re

import pytest

from flask_betterauth.storage.secondary import MemoryStorage
from tests.helpers import PASSWORD

from .conftest import ANN
from .conftest import PageClient
from .conftest import alerts
from .conftest import notice

SESSION_COOKIE = "better-auth.session_token"


@pytest.mark.parametrize("path", ["/auth/sign-in", "/auth/sign-up", "/auth/forgot-password"])
def test_form_pages_render_accessibly(browser, path):
    response = browser.get(path)
    assert response.status_code == 200
    page = response.text
    assert page.count("<h1") == 1
    for input_id in re.findall(r'<input id="([^"]+)"', page):
        assert f'<label for="{input_id}">' in page
    assert 'name="betterauth_csrf"' in page
    assert "<script" not in page
    assert "/auth/static/pages.css" in page
    assert browser.cookie("betterauth_pages_csrf")


def test_stylesheet_is_served_by_the_package(browser):
    response = browser.get("/auth/static/pages.css")
    assert response.status_code == 200
    assert b".ba-pages" in response.data
    response.close()


def test_sign_up_signs_in_and_opens_the_account_page(browser):
    response = browser.sign_up()
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/account"
    assert browser.cookie(SESSION_COOKIE)
    account = browser.get("/auth/account")
    assert account.status_code == 200
    assert ANN["email"] in account.text


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"email": "not-an-email"}, "Email: Not a valid email address."),
        ({"password": "short"}, "The password is too short."),
    ],
)
def test_sign_up_errors_are_shown_next_to_the_form(browser, data, words):
    response = browser.sign_up(**data)
    assert response.status_code == 400
    assert alerts(response) == {"sign-up-error": words}
    assert 'aria-describedby="sign-up-error"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert browser.cookie(SESSION_COOKIE) is None


def test_sign_up_with_a_taken_address_says_so_and_keeps_the_name(ann):
    other = PageClient(ann.client.application.test_client())
    response = other.sign_up(name="Ann Again")
    assert response.status_code == 422
    assert alerts(response) == {
        "sign-up-error": "There is already an account with this email address. Use another one."
    }
    assert 'value="Ann Again"' in response.text
    assert f'value="{PASSWORD}"' not in response.text


def test_sign_up_that_needs_verification_first_says_a_mail_was_sent(make_pages_app):
    app = make_pages_app(email_and_password={"require_email_verification": True})
    browser = PageClient(app.test_client())
    response = browser.sign_up()
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/sign-in?notice=verification-sent"
    assert browser.cookie(SESSION_COOKIE) is None
    assert "verify your email" in notice(browser.get(response.headers["Location"]))


def test_sign_in_with_a_wrong_password_shows_why(ann, pages_app):
    browser = PageClient(pages_app.test_client())
    response = browser.sign_in(password="not the password")
    assert response.status_code == 401
    assert alerts(response) == {"sign-in-error": "The email address or the password is wrong."}
    assert 'value="ann@example.com"' in response.text


def test_sign_in_goes_back_to_the_protected_page(ann, pages_app):
    browser = PageClient(pages_app.test_client())
    refused = browser.get("/private?tab=a%20b")
    assert refused.status_code == 302
    sign_in_url = refused.headers["Location"]
    assert sign_in_url == "/auth/sign-in?next=/private%3Ftab%3Da%2520b"
    page = browser.get(sign_in_url)
    assert notice(page) == "Please sign in to see that page."
    response = browser.submit(
        sign_in_url, {"email": ANN["email"], "password": PASSWORD}, page=sign_in_url
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/private?tab=a%20b"
    assert browser.get("/private").status_code == 200


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "/%2F%2Fevil.example",
        "javascript:alert(1)",
        "/ok%0D%0ALocation:%20https://evil.example",
    ],
)
def test_sign_in_never_sends_the_browser_to_another_site(ann, pages_app, target):
    browser = PageClient(pages_app.test_client())
    url = "/auth/sign-in?next=" + target
    response = browser.submit(url, {"email": ANN["email"], "password": PASSWORD}, page=url)
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/account"


def test_next_in_the_form_body_is_checked_too(ann, pages_app):
    browser = PageClient(pages_app.test_client())
    data = {"email": ANN["email"], "password": PASSWORD, "next": "https://evil.example/"}
    response = browser.submit("/auth/sign-in", data)
    assert response.headers["Location"] == "/auth/account"
    browser = PageClient(pages_app.test_client())
    data["next"] = "/private"
    assert browser.submit("/auth/sign-in", data).headers["Location"] == "/private"


def test_signed_in_visitor_of_the_sign_in_page_goes_on(ann):
    response = ann.get("/auth/sign-in?next=/private")
    assert response.status_code == 303
    assert response.headers["Location"] == "/private"


def test_after_sign_in_url_option(make_pages_app):
    app = make_pages_app(pages={"after_sign_in_url": "/"})
    browser = PageClient(app.test_client())
    assert browser.sign_up().headers["Location"] == "/"


def test_sign_out_asks_then_signs_out_with_a_notice(ann):
    page = ann.get("/auth/sign-out")
    assert page.status_code == 200
    assert "You are signed in as ann@example.com." in page.text
    response = ann.submit("/auth/sign-out", {})
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/sign-in?notice=signed-out"
    assert ann.cookie(SESSION_COOKIE) is None
    assert notice(ann.get(response.headers["Location"])) == "You are signed out."
    assert ann.get("/private").status_code == 302


@pytest.mark.parametrize("token", [None, "", "forged-token", "from-another-browser"])
@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/auth/sign-up", ANN),
        ("/auth/sign-in", {"email": ANN["email"], "password": PASSWORD}),
        ("/auth/sign-out", {}),
        ("/auth/forgot-password", {"email": ANN["email"]}),
        ("/auth/reset-password", {"token": "x", "password": "new password 1"}),
        ("/auth/verify-email", {}),
    ],
)
def test_posts_without_a_valid_token_are_refused_in_words(ann, pages_app, path, data, token):
    browser = ann
    ann.get(path)  # the browser has a token cookie
    body = dict(data)
    if token == "from-another-browser":
        other = PageClient(pages_app.test_client())
        page = other.get("/auth/sign-in").text  # the token is per browser, not per page
        body["betterauth_csrf"] = re.search(r'name="betterauth_csrf" value="([^"]+)"', page)[1]
    elif token is not None:
        body["betterauth_csrf"] = token
    response = browser.client.post(path, data=body)
    assert response.status_code == 400
    assert "This form expired or came from another site. It was not sent" in response.text
    assert ann.get("/private").status_code == 200  # still signed in: nothing happened


def test_a_post_without_the_token_cookie_is_refused(pages_app):
    browser = PageClient(pages_app.test_client())
    page = browser.get("/auth/sign-up").text
    token = re.search(r'name="betterauth_csrf" value="([^"]+)"', page)[1]
    browser.client.delete_cookie("betterauth_pages_csrf")
    response = browser.client.post("/auth/sign-up", data={**ANN, "betterauth_csrf": token})
    assert response.status_code == 400
    assert browser.cookie(SESSION_COOKIE) is None


class _FlakyStorage(MemoryStorage):
    """Secondary storage whose reads fail while ``down``."""

    down = False

    def get(self, key: str) -> str | None:
        if self.down:
            raise ConnectionResetError("the store went away")
        return super().get(key)


def test_sign_out_while_the_session_store_is_down_is_a_503_not_a_crash(make_pages_app):
    storage = _FlakyStorage()
    app = make_pages_app(secondary_storage=storage)
    browser = PageClient(app.test_client())
    browser.sign_up()
    page = browser.get("/auth/sign-out")
    storage.down = True
    token = re.search(r'name="betterauth_csrf" value="([^"]+)"', page.text)[1]
    response = browser.client.post("/auth/sign-out", data={"betterauth_csrf": token})
    assert response.status_code == 503
    assert alerts(response) == {
        "sign-out-error": "Session storage is unavailable. Please try again shortly."
    }
    assert "You are not signed in." in response.text
    assert browser.cookie(SESSION_COOKIE) is None


def test_the_token_is_bound_to_the_session(ann, pages_app):
    signed_in_page = ann.get("/auth/sign-out").text
    token = re.search(r'name="betterauth_csrf" value="([^"]+)"', signed_in_page)[1]
    session = ann.cookie(SESSION_COOKIE)
    ann.submit("/auth/sign-out", {})
    # A token made for a signed-in browser is no good once its session cookie is gone...
    refused = ann.client.post("/auth/sign-in", data={**ANN, "betterauth_csrf": token})
    assert refused.status_code == 400
    # ...nor with someone else's session cookie in its place.
    other = PageClient(pages_app.test_client())
    other.sign_up(email="bob@example.com")
    ann.client.set_cookie(SESSION_COOKIE, other.cookie(SESSION_COOKIE))
    assert session != other.cookie(SESSION_COOKIE)
    refused = ann.client.post("/auth/sign-out", data={"betterauth_csrf": token})
    assert refused.status_code == 400
