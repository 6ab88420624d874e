"""Origin and CSRF checks (spec 8.1): cross-origin POSTs with and without cookies."""

from __future__ import annotations

import pytest

from flask_betterauth.security.origins import matches_pattern
from tests.helpers import PASSWORD
from tests.security.conftest import ANN
from tests.security.conftest import APP_ORIGIN
from tests.security.conftest import BASE
from tests.security.conftest import TRUSTED
from tests.security.conftest import sign_up

SIGN_IN = f"{BASE}/sign-in/email"
CREDENTIALS = {"email": ANN["email"], "password": PASSWORD}


@pytest.fixture
def ann(browser):
    """Ann has an account; the cookie of her first session."""
    return sign_up(browser)[1]


# The captured matrix for POST /sign-in/email (trusted: app, trusted.com, *.example.org).
MATRIX = [
    ({}, 200, None),
    (
        {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"},
        403,
        "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED",
    ),
    ({"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}, 403, "MISSING_OR_NULL_ORIGIN"),
    ({"Sec-Fetch-Site": "same-origin", "Sec-Fetch-Mode": "cors"}, 403, "MISSING_OR_NULL_ORIGIN"),
    ({"Sec-Fetch-Site": "same-origin", "Origin": APP_ORIGIN}, 200, None),
    ({"Origin": "http://evil.com"}, 403, "INVALID_ORIGIN"),
    ({"Referer": "http://trusted.com/page"}, 200, None),
    ({"Referer": "http://evil.com/page"}, 403, "INVALID_ORIGIN"),
    ({"Origin": "https://sub.example.org"}, 200, None),
    ({"Origin": "http://sub.example.org"}, 403, "INVALID_ORIGIN"),
    ({"Origin": "null", "Sec-Fetch-Site": "same-origin"}, 200, None),
    ({"Origin": "null"}, 403, "MISSING_OR_NULL_ORIGIN"),
    ({"Cookie": "foo=bar"}, 403, "MISSING_OR_NULL_ORIGIN"),
    ({"Cookie": "foo=bar", "Origin": "http://evil.com"}, 403, "INVALID_ORIGIN"),
    ({"Cookie": "foo=bar", "Origin": APP_ORIGIN}, 200, None),
    ({"Cookie": ""}, 403, "MISSING_OR_NULL_ORIGIN"),
]


@pytest.mark.parametrize(("headers", "status", "code"), MATRIX)
def test_sign_in_matrix(browser, ann, headers, status, code):
    response = browser.post(SIGN_IN, json=CREDENTIALS, headers=headers)
    assert response.status_code == status, response.get_json()
    if code:
        assert response.get_json()["code"] == code


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({"Origin": "http://evil.com"}, "INVALID_ORIGIN"),
        ({}, "MISSING_OR_NULL_ORIGIN"),
        ({"Origin": "null"}, "MISSING_OR_NULL_ORIGIN"),
        ({"Referer": "http://localhost.evil.com/"}, "INVALID_ORIGIN"),
    ],
)
@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/sign-out", {}),
        ("/update-user", {"name": "Mallory"}),
        ("/revoke-sessions", {}),
        ("/change-password", {"currentPassword": PASSWORD, "newPassword": "another-pass-1"}),
        ("/sign-up/email", {**ANN, "email": "second@example.com"}),
    ],
)
def test_cross_origin_post_with_cookies_is_refused(browser, ann, headers, code, path, body):
    response = browser.post(f"{BASE}{path}", json=body, headers={"Cookie": ann, **headers})
    assert response.status_code == 403
    assert response.get_json()["code"] == code
    session = browser.get(f"{BASE}/get-session", headers={"Cookie": ann}).get_json()
    assert session["user"]["name"] == "Ann"


def test_same_origin_post_with_cookies_goes_through(browser, ann):
    response = browser.post(
        f"{BASE}/update-user", json={"name": "Annie"}, headers={"Cookie": ann, "Origin": APP_ORIGIN}
    )
    assert response.status_code == 200
    session = browser.get(f"{BASE}/get-session", headers={"Cookie": ann}).get_json()
    assert session["user"]["name"] == "Annie"


def test_cross_origin_post_without_cookies_skips_the_origin_check(browser, ann):
    # Server-to-server callers send no cookies: no Origin check, and no session either.
    response = browser.post(
        f"{BASE}/revoke-sessions", json={}, headers={"Origin": "http://evil.com"}
    )
    assert response.status_code == 401
    assert response.get_json()["code"] == "UNAUTHORIZED"


def test_get_requests_are_not_origin_checked(browser, ann):
    response = browser.get(
        f"{BASE}/get-session", headers={"Cookie": ann, "Origin": "http://evil.com"}
    )
    assert response.status_code == 200
    assert response.get_json()["user"]["email"] == ANN["email"]


def test_form_post_from_another_site_cannot_sign_in(browser, ann):
    response = browser.post(
        SIGN_IN,
        data=CREDENTIALS,
        headers={"Origin": "http://evil.com", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    assert "Set-Cookie" not in response.headers


# -- the switches -------------------------------------------------------------------------


def test_disable_csrf_check_keeps_the_url_checks(make_app):
    client = make_app(advanced={"disable_csrf_check": True}).app.test_client(use_cookies=False)
    _, cookie = sign_up(client)
    evil = {"Cookie": cookie, "Origin": "http://evil.com"}
    assert client.post(f"{BASE}/sign-out", json={}, headers=evil).status_code == 200
    response = client.post(
        SIGN_IN, json={**CREDENTIALS, "callbackURL": "https://evil.com"}, headers=evil
    )
    assert response.get_json()["code"] == "INVALID_CALLBACK_URL"


def test_disable_origin_check_true_skips_both(make_app):
    client = make_app(advanced={"disable_origin_check": True}).app.test_client(use_cookies=False)
    _, cookie = sign_up(client)
    response = client.post(
        SIGN_IN,
        json={**CREDENTIALS, "callbackURL": "https://evil.com/x"},
        headers={"Cookie": cookie, "Origin": "http://evil.com"},
    )
    assert response.status_code == 200


def test_disable_origin_check_with_csrf_explicitly_on_still_blocks_navigations(make_app):
    client = make_app(
        advanced={"disable_origin_check": True, "disable_csrf_check": False}
    ).app.test_client(use_cookies=False)
    sign_up(client)
    navigate = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate"}
    response = client.post(SIGN_IN, json=CREDENTIALS, headers=navigate)
    assert response.get_json()["code"] == "CROSS_SITE_NAVIGATION_LOGIN_BLOCKED"
    response = client.post(SIGN_IN, json=CREDENTIALS, headers={"Origin": "http://evil.com"})
    assert response.status_code == 200


def test_disable_origin_check_path_list_is_prefix_only(make_app):
    client = make_app(
        trusted_origins=TRUSTED, advanced={"disable_origin_check": ["/sign-out", "/update/"]}
    ).app.test_client(use_cookies=False)
    _, cookie = sign_up(client)
    evil = {"Cookie": cookie, "Origin": "http://evil.com"}
    refused = client.post(f"{BASE}/update-user", json={"name": "M"}, headers=evil)
    assert refused.get_json()["code"] == "INVALID_ORIGIN"
    assert client.post(SIGN_IN, json=CREDENTIALS, headers=evil).status_code == 403
    assert client.post(f"{BASE}/sign-out", json={}, headers=evil).status_code == 200


def test_testing_default_turns_csrf_off_but_not_the_url_checks(make_app):
    client = make_app().app.test_client(use_cookies=False)
    _, cookie = sign_up(client)
    evil = {"Cookie": cookie, "Origin": "http://evil.com"}
    assert client.post(SIGN_IN, json=CREDENTIALS, headers=evil).status_code == 200
    response = client.post(SIGN_IN, json={**CREDENTIALS, "callbackURL": "//evil.com"})
    assert response.get_json()["code"] == "INVALID_CALLBACK_URL"


def test_trusted_origins_callable_of_the_request(make_app):
    seen = []

    def origins(request):
        seen.append(request.path if request is not None else None)
        tenant = request.headers.get("X-Tenant") if request is not None else None
        return [f"https://{tenant}.tenants.example" if tenant else None, ""]

    client = make_app(
        trusted_origins=origins, advanced={"disable_origin_check": False}
    ).app.test_client(use_cookies=False)
    _, cookie = sign_up(client)
    headers = {"Cookie": cookie, "Origin": "https://acme.tenants.example"}
    assert client.post(f"{BASE}/sign-out", json={}, headers=headers).status_code == 403
    headers["X-Tenant"] = "acme"
    assert client.post(f"{BASE}/sign-out", json={}, headers=headers).status_code == 200
    assert f"{BASE}/sign-out" in seen


def test_env_trusted_origins(make_app, monkeypatch):
    monkeypatch.setenv("BETTER_AUTH_TRUSTED_ORIGINS", "https://env.example, https://other.example")
    client = make_app(advanced={"disable_origin_check": False}).app.test_client(use_cookies=False)
    _, cookie = sign_up(client)
    headers = {"Cookie": cookie, "Origin": "https://other.example"}
    assert client.post(f"{BASE}/sign-out", json={}, headers=headers).status_code == 200


# -- the patterns ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "pattern", "expected"),
    [
        ("https://app.example", "https://app.example", True),
        ("https://app.example:443/x", "https://app.example", True),
        ("https://APP.example", "https://app.example", True),
        ("http://app.example", "https://app.example", False),
        ("https://app.example.evil.com", "https://app.example", False),
        ("https://app.example@evil.com", "https://app.example", False),
        ("https://evil.com/https://app.example", "https://app.example", False),
        ("https://evilapp.example", "https://app.example", False),
        ("https://a.example.com", "*.example.com", True),
        ("http://a.b.example.com", "*.example.com", True),
        ("https://example.com", "*.example.com", False),
        ("https://a.example.com.evil.net", "*.example.com", False),
        ("https://a.example.com:8443", "*.example.com", False),
        ("https://a.example.com", "https://*.example.com", True),
        ("http://a.example.com", "https://*.example.com", False),
        ("https://a.example.com", "https://?.example.com", True),
        ("https://ab.example.com", "https://?.example.com", False),
        ("http://192.168.1.20", "192.168.*.*", True),
        ("http://192.168.attacker.com", "192.168.*", False),
        ("http://192.168.1.evil.com", "192.168.*.*", False),
        ("http://192.168.1.20:8080", "http://192.168.*.*:8080", True),
        ("myapp://anything/at/all", "myapp://", True),
        ("MyApp://host", "myapp://", True),
        ("otherapp://host", "myapp://", False),
        ("myapp://host/cb", "myapp://host", True),
        ("myapp://evil/cb", "myapp://host", False),
        ("myapp://host/cb/deeper", "myapp://host/cb", True),
        ("myapp://host/cbx", "myapp://host/cb", False),
        ("myapp://host/cb/../evil", "myapp://host/cb", False),
        ("myapp://host/cb/%2e%2e/evil", "myapp://host/cb", False),
        ("exp://192.168.1.5:8081/--/x", "exp://*", True),
        ("exp://user@evil.com", "exp://*", False),
        ("javascript:alert(1)", "javascript:", False),
        ("/relative", "https://app.example", False),
        ("not a url", "https://app.example", False),
    ],
)
def test_pattern_matching(url, pattern, expected):
    assert matches_pattern(url, pattern) is expected
