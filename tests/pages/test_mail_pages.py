"""Forgotten password, reset password and email verification pages, with the links of
the mails the app sent through a real SMTP server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.helpers import PASSWORD

from .conftest import ANN
from .conftest import PageClient
from .conftest import alerts
from .conftest import notice

NEW_PASSWORD = "a brand new password"


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _open_link(browser: PageClient, link: str) -> str:
    """Open a mailed link (an API URL) and follow its redirect; the page's URL."""
    response = browser.get(_path(link))
    assert response.status_code == 302, response.text
    return str(response.headers["Location"])


def test_forgot_and_reset_password(ann, pages_app, smtp_server):
    browser = PageClient(pages_app.test_client())
    response = browser.submit("/auth/forgot-password", {"email": ANN["email"]})
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/forgot-password?notice=reset-sent"
    assert "we sent it a link" in notice(browser.get(response.headers["Location"]))

    mail = smtp_server.last(to=ANN["email"])
    assert "/api/auth/reset-password/" in mail.link
    page_url = _path(_open_link(browser, mail.link))
    assert page_url.startswith("/auth/reset-password?token=")
    page = browser.get(page_url)
    assert page.status_code == 200
    token = page_url.split("token=", 1)[1]
    assert f'name="token" value="{token}"' in page.text

    short = browser.submit(
        "/auth/reset-password", {"password": "short", "token": token}, page=page_url
    )
    assert short.status_code == 400
    assert alerts(short) == {"reset-error": "The password is too short."}

    done = browser.submit(
        "/auth/reset-password", {"password": NEW_PASSWORD, "token": token}, page=page_url
    )
    assert done.status_code == 303
    assert done.headers["Location"] == "/auth/sign-in?notice=password-reset"
    assert browser.sign_in(password=PASSWORD).status_code == 401
    assert browser.sign_in(password=NEW_PASSWORD).status_code == 303

    again = browser.submit(
        "/auth/reset-password", {"password": NEW_PASSWORD, "token": token}, page=page_url
    )
    assert again.status_code == 400
    assert alerts(again) == {"link-error": "This link is not valid, or it was already used."}


def test_forgot_password_answers_the_same_for_an_unknown_address(browser, smtp_server):
    response = browser.submit("/auth/forgot-password", {"email": "nobody@example.com"})
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/forgot-password?notice=reset-sent"
    assert smtp_server.inbox == []


def test_forgot_password_with_a_bad_address_says_so(browser):
    response = browser.submit("/auth/forgot-password", {"email": "nope"})
    assert response.status_code == 400
    assert alerts(response) == {"forgot-error": "Email: Not a valid email address."}


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/auth/reset-password", "This link is not valid, or it was already used."),
        (
            "/auth/reset-password?error=INVALID_TOKEN",
            "This link is not valid, or it was already used.",
        ),
        ("/auth/reset-password?error=<b>", "This link could not be used. Ask for a new one."),
    ],
)
def test_reset_page_without_a_usable_token_explains(browser, url, words):
    response = browser.get(url)
    assert response.status_code == 400
    assert alerts(response) == {"link-error": words}
    assert "Ask for a new link" in response.text


def test_verification_link_lands_on_the_verify_page(pages_app, smtp_server):
    browser = PageClient(pages_app.test_client())
    browser.sign_up()
    mail = smtp_server.last(to=ANN["email"])
    assert "/api/auth/verify-email" in mail.link
    page_url = _open_link(browser, mail.link)
    assert page_url == "/auth/verify-email?notice=email-verified"
    page = browser.get(page_url)
    assert notice(page) == "Your email address is verified."
    assert "ann@example.com is verified." in page.text


def test_verification_link_signs_in_another_browser(ann, pages_app, smtp_server):
    other = PageClient(pages_app.test_client())
    page_url = _open_link(other, smtp_server.last(to=ANN["email"]).link)
    assert other.get(page_url).status_code == 200
    assert other.get("/private").status_code == 200


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("TOKEN_EXPIRED", "This link has expired. Ask for a new one."),
        ("INVALID_TOKEN", "This link is not valid, or it was already used."),
        ("USER_NOT_FOUND", "There is no account for this link."),
    ],
)
def test_verify_page_explains_a_failed_link(browser, code, words):
    response = browser.get(f"/auth/verify-email?notice=email-verified&error={code}")
    assert response.status_code == 400
    assert alerts(response) == {"link-error": words}
    assert notice(response) is None


def test_unverified_user_asks_for_a_new_link(ann, smtp_server):
    page = ann.get("/auth/verify-email")
    assert "is not verified yet" in page.text
    before = len(smtp_server.inbox)
    response = ann.submit("/auth/verify-email", {})
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/verify-email?notice=verification-sent"
    assert len(smtp_server.inbox) == before + 1


def test_asking_for_a_new_link_signed_out_leads_to_sign_in(browser):
    browser.get("/auth/sign-in")
    response = browser.submit("/auth/verify-email", {}, page="/auth/sign-in")
    assert response.status_code == 303
    assert response.headers["Location"] == "/auth/sign-in?next=/auth/verify-email"


def test_verified_without_auto_sign_in_asks_to_sign_in(make_pages_app, smtp_server):
    app = make_pages_app(email_verification={"auto_sign_in_after_verification": False})
    PageClient(app.test_client()).sign_up()
    other = PageClient(app.test_client())
    page = other.get(_open_link(other, smtp_server.last(to=ANN["email"]).link))
    assert notice(page) == "Your email address is verified."
    assert "to go on." in page.text
    assert "Open the link we mailed you" not in page.text
