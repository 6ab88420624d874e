"""Session and token hygiene: replayed, expired and fixed tokens; single-use, expiring,
hashed reset tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

import pytest
import sqlalchemy as sa

from flask_betterauth.cookies import encode_signed
from tests.helpers import PASSWORD
from tests.helpers import SECRET
from tests.security.conftest import ANN
from tests.security.conftest import APP_ORIGIN
from tests.security.conftest import BASE
from tests.security.conftest import TOKEN_COOKIE
from tests.security.conftest import set_cookie_value
from tests.security.conftest import sign_up

CREDENTIALS = {"email": ANN["email"], "password": PASSWORD}


def post(client, path, body, cookie=None):
    headers = {"Origin": APP_ORIGIN}
    if cookie:
        headers["Cookie"] = cookie
    return client.post(f"{BASE}{path}", json=body, headers=headers)


def session_of(client, cookie):
    response = client.get(f"{BASE}/get-session", headers={"Cookie": cookie})
    assert response.status_code == 200
    return response.get_json()


def cookie_of(response):
    return f"{TOKEN_COOKIE}={set_cookie_value(response)}"


def test_a_signed_out_token_cannot_be_replayed(browser):
    _, cookie = sign_up(browser)
    assert post(browser, "/sign-out", {}, cookie).status_code == 200
    assert session_of(browser, cookie) is None
    assert post(browser, "/revoke-sessions", {}, cookie).status_code == 401
    assert post(browser, "/update-user", {"name": "Mallory"}, cookie).status_code == 401


def test_a_revoked_token_cannot_be_replayed(browser):
    _, stolen = sign_up(browser)
    mine = cookie_of(post(browser, "/sign-in/email", CREDENTIALS))
    assert post(browser, "/revoke-other-sessions", {}, mine).status_code == 200
    assert session_of(browser, stolen) is None
    assert session_of(browser, mine)["user"]["email"] == ANN["email"]


def test_an_expired_session_is_refused_and_removed(strict_app, browser, clock):
    _, cookie = sign_up(browser)
    clock.advance(days=7, seconds=1)
    assert session_of(browser, cookie) is None
    assert post(browser, "/update-user", {"name": "M"}, cookie).status_code == 401
    table = strict_app.state.models.tables["session"]
    with strict_app.app.app_context(), strict_app.db.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one() == 0


def test_an_expired_cookie_cache_is_not_trusted(make_app, clock):
    client = make_app(session={"cookie_cache": {"enabled": True}}).app.test_client(
        use_cookies=False
    )
    response, cookie = sign_up(client)
    data = set_cookie_value(response, "better-auth.session_data")
    post(client, "/sign-out", {}, cookie)
    clock.advance(seconds=301)
    both = f"{cookie}; better-auth.session_data={data}"
    assert session_of(client, both) is None


def test_every_sign_in_gets_a_new_token(browser):
    _, first = sign_up(browser)
    tokens = {first}
    for _ in range(3):
        tokens.add(cookie_of(post(browser, "/sign-in/email", CREDENTIALS, first)))
    assert len(tokens) == 4


def test_a_planted_token_does_not_survive_sign_in(browser):
    """Session fixation: the attacker plants a cookie of theirs; signing in replaces it."""
    _, ann = sign_up(browser)
    post(browser, "/sign-out", {}, ann)
    _, mallory = sign_up(browser, {"name": "M", "email": "m@example.com", "password": PASSWORD})
    response = post(browser, "/sign-in/email", CREDENTIALS, mallory)
    fresh = cookie_of(response)
    assert fresh != mallory
    assert session_of(browser, fresh)["user"]["email"] == ANN["email"]
    assert session_of(browser, mallory)["user"]["email"] == "m@example.com"
    planted = encode_signed(SECRET.encode(), "P" * 32)
    response = post(browser, "/sign-in/email", CREDENTIALS, f"{TOKEN_COOKIE}={planted}")
    assert "P" * 32 not in cookie_of(response)


def test_changing_the_password_can_revoke_other_sessions(browser):
    _, other_device = sign_up(browser)
    here = cookie_of(post(browser, "/sign-in/email", CREDENTIALS))
    body = {
        "currentPassword": PASSWORD,
        "newPassword": "brand-new-pass-1",
        "revokeOtherSessions": True,
    }
    response = post(browser, "/change-password", body, here)
    assert response.status_code == 200
    assert session_of(browser, other_device) is None
    assert session_of(browser, here) is None
    assert session_of(browser, cookie_of(response))["user"]["email"] == ANN["email"]


# -- reset tokens ---------------------------------------------------------------------------


@pytest.fixture
def reset(make_app):
    """An app whose reset mails land in ``sent``; Ann has an account."""
    sent: list[str] = []
    test_app = make_app(
        email_and_password={"send_reset_password": lambda user, url, token: sent.append(token)}
    )
    client = test_app.app.test_client(use_cookies=False)
    sign_up(client)
    post(client, "/request-password-reset", {"email": ANN["email"]})
    return test_app, client, sent


def test_a_reset_token_is_single_use(reset):
    _, client, sent = reset
    first = post(client, "/reset-password", {"token": sent[0], "newPassword": "first-new-pass"})
    assert first.status_code == 200
    again = post(client, "/reset-password", {"token": sent[0], "newPassword": "second-new-pass"})
    assert again.status_code == 400
    assert again.get_json()["code"] == "INVALID_TOKEN"
    body = {"email": ANN["email"], "password": "first-new-pass"}
    assert post(client, "/sign-in/email", body).status_code == 200


def test_a_reset_token_expires(clock, reset):
    _, client, sent = reset
    clock.advance(seconds=3601)
    response = post(client, "/reset-password", {"token": sent[0], "newPassword": "late-new-pass"})
    assert response.get_json()["code"] == "INVALID_TOKEN"


def test_reset_tokens_are_hashed_at_rest(reset):
    test_app, client, sent = reset
    table = test_app.state.models.tables["verification"]
    with test_app.app.app_context(), test_app.db.engine.connect() as conn:
        stored = [tuple(row) for row in conn.execute(sa.select(table.c.identifier, table.c.value))]
    assert stored and all(sent[0] not in identifier for identifier, _ in stored)
    assert all(sent[0] not in value for _, value in stored)


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-1],
        lambda t: t + "x",
        lambda t: t.lower() if t != t.lower() else t.upper(),
        lambda t: "",
        lambda t: " " + t,
        lambda t: t[:12],
    ],
)
def test_a_mangled_reset_token_is_refused(reset, mangle):
    _, client, sent = reset
    body = {"token": mangle(sent[0]), "newPassword": "x-new-pass-1"}
    response = post(client, "/reset-password", body)
    assert response.status_code == 400
    assert response.get_json()["code"] == "INVALID_TOKEN"


def test_a_reset_can_end_every_session(make_app):
    sent: list[str] = []
    client = make_app(
        email_and_password={
            "send_reset_password": lambda user, url, token: sent.append(token),
            "revoke_sessions_on_password_reset": True,
        }
    ).app.test_client(use_cookies=False)
    _, cookie = sign_up(client)
    post(client, "/request-password-reset", {"email": ANN["email"]})
    post(client, "/reset-password", {"token": sent[0], "newPassword": "after-reset-1"})
    assert session_of(client, cookie) is None


# -- email verification tokens (stateless JWTs) -----------------------------------------------


@pytest.fixture
def verification(clock, make_app):
    """An app that 'mails' verification links into a list; Ann asked for one."""
    sent: list[str] = []
    client = make_app(
        email_verification={"send_verification_email": lambda user, url, token: sent.append(token)}
    ).app.test_client(use_cookies=False)
    sign_up(client)
    post(client, "/send-verification-email", {"email": ANN["email"]})
    return client, sent


def _verify(client, token):
    return client.get(f"{BASE}/verify-email", query_string={"token": token})


def _b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_a_verification_link_expires(verification, clock):
    client, sent = verification
    clock.advance(seconds=3601)
    response = _verify(client, sent[0])
    assert response.status_code == 401
    assert response.get_json()["code"] == "TOKEN_EXPIRED"


def test_a_replayed_verification_link_signs_no_one_in(verification):
    """The link is stateless (Better Auth's JWT): a second click finds the address
    verified already, and neither click opens a session."""
    client, sent = verification
    first, again = _verify(client, sent[0]), _verify(client, sent[0])
    assert first.get_json() == again.get_json() == {"status": True, "user": None}
    assert set_cookie_value(first) is None and set_cookie_value(again) is None
    signed_in = post(client, "/sign-in/email", CREDENTIALS).get_json()
    assert signed_in["user"]["emailVerified"] is True


def test_forged_verification_tokens_are_refused(verification):
    client, sent = verification
    header, payload, signature = sent[0].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = {
        "other email, same signature": ".".join(
            [header, _b64({**claims, "email": "mallory@example.com"}), signature]
        ),
        "alg none": ".".join([_b64({"alg": "none"}), payload, ""]),
        "alg HS512": ".".join([_b64({"alg": "HS512"}), payload, signature]),
        "re-signed with another secret": _resign(header, payload, b"another-secret-0123456789"),
        "two parts": f"{header}.{payload}",
        "empty": "",
        "signature dropped": f"{header}.{payload}.",
    }
    for what, token in forged.items():
        response = _verify(client, token)
        assert response.status_code in (400, 401), what
        assert response.get_json()["code"] in ("INVALID_TOKEN", "VALIDATION_ERROR"), what


def _resign(header: str, payload: str, key: bytes) -> str:
    digest = hmac.new(key, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{base64.urlsafe_b64encode(digest).rstrip(b'=').decode()}"
