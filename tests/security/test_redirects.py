"""Open redirects: every redirect target a client can send is a safe path or trusted."""

from __future__ import annotations

import pytest

from tests.helpers import PASSWORD
from tests.security.conftest import ANN
from tests.security.conftest import APP_ORIGIN
from tests.security.conftest import BASE
from tests.security.conftest import sign_up

#: Targets that lead off the app (or run script); each must be refused.
PAYLOADS = [
    "//evil.example",
    "///evil.example",
    "////evil.example/x",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "\\/evil.example",
    "https://evil.example",
    "http://evil.example/dashboard",
    "HTTPS://EVIL.EXAMPLE",
    "hTtP://evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "java\tscript:alert(1)",
    "javascript://localhost/%0Aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "/%2F%2Fevil.example",
    "/%2fevil.example",
    "/%5Cevil.example",
    "/%5cevil.example",
    "%2F%2Fevil.example",
    "/%09/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\x00/evil.example",
    " //evil.example",
    "\t//evil.example",
    "http://localhost@evil.example",
    "http://localhost:80@evil.example/",
    "http://localhost.evil.example",
    "http://evil.example?http://localhost",
    "http://evil.example#http://localhost",
    "http://evil.example\\@localhost",
    "http://evil.example\\.localhost",
    "https:/\\evil.example",
    "https:evil.example",
    "http:/evil.example",
    "http://trusted.com.evil.example",
    "https://evil.example/https://localhost",
    "ftp://evil.example",
    "http://%6c%6fcalhost.evil.example",
    "https://evil.example\uff0f.example.org",
    "http://[::ffff:7f00:1]@evil.example",
    "evil.example",
    "..//evil.example",
]

#: Targets that stay on the app or a trusted origin; each must be accepted.
SAFE = [
    "/dashboard",
    "/dashboard?tab=1&next=%2Fhome",
    "/a/b/../c",
    "/search?q=a+b",
    "http://localhost/welcome",
    "http://trusted.com/x",
    "https://a.example.org/x",
    "",
]


@pytest.fixture
def ann(browser):
    return sign_up(browser)[1]


def sign_in(browser, **fields):
    return browser.post(
        f"{BASE}/sign-in/email",
        json={"email": ANN["email"], "password": PASSWORD, **fields},
        headers={"Origin": APP_ORIGIN},
    )


def test_there_are_enough_payloads():
    assert len(PAYLOADS) >= 20


def refused(target: str, code: str = "INVALID_CALLBACK_URL") -> tuple[int, str]:
    """The answer to ``target``: 403 with ``code``; a NUL character fails validation first."""
    return (400, "VALIDATION_ERROR") if "\x00" in target else (403, code)


@pytest.mark.parametrize("target", PAYLOADS)
def test_sign_in_callback_url_is_refused(browser, ann, target):
    response = sign_in(browser, callbackURL=target)
    body = response.get_json()
    assert (response.status_code, body["code"]) == refused(target), (target, body)
    assert "Set-Cookie" not in response.headers
    assert "Location" not in response.headers


@pytest.mark.parametrize("target", SAFE)
def test_sign_in_callback_url_is_accepted(browser, ann, target):
    response = sign_in(browser, callbackURL=target)
    assert response.status_code == 200, (target, response.get_json())
    if target:
        assert response.get_json()["url"] == target
        assert response.headers["Location"] == target


@pytest.mark.parametrize(
    ("field", "code"),
    [
        ("callbackURL", "INVALID_CALLBACK_URL"),
        ("newUserCallbackURL", "INVALID_NEW_USER_CALLBACK_URL"),
        ("errorCallbackURL", "INVALID_ERROR_CALLBACK_URL"),
        ("redirectTo", "INVALID_REDIRECT_URL"),
    ],
)
@pytest.mark.parametrize("target", PAYLOADS[:12])
def test_every_redirect_field_is_checked(browser, ann, field, code, target):
    response = sign_in(browser, **{field: target})
    assert response.status_code == 403
    assert response.get_json()["code"] == code


def test_a_redirect_field_must_be_a_string(browser, ann):
    response = sign_in(browser, errorCallbackURL=["https://evil.example"])
    assert response.status_code == 400


@pytest.mark.parametrize("target", PAYLOADS[:12])
def test_sign_up_and_sign_out_callback_urls(browser, target):
    body = {**ANN, "callbackURL": target}
    response = browser.post(f"{BASE}/sign-up/email", json=body, headers={"Origin": APP_ORIGIN})
    assert response.get_json()["code"] == "INVALID_CALLBACK_URL"
    _, cookie = sign_up(browser)
    response = browser.post(
        f"{BASE}/sign-out",
        json={"callbackURL": target},
        headers={"Cookie": cookie, "Origin": APP_ORIGIN},
    )
    assert response.get_json()["code"] == "INVALID_CALLBACK_URL"


@pytest.fixture
def mailed(make_app):
    """An app that 'mails' reset links into a list."""
    sent = []
    test_app = make_app(
        email_and_password={"send_reset_password": lambda user, url, token: sent.append(token)}
    )
    client = test_app.app.test_client(use_cookies=False)
    sign_up(client)
    return client, sent


@pytest.mark.parametrize("target", PAYLOADS[:12])
def test_password_reset_redirect_to(mailed, target):
    client, sent = mailed
    response = client.post(
        f"{BASE}/request-password-reset", json={"email": ANN["email"], "redirectTo": target}
    )
    assert response.status_code == 403
    assert response.get_json()["code"] == "INVALID_REDIRECT_URL"
    assert sent == []


@pytest.mark.parametrize("target", PAYLOADS)
def test_reset_link_callback_is_checked_before_redirecting(mailed, target):
    client, sent = mailed
    client.post(f"{BASE}/request-password-reset", json={"email": ANN["email"]})
    response = client.get(f"{BASE}/reset-password/{sent[0]}", query_string={"callbackURL": target})
    assert response.status_code == refused(target)[0], target
    assert "Location" not in response.headers


def test_reset_link_with_a_safe_callback_redirects(mailed):
    client, sent = mailed
    client.post(f"{BASE}/request-password-reset", json={"email": ANN["email"]})
    response = client.get(
        f"{BASE}/reset-password/{sent[0]}", query_string={"callbackURL": "/new-password"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"{APP_ORIGIN}/new-password?token={sent[0]}"
