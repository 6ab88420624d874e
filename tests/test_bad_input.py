"""Bad input of every kind gets a clear 4xx JSON error with a code, never a 500.

The apps run with ``TESTING`` on, so an unhandled exception would propagate and fail the
test instead of turning into a quiet 500.
"""

from __future__ import annotations

import json
import random
import string

import pytest

from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import build_app
from tests.helpers import rows

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
SIGN_IN = {"email": "ann@example.com", "password": PASSWORD}
BASE = "/api/auth"
ALLOWED_BOTH = "application/x-www-form-urlencoded, application/json"


@pytest.fixture
def sqlite_app(tmp_path):
    """For input that never reaches the database: one SQLite app."""
    test_app = build_app(f"sqlite:///{tmp_path}/auth.sqlite")
    assert test_app.app.testing
    yield test_app
    test_app.dispose()


@pytest.fixture
def http(sqlite_app):
    return sqlite_app.app.test_client()


@pytest.fixture
def light_caller(sqlite_app, via):
    return Caller(sqlite_app, via)


def assert_error(status, body, headers, expected_status=None, code=None):
    """A 4xx answer with a JSON ``{"message", "code"}`` body."""
    assert 400 <= status < 500, (status, body)
    if expected_status is not None:
        assert status == expected_status, body
    assert headers["Content-Type"].startswith("application/json")
    assert isinstance(body, dict) and set(body) == {"message", "code"}, body
    assert isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["code"] == code, body


def assert_reply_error(reply, expected_status=None, code=None):
    assert_error(reply.status, reply.json, reply.headers, expected_status, code)


def assert_response_error(response, expected_status=None, code=None):
    assert_error(
        response.status_code,
        response.get_json(silent=True),
        response.headers,
        expected_status,
        code,
    )


# -- missing fields and wrong types (both faces) ---------------------------------------

WRONG = [123, 1.5, True, None, [], {}, ["x"], {"a": "b"}]


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        ("sign_up_email", ANN, "name"),
        ("sign_up_email", ANN, "email"),
        ("sign_up_email", ANN, "password"),
        ("sign_in_email", SIGN_IN, "email"),
        ("sign_in_email", SIGN_IN, "password"),
    ],
)
def test_missing_required_field(light_caller, endpoint, body, field):
    payload = {k: v for k, v in body.items() if k != field}
    reply = light_caller.call(endpoint, payload)
    assert_reply_error(reply, 400, "VALIDATION_ERROR")
    assert f"[body.{field}]" in reply.json["message"]


@pytest.mark.parametrize("endpoint", ["sign_up_email", "sign_in_email"])
def test_missing_or_non_object_body(light_caller, endpoint):
    for body in (None, {}, [], "text", 5, True):
        reply = light_caller.call(endpoint, body)
        assert_reply_error(reply, 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        ("sign_up_email", ANN, "name"),
        ("sign_up_email", ANN, "email"),
        ("sign_up_email", ANN, "password"),
        ("sign_up_email", ANN, "callbackURL"),
        ("sign_up_email", ANN, "rememberMe"),
        ("sign_in_email", SIGN_IN, "email"),
        ("sign_in_email", SIGN_IN, "password"),
        ("sign_in_email", SIGN_IN, "callbackURL"),
        ("sign_in_email", SIGN_IN, "rememberMe"),
        ("sign_out", {}, "callbackURL"),
        ("sign_out", {}, "disableRedirect"),
        ("sign_out", {}, "state"),
    ],
)
def test_wrong_types(light_caller, endpoint, body, field):
    for value in WRONG:
        if field in ("rememberMe", "disableRedirect") and isinstance(value, bool):
            continue
        reply = light_caller.call(endpoint, {**body, field: value})
        assert_reply_error(reply, 400, "VALIDATION_ERROR")
        assert f"[body.{field}]" in reply.json["message"], (value, reply.json)
    assert rows(light_caller.app, "user") == []


def test_image_takes_a_string_or_null_only(light_caller):
    for value in WRONG:
        if value is None:
            continue
        reply = light_caller.call("sign_up_email", {**ANN, "image": value})
        assert_reply_error(reply, 400, "VALIDATION_ERROR")
    assert light_caller.call("sign_up_email", {**ANN, "image": None}).status == 200


def test_unknown_keys_are_ignored(light_caller):
    reply = light_caller.call("sign_up_email", {**ANN, "role": "admin", "nested": {"x": [1]}})
    assert reply.status == 200
    assert "role" not in reply.json["user"]


# -- bodies that are not what they say (HTTP) ------------------------------------------


@pytest.mark.parametrize("path", ["/sign-up/email", "/sign-in/email", "/sign-out"])
def test_huge_body_is_413(http, path):
    body = json.dumps({**ANN, "name": "x" * (2 * 1024 * 1024)})
    response = http.post(BASE + path, data=body, content_type="application/json")
    assert_response_error(response, 413, "PAYLOAD_TOO_LARGE")


def test_configured_body_limit(tmp_path):
    test_app = build_app(f"sqlite:///{tmp_path}/auth.sqlite", max_body_size=200)
    client = test_app.app.test_client()
    small = client.post(BASE + "/sign-up/email", json=ANN)
    assert small.status_code == 200
    big = client.post(BASE + "/sign-in/email", json={**SIGN_IN, "callbackURL": "/" + "x" * 300})
    assert_response_error(big, 413, "PAYLOAD_TOO_LARGE")
    test_app.dispose()


UNPARSEABLE = [
    b"{",
    b"{'email': 'a@b.c'}",
    b'{"email": "a@b.c",}',
    b"nul",
    b"\xff\xfe{}",
    b'{"email": "\xe9@b.c"}',  # Latin-1, not UTF-8
    b"[" * 100_000 + b"]" * 100_000,
    b'{"name": ' + b"1" * 5000 + b"}",  # more digits than Python parses
    b"\x00",
]


@pytest.mark.parametrize("path", ["/sign-up/email", "/sign-in/email", "/sign-out"])
def test_unparseable_json_is_400_bad_request(http, path):
    for data in UNPARSEABLE:
        response = http.post(BASE + path, data=data, content_type="application/json")
        assert_response_error(response, 400, "BAD_REQUEST")
        assert response.get_json()["message"] == "Invalid JSON in request body"


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/sign-up/email", ALLOWED_BOTH),
        ("/sign-in/email", ALLOWED_BOTH),
        ("/sign-out", "application/json"),
    ],
)
def test_wrong_content_type_is_415(http, path, allowed):
    body = json.dumps(SIGN_IN)
    for content_type in ("text/plain", "multipart/form-data; boundary=x", "application/xml"):
        response = http.post(BASE + path, data=body, content_type=content_type)
        assert_response_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
        mimetype = content_type.split(";")[0]
        assert response.get_json()["message"] == (
            f'Content-Type "{mimetype}" is not allowed. Allowed types: {allowed}'
        )
    response = http.post(BASE + path, data=body)
    assert_response_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert response.get_json()["message"] == f"Content-Type is required. Allowed types: {allowed}"


def test_json_content_type_variants_are_accepted(http):
    body = json.dumps(ANN)
    response = http.post(
        BASE + "/sign-up/email", data=body, content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 200
    response = http.post(
        BASE + "/sign-in/email",
        data=json.dumps(SIGN_IN),
        headers={"Content-Type": "Application/JSON"},
    )
    assert response.status_code == 200


def test_form_bodies_sign_up_and_in(http, sqlite_app):
    response = http.post(BASE + "/sign-up/email", data=ANN)
    assert response.status_code == 200
    assert response.get_json()["user"]["email"] == "ann@example.com"
    response = http.post(BASE + "/sign-in/email", data=SIGN_IN)
    assert response.status_code == 200
    assert "better-auth.session_token=" in response.headers["Set-Cookie"]
    # Form values are strings, so a boolean cannot be sent that way.
    response = http.post(BASE + "/sign-in/email", data={**SIGN_IN, "rememberMe": "false"})
    assert_response_error(response, 400, "VALIDATION_ERROR")
    response = http.post(BASE + "/sign-out", data={"callbackURL": "/"})
    assert_response_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_empty_body_with_any_content_type_is_no_body(http):
    response = http.post(BASE + "/sign-out", data=b"", content_type="text/plain")
    assert (response.status_code, response.get_json()) == (200, {"success": True})
    response = http.post(BASE + "/sign-in/email", data=b"", content_type="text/plain")
    assert_response_error(response, 400, "VALIDATION_ERROR")


def test_get_with_junk_query_and_cookies(http):
    response = http.get(
        BASE + "/get-session?disableCookieCache=1&disableCookieCache=&disableRefresh[]=x&%00=%00",
        headers={"Cookie": "better-auth.session_token=" + "%" * 5000 + "; x=\x7f"},
    )
    assert (response.status_code, response.get_json()) == (200, None)


# -- strange strings (both databases, both faces) --------------------------------------

NUL_CASES = [
    ("sign_up_email", {**ANN, "name": "Ann\x00Lee"}),
    ("sign_up_email", {**ANN, "email": "ann\x00@example.com"}),
    ("sign_up_email", {**ANN, "password": "password\x00123"}),
    ("sign_up_email", {**ANN, "image": "http://img.example/\x00.png"}),
    ("sign_up_email", {**ANN, "callbackURL": "/x\x00y"}),
    ("sign_in_email", {**SIGN_IN, "email": "ann\x00@example.com"}),
    ("sign_in_email", {**SIGN_IN, "password": "password\x00123"}),
    ("sign_in_email", {**SIGN_IN, "callbackURL": "/\x00"}),
]


@pytest.fixture
def db_caller(make_app, via):
    caller = Caller(make_app(user={"additional_fields": {"bio": {"type": "string"}}}), via)
    assert caller.call("sign_up_email", {**ANN, "email": "first@example.com"}).status == 200
    caller.jar.clear()
    return caller


def test_nul_bytes_are_refused(db_caller):
    for endpoint, body in NUL_CASES:
        reply = db_caller.call(endpoint, body)
        assert_reply_error(reply)
    reply = db_caller.call("sign_up_email", {**ANN, "bio": "a\x00b"})
    assert_reply_error(reply, 400, "VALIDATION_ERROR")
    assert len(rows(db_caller.app, "user")) == 1


def test_lone_surrogates_are_refused(db_caller):
    # JSON may carry "\ud800"; it is no Unicode text and cannot be stored as UTF-8.
    for body in [
        {**ANN, "name": "\ud800"},
        {**ANN, "password": "password\udfff"},
        {**ANN, "email": "ann\ud83d@example.com"},
        {**ANN, "bio": "lone \udc00 surrogate"},
        {**ANN, "callbackURL": "/\udc00"},
    ]:
        reply = db_caller.call("sign_up_email", body)
        assert_reply_error(reply, 400)
    reply = db_caller.call("sign_in_email", {**SIGN_IN, "password": "pass\ud800word"})
    assert_reply_error(reply, 400)
    assert len(rows(db_caller.app, "user")) == 1


def test_nul_byte_in_the_user_agent(db_caller, via):
    reply = db_caller.call(
        "sign_in_email",
        {"email": "first@example.com", "password": PASSWORD},
        headers={"User-Agent": "agent\x00nul"},
    )
    assert reply.status == 200
    (session,) = [s for s in rows(db_caller.app, "session") if s["userAgent"] != ""][-1:]
    assert "\x00" not in session["userAgent"]


def test_very_long_strings(db_caller):
    for endpoint, body, status, code in [
        ("sign_up_email", {**ANN, "password": "p" * 100_000}, 400, "PASSWORD_TOO_LONG"),
        ("sign_in_email", {**SIGN_IN, "password": "p" * 100_000}, 400, "PASSWORD_TOO_LONG"),
        ("sign_in_email", {**SIGN_IN, "callbackURL": "https://" + "a" * 50_000}, 403, None),
    ]:
        reply = db_caller.call(endpoint, body)
        assert_reply_error(reply, status, code)


#: A valid address of 254 characters, the most SMTP carries (RFC 5321).
LONGEST_EMAIL = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com"


def test_longest_email_is_taken(db_caller):
    assert len(LONGEST_EMAIL) == 254
    reply = db_caller.call("sign_up_email", {**ANN, "email": LONGEST_EMAIL})
    assert reply.status == 200, reply.json
    db_caller.jar.clear()
    assert db_caller.call("sign_in_email", {**SIGN_IN, "email": LONGEST_EMAIL}).status == 200


def test_longer_email_is_refused(db_caller):
    for size in (255, 10_000):
        # Varied letters, so that PostgreSQL could not compress an index entry away.
        local = "".join(random.Random(size).choices(string.ascii_lowercase, k=size - 12))
        email = local + "@example.com"
        assert len(email) == size
        reply = db_caller.call("sign_up_email", {**ANN, "email": email})
        assert_reply_error(reply, 400, "VALIDATION_ERROR")
        assert "[body.email]" in reply.json["message"]
        sign_in = db_caller.call("sign_in_email", {**SIGN_IN, "email": email})
        assert_reply_error(sign_in)


def test_very_long_name_is_stored_whole(db_caller):
    name = "N" * 200_000
    reply = db_caller.call("sign_up_email", {**ANN, "name": name})
    assert reply.status == 200
    assert db_caller.call("get_session").json["user"]["name"] == name


def test_odd_numbers(light_caller):
    for value in (float("inf"), float("nan"), 10**30):
        reply = light_caller.call("sign_up_email", {**ANN, "rememberMe": value})
        assert_reply_error(reply, 400, "VALIDATION_ERROR")
