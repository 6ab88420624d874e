"""Hostile input in every field: SQL and template metacharacters, NUL bytes, very long
strings, Unicode look-alikes, mixed-case emails, JSON type confusion, wrong content types.

Whatever arrives, the answer is never a 5xx, and every 4xx is JSON with a ``code``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from tests.helpers import PASSWORD
from tests.security.conftest import ANN
from tests.security.conftest import APP_ORIGIN
from tests.security.conftest import BASE
from tests.security.conftest import TOKEN_COOKIE
from tests.security.conftest import set_cookie_value


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """SQLite, or PostgreSQL for the tests marked with :data:`BOTH_DATABASES`."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return f"sqlite:///{tmp_path}/auth.sqlite"
    return str(request.getfixturevalue("fresh_postgresql_url"))


#: Hostile strings reach the database: these tests run on SQLite and on PostgreSQL.
BOTH_DATABASES = pytest.mark.parametrize(
    "database_url",
    ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
    indirect=True,
)


HOSTILE_STRINGS = [
    "' OR '1'='1",
    '\'; DROP TABLE "user"; --',
    '" OR ""="',
    "1; SELECT pg_sleep(10) --",
    "\\'; --",
    "%' AND 1=1 --",
    "{{7*7}}",
    "${7*7}",
    "{% raw %}{{ config }}{% endraw %}",
    "<script>alert(1)</script>",
    "#{7*7}",
    "a\x00b",
    "\x00",
    "\u202eevil",
    "ann@exаmple.com",
    "ＡＮＮ@ＥＸＡＭＰＬＥ.ＣＯＭ",
    "AnN@ExAmPlE.CoM",
    "\ud83d\ude00" * 10,
    "x" * 100_000,
]
#: Values of the wrong JSON type for a string or boolean field.
WRONG_TYPES: list[Any] = [[], ["a"], {}, {"$ne": None}, 1, -1, 1.5, 10**40, True, False, None]

#: (path, a valid body, whether Ann's session cookie is sent)
ENDPOINTS = [
    ("/sign-up/email", {"name": "Zed", "email": "zed@example.com", "password": PASSWORD}, False),
    ("/sign-in/email", {"email": ANN["email"], "password": PASSWORD, "rememberMe": True}, False),
    ("/update-user", {"name": "Ann", "image": "https://img.example/a.png"}, True),
    ("/change-password", {"currentPassword": PASSWORD, "newPassword": "new-password-1"}, True),
    ("/verify-password", {"password": PASSWORD}, True),
    ("/change-email", {"newEmail": "new@example.com", "callbackURL": "/done"}, True),
    ("/request-password-reset", {"email": ANN["email"], "redirectTo": "/reset"}, False),
    ("/reset-password", {"token": "t" * 24, "newPassword": "new-password-1"}, False),
    ("/revoke-session", {"token": "t" * 32}, True),
    ("/send-verification-email", {"email": ANN["email"], "callbackURL": "/v"}, False),
    ("/sign-out", {}, True),
]
FIELDS = [(path, name) for path, body, _ in ENDPOINTS for name in body]
#: Answers with a message and no code, as Better Auth sends them (spec 4.3, 8.1).
NO_CODE_MESSAGES = ("No fields to update", "Email is the same", "Verification email isn't enabled")


def assert_clean(response: Any, what: Any) -> None:
    """No 5xx; a 4xx is JSON with a string ``code`` (Better Auth's few exceptions aside)."""
    assert response.status_code < 500, (what, response.status_code, response.data[:200])
    if response.status_code >= 400:
        body = response.get_json(silent=True)
        assert isinstance(body, dict), (what, response.status_code, response.data[:200])
        assert isinstance(body.get("message"), str), (what, body)
        if "code" not in body:
            message = body["message"]
            documented = message in NO_CODE_MESSAGES or (
                message.startswith("Invalid ") and message.endswith(": expected a string")
            )
            assert documented, (what, body)
        else:
            assert isinstance(body["code"], str) and body["code"], (what, body)


@pytest.fixture
def app_and_ann(make_app):
    test_app = make_app(
        email_and_password={"send_reset_password": lambda user, url, token: None},
        user={"change_email": {"enabled": True}},
        email_verification={"send_verification_email": lambda user, url, token: None},
    )
    client = test_app.app.test_client(use_cookies=False)
    response = client.post(f"{BASE}/sign-up/email", json=ANN)
    assert response.status_code == 200
    return test_app, client, f"{TOKEN_COOKIE}={set_cookie_value(response)}"


def _post(client: Any, path: str, body: Any, cookie: str | None, **kwargs: Any) -> Any:
    headers = {"Origin": APP_ORIGIN, **({"Cookie": cookie} if cookie else {})}
    return client.post(f"{BASE}{path}", json=body, headers=headers, **kwargs)


@pytest.mark.parametrize(("path", "field"), FIELDS)
@BOTH_DATABASES
def test_hostile_values_in_every_field(app_and_ann, path, field):
    test_app, client, cookie = app_and_ann
    base, with_session = next((b, s) for p, b, s in ENDPOINTS if p == path)
    for value in [*HOSTILE_STRINGS, *WRONG_TYPES]:
        body = {**base, field: value}
        response = _post(client, path, body, cookie if with_session else None)
        assert_clean(response, (path, field, repr(value)[:40]))
    users = test_app.state.models.tables["user"]
    with test_app.app.app_context(), test_app.db.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one() >= 1


def test_a_body_that_is_not_an_object(app_and_ann):
    _, client, cookie = app_and_ann
    for path, _, with_session in ENDPOINTS:
        for body in [[], ["a"], "text", 12, None, True, [{"email": "x"}]]:
            response = _post(client, path, body, cookie if with_session else None)
            assert_clean(response, (path, body))


@BOTH_DATABASES
def test_metacharacters_are_stored_and_returned_verbatim(app_and_ann):
    _, client, cookie = app_and_ann
    for name in HOSTILE_STRINGS[:11]:
        response = _post(client, "/update-user", {"name": name}, cookie)
        assert response.status_code == 200, name
        session = client.get(f"{BASE}/get-session", headers={"Cookie": cookie}).get_json()
        assert session["user"]["name"] == name


@BOTH_DATABASES
def test_nul_bytes_are_refused_or_kept_never_a_500(app_and_ann):
    _, client, cookie = app_and_ann
    response = _post(client, "/update-user", {"name": "a\x00b"}, cookie)
    assert_clean(response, "nul")
    name = client.get(f"{BASE}/get-session", headers={"Cookie": cookie}).get_json()["user"]["name"]
    assert name in ("Ann", "a\x00b")


@BOTH_DATABASES
def test_sql_in_the_email_signs_no_one_in(app_and_ann):
    _, client, _ = app_and_ann
    for email in ["' OR 1=1 --", "ann@example.com' --", 'ann@example.com" OR ""="', "%"]:
        response = _post(client, "/sign-in/email", {"email": email, "password": "x"}, None)
        assert response.status_code in (400, 401), email
        assert set_cookie_value(response) is None


def test_an_email_with_a_quote_is_an_ordinary_address(app_and_ann):
    _, client, _ = app_and_ann
    body = {"name": "O'Brien", "email": "o'brien@example.com", "password": PASSWORD}
    assert _post(client, "/sign-up/email", body, None).status_code == 200
    sign_in = {"email": "O'Brien@Example.com", "password": PASSWORD}
    assert _post(client, "/sign-in/email", sign_in, None).status_code == 200


def test_mixed_case_email_is_the_same_account(app_and_ann):
    _, client, _ = app_and_ann
    for email in ["ANN@EXAMPLE.COM", "Ann@Example.Com", "aNn@eXaMpLe.cOm"]:
        response = _post(client, "/sign-in/email", {"email": email, "password": PASSWORD}, None)
        assert response.status_code == 200, email
        assert response.get_json()["user"]["email"] == ANN["email"]
        taken = _post(client, "/sign-up/email", {**ANN, "email": email}, None)
        assert taken.status_code == 422
        assert taken.get_json()["code"] == "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"


@pytest.mark.parametrize(
    "look_alike",
    [
        "ann@exаmple.com",  # Cyrillic a
        "аnn@example.com",  # Cyrillic a in the local part
        "ann@example.co\u200bm",  # zero-width space
        "ＡＮＮ@example.com",  # full-width letters
        "ann@examp1e.com",
        "ann\u0301@example.com",  # combining accent
    ],
)
def test_a_look_alike_email_is_not_anns_account(app_and_ann, look_alike):
    _, client, _ = app_and_ann
    response = _post(client, "/sign-in/email", {"email": look_alike, "password": PASSWORD}, None)
    assert response.status_code in (400, 401)
    assert set_cookie_value(response) is None
    signed_up = _post(client, "/sign-up/email", {**ANN, "email": look_alike}, None)
    assert_clean(signed_up, look_alike)
    if signed_up.status_code == 200:
        assert signed_up.get_json()["user"]["email"] != ANN["email"]


def test_very_long_values(app_and_ann):
    _, client, cookie = app_and_ann
    body = {"email": ANN["email"], "password": "p" * 100_000}
    long_password = _post(client, "/sign-in/email", body, None)
    assert long_password.get_json()["code"] == "PASSWORD_TOO_LONG"
    body = {"email": "a" * 100_000 + "@example.com", "password": "x"}
    long_email = _post(client, "/sign-in/email", body, None)
    assert long_email.status_code in (400, 401)
    too_big = _post(client, "/update-user", {"name": "n" * 2_000_000}, cookie)
    assert too_big.status_code == 413
    assert too_big.get_json()["code"] == "PAYLOAD_TOO_LARGE"


def test_the_error_page_escapes_what_it_shows(app_and_ann):
    _, client, _ = app_and_ann
    response = client.get(
        f"{BASE}/error",
        query_string={
            "error": "<script>alert(1)</script>",
            "error_description": "<img src=x onerror=alert(1)>{{7*7}}",
        },
    )
    page = response.get_data(as_text=True)
    assert "<script>" not in page and "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;{{7*7}}" in page


# -- content types and malformed bodies ------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        ("text/plain", 415),
        ("application/xml", 415),
        ("multipart/form-data; boundary=x", 415),
        ("application/javascript", 415),
        ("application/jsonx", 415),
        ("", 415),
        ("application/json; charset=utf-8", 200),
        ("APPLICATION/JSON", 200),
    ],
)
def test_content_types(app_and_ann, content_type, status):
    _, client, _ = app_and_ann
    data = json.dumps({"email": ANN["email"], "password": PASSWORD})
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(f"{BASE}/sign-in/email", data=data, headers=headers)
    assert response.status_code == status
    assert_clean(response, content_type)
    if status == 415:
        assert response.get_json()["code"] == "UNSUPPORTED_MEDIA_TYPE"


def test_a_form_body_only_where_better_auth_takes_one(app_and_ann):
    _, client, cookie = app_and_ann
    form = client.post(f"{BASE}/sign-in/email", data={"email": ANN["email"], "password": PASSWORD})
    assert form.status_code == 200
    refused = client.post(
        f"{BASE}/update-user", data={"name": "x"}, headers={"Cookie": cookie, "Origin": APP_ORIGIN}
    )
    assert refused.status_code == 415


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b'{"email": }',
        b"\xff\xfe{}",
        b'{"email": "\xc3\x28"}',
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b"NaN",
        b'{"email": NaN, "password": Infinity}',
        b'{"email": "a@b.co", "email": "c@d.co", "password": 1e999}',
        b"\x00",
    ],
)
def test_malformed_json(app_and_ann, raw):
    _, client, _ = app_and_ann
    response = client.post(
        f"{BASE}/sign-in/email", data=raw, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert_clean(response, raw[:20])


def test_a_form_boolean_is_not_a_boolean(app_and_ann):
    _, client, _ = app_and_ann
    response = client.post(
        f"{BASE}/sign-in/email",
        data={"email": ANN["email"], "password": PASSWORD, "rememberMe": "false"},
    )
    assert response.status_code == 400
    assert response.get_json()["code"] == "VALIDATION_ERROR"
