"""Login CSRF through email verification: with ``auto_sign_in_after_verification`` a
victim who opens the attacker's verification link is not switched into the attacker's
account; the address is verified and the victim's session stays (issue 17, item 6)."""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest

from tests.helpers import PASSWORD
from tests.helpers import rows
from tests.security.conftest import ANN
from tests.security.conftest import BASE
from tests.security.conftest import TOKEN_COOKIE
from tests.security.conftest import set_cookie_value
from tests.security.conftest import sign_up

MALLORY = {"name": "Mallory", "email": "mallory@example.com", "password": PASSWORD}


@pytest.fixture
def links(make_app):
    """An app that signs in on verification; the links it mailed, by address."""
    mailed: dict[str, str] = {}
    test_app = make_app(
        email_verification={
            "send_on_sign_up": True,
            "auto_sign_in_after_verification": True,
            "send_verification_email": lambda user, url, token: mailed.__setitem__(
                user["email"], url
            ),
        },
        session={"cookie_cache": {"enabled": True}},
    )
    return test_app, mailed


def _open(client, link, cookie=None):
    parts = urlsplit(link)
    headers = {"Cookie": cookie} if cookie else {}
    return client.get(parts.path, query_string=parse_qs(parts.query), headers=headers)


def _user_of(client, cookie):
    reply = client.get(
        f"{BASE}/get-session",
        query_string={"disableCookieCache": "true"},
        headers={"Cookie": cookie},
    )
    body = reply.get_json()
    return body["user"]["email"] if body else None


def test_the_attackers_link_does_not_replace_the_victims_session(links):
    test_app, mailed = links
    browser = test_app.app.test_client(use_cookies=False)
    _, victim_cookie = sign_up(browser, ANN)
    sign_up(test_app.app.test_client(use_cookies=False), MALLORY)
    sessions_before = len(rows(test_app, "session"))

    opened = _open(browser, mailed[MALLORY["email"]], victim_cookie)

    assert opened.status_code in (200, 302)
    assert set_cookie_value(opened) is None  # no session cookie for the attacker's account
    assert _user_of(browser, victim_cookie) == ANN["email"]
    assert len(rows(test_app, "session")) == sessions_before
    # The link still did its job: the attacker's address is verified.
    (mallory,) = [u for u in rows(test_app, "user") if u["email"] == MALLORY["email"]]
    assert mallory["emailVerified"] is True


def test_the_owners_own_link_keeps_and_refreshes_their_session(links):
    test_app, mailed = links
    browser = test_app.app.test_client(use_cookies=False)
    _, cookie = sign_up(browser, ANN)
    opened = _open(browser, mailed[ANN["email"]], cookie)
    assert opened.status_code in (200, 302)
    assert set_cookie_value(opened) == cookie.split("=", 1)[1]
    assert _user_of(browser, cookie) == ANN["email"]


def test_a_browser_without_a_session_is_signed_in_as_configured(links):
    test_app, mailed = links
    sign_up(test_app.app.test_client(use_cookies=False), ANN)
    phone = test_app.app.test_client(use_cookies=False)
    opened = _open(phone, mailed[ANN["email"]])
    new_cookie = set_cookie_value(opened)
    assert new_cookie
    assert _user_of(phone, f"{TOKEN_COOKIE}={new_cookie}") == ANN["email"]
