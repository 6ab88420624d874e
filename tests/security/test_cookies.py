"""Cookies: their attributes, and tampered, truncated, re-signed, oversized and
duplicated session cookies."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote
from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from flask_betterauth.cookies import encode_signed
from tests.helpers import SECRET
from tests.security.conftest import ANN
from tests.security.conftest import APP_ORIGIN
from tests.security.conftest import BASE
from tests.security.conftest import TOKEN_COOKIE
from tests.security.conftest import set_cookie_value
from tests.security.conftest import sign_up

BOB = {"name": "Bob", "email": "bob@example.com", "password": "bob-password-1"}
DATA_COOKIE = "better-auth.session_data"


def session_of(client, cookie_header):
    """``get-session``'s answer for a ``Cookie`` header (after checking it is no 5xx)."""
    response = client.get(f"{BASE}/get-session", headers={"Cookie": cookie_header})
    assert response.status_code == 200
    return response.get_json()


def line(response, name=TOKEN_COOKIE):
    return next(v for v in response.headers.getlist("Set-Cookie") if v.startswith(name + "="))


# -- attributes ----------------------------------------------------------------------------


def test_session_cookie_attributes_on_http(browser):
    response, _ = sign_up(browser)
    value = line(response)
    assert "; HttpOnly" in value
    assert "; SameSite=Lax" in value
    assert "; Path=/" in value
    assert "; Max-Age=604800" in value
    assert "Secure" not in value
    assert "Domain" not in value


def test_secure_cookies_on_https(make_app):
    client = make_app({"BETTER_AUTH_URL": "https://app.example"}).app.test_client(use_cookies=False)
    response = client.post(f"{BASE}/sign-up/email", json=ANN, base_url="https://app.example")
    value = line(response, "__Secure-" + TOKEN_COOKIE)
    assert "; Secure" in value
    assert "; HttpOnly" in value


def test_use_secure_cookies_forces_secure(make_app):
    client = make_app(advanced={"use_secure_cookies": True}).app.test_client(use_cookies=False)
    response = client.post(f"{BASE}/sign-up/email", json=ANN)
    assert "; Secure" in line(response, "__Secure-" + TOKEN_COOKIE)


def test_cross_subdomain_cookies_carry_the_domain(make_app):
    client = make_app(
        {"BETTER_AUTH_URL": "http://app.example.com"},
        advanced={"cross_sub_domain_cookies": {"enabled": True, "domain": "example.com"}},
    ).app.test_client(use_cookies=False)
    response = client.post(f"{BASE}/sign-up/email", json=ANN)
    assert "; Domain=example.com" in line(response)


# -- bad session cookies -------------------------------------------------------------------


def _flip(text: str, index: int) -> str:
    char = text[index]
    return text[:index] + ("A" if char != "A" else "B") + text[index + 1 :]


def variants(good: str) -> dict[str, str]:
    """Bad versions of the signed cookie value ``good`` (URL-encoded on the wire)."""
    token, _, signature = unquote(good).rpartition(".")
    other = encode_signed(b"another-secret-0123456789-0123456789-abc", token)
    return {
        "token changed": quote(f"{_flip(token, 3)}.{signature}", safe=""),
        "signature changed": quote(f"{token}.{_flip(signature, 5)}", safe=""),
        "truncated signature": good[:-6],
        "signature dropped": token,
        "token only with dot": token + ".",
        "signature only": quote("." + signature, safe=""),
        "first ten characters": good[:10],
        "empty": "",
        "re-signed with another secret": other,
        "signed with the secret as plain text": quote(f"{token}.{SECRET}", safe=""),
        "double signed": encode_signed(SECRET.encode(), unquote(good)),
        "dots": "....",
        "percent junk": "%E0%A4%A%ZZ",
        "nul byte": quote(token + "\x00." + signature, safe=""),
        "unicode": "тест.тест",
    }


@pytest.fixture
def ann(browser):
    response, cookie = sign_up(browser)
    return set_cookie_value(response)


#: The names of :func:`variants` (computed on a sample value).
KINDS = tuple(variants("a" * 32 + "." + "b" * 43 + "%3D"))


@pytest.mark.parametrize("kind", KINDS)
def test_a_bad_session_cookie_is_no_session(browser, ann, kind):
    bad = variants(ann)[kind]
    assert session_of(browser, f"{TOKEN_COOKIE}={bad}") is None
    headers = {"Cookie": f"{TOKEN_COOKIE}={bad}", "Origin": APP_ORIGIN}
    response = browser.post(f"{BASE}/revoke-sessions", json={}, headers=headers)
    assert response.status_code == 401


def test_the_good_cookie_still_works(browser, ann):
    assert session_of(browser, f"{TOKEN_COOKIE}={ann}")["user"]["email"] == ANN["email"]


@pytest.mark.parametrize("size", [5_000, 100_000])
def test_an_oversized_cookie_is_no_session(browser, ann, size):
    assert session_of(browser, f"{TOKEN_COOKIE}={'a' * size}.{ann}") is None
    assert session_of(browser, f"{TOKEN_COOKIE}={ann}; other={'x' * size}")["user"]


def test_duplicated_cookies_the_first_one_counts(browser, ann):
    _, bob = sign_up(browser, BOB)
    bob_value = bob.split("=", 1)[1]
    both = f"{TOKEN_COOKIE}={ann}; {TOKEN_COOKIE}={bob_value}"
    assert session_of(browser, both)["user"]["email"] == ANN["email"]
    junk_first = f"{TOKEN_COOKIE}=junk; {TOKEN_COOKIE}={ann}"
    assert session_of(browser, junk_first) is None


def test_the_stored_token_is_no_cookie(strict_app, browser, ann):
    table = strict_app.state.models.tables["session"]
    with strict_app.app.app_context():
        with strict_app.db.engine.connect() as conn:
            stored = conn.execute(sa.select(table.c.token)).scalar_one()
    raw = unquote(ann).rpartition(".")[0]
    assert stored != raw
    assert session_of(browser, f"{TOKEN_COOKIE}={encode_signed(SECRET.encode(), stored)}") is None


def test_a_cookie_for_an_unknown_session_is_cleared(browser):
    forged = encode_signed(SECRET.encode(), "A" * 32)
    response = browser.get(f"{BASE}/get-session", headers={"Cookie": f"{TOKEN_COOKIE}={forged}"})
    assert response.get_json() is None
    assert set_cookie_value(response) == ""


# -- the cookie cache ----------------------------------------------------------------------


@pytest.fixture
def cached(make_app):
    client = make_app(session={"cookie_cache": {"enabled": True}}).app.test_client(
        use_cookies=False
    )
    response, _ = sign_up(client)
    return client, set_cookie_value(response), set_cookie_value(response, DATA_COOKIE)


def _rewrite(value: str, change) -> str:
    body = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    change(body)
    raw = json.dumps(body, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_an_edited_cookie_cache_is_ignored(cached):
    client, token, data = cached

    def become_admin(body):
        body["session"]["user"]["email"] = "mallory@example.com"
        body["session"]["user"]["name"] = "Mallory"

    forged = _rewrite(data, become_admin)
    answer = session_of(client, f"{TOKEN_COOKIE}={token}; {DATA_COOKIE}={forged}")
    assert answer["user"]["email"] == ANN["email"]


def test_an_extended_cookie_cache_is_ignored(cached, clock):
    client, token, data = cached

    def extend(body):
        body["expiresAt"] += 10**9

    forged = _rewrite(data, extend)
    answer = session_of(client, f"{TOKEN_COOKIE}={token}; {DATA_COOKIE}={forged}")
    assert answer["user"]["email"] == ANN["email"]


def test_a_cookie_cache_of_another_session_is_ignored(cached):
    client, token, _ = cached
    response, _ = sign_up(client, BOB)
    bob_data = set_cookie_value(response, DATA_COOKIE)
    answer = session_of(client, f"{TOKEN_COOKIE}={token}; {DATA_COOKIE}={bob_data}")
    assert answer["user"]["email"] == ANN["email"]


@pytest.mark.parametrize("junk", ["", "x", "e30", "%%%", "A" * 5000, "eyJzZXNzaW9uIjpbXX0"])
def test_a_garbage_cookie_cache_is_ignored(cached, junk):
    client, token, _ = cached
    answer = session_of(client, f"{TOKEN_COOKIE}={token}; {DATA_COOKIE}={junk}")
    assert answer["user"]["email"] == ANN["email"]
