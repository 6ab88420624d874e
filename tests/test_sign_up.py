"""``POST /sign-up/email`` (spec 3.3, 5.4, 7.5), over HTTP and through ``auth.api``."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import rows
from tests.helpers import sql

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
USER_KEYS = {"id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt"}


def sign_up(caller: Caller, **body: object) -> object:
    payload = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD, **body}
    return caller.call("sign_up_email", payload)


def test_sign_up_creates_the_user_and_signs_in(caller, clock):
    reply = sign_up(caller, image="https://img.example/ann.png")
    assert reply.status == 200
    assert set(reply.json) == {"token", "user"}
    token, user = reply.json["token"], reply.json["user"]
    assert re.fullmatch(r"[A-Za-z0-9]{32}", token)
    assert set(user) == USER_KEYS
    assert re.fullmatch(r"[A-Za-z0-9]{32}", user["id"])
    assert user["name"] == "Ann"
    assert user["email"] == "ann@example.com"
    assert user["emailVerified"] is False
    assert user["image"] == "https://img.example/ann.png"
    assert user["createdAt"] == user["updatedAt"] == "2026-11-25T12:00:00.000Z"
    cookie = [c for c in reply.set_cookies if c.startswith("better-auth.session_token=")]
    assert len(cookie) == 1 and "Max-Age=604800" in cookie[0]

    session = caller.call("get_session")
    assert session.json["user"] == user
    assert session.json["session"]["token"] == token

    (account,) = rows(caller.app, "account")
    assert account["providerId"] == "credential"
    assert account["accountId"] == account["userId"] == user["id"]
    assert account["password"] and PASSWORD not in account["password"]


def test_image_defaults_to_null_and_name_may_be_empty(caller):
    reply = sign_up(caller, name="")
    assert reply.status == 200
    assert reply.json["user"]["image"] is None
    assert reply.json["user"]["name"] == ""


def test_email_is_lower_cased_for_storage_and_lookup(caller):
    reply = sign_up(caller, email="Ann.Lee@Example.COM")
    assert reply.json["user"]["email"] == "ann.lee@example.com"
    assert [u["email"] for u in rows(caller.app, "user")] == ["ann.lee@example.com"]
    again = sign_up(caller, email="ANN.LEE@example.com")
    assert again.status == 422
    signed_in = caller.call("sign_in_email", {"email": "ann.lee@EXAMPLE.com", "password": PASSWORD})
    assert signed_in.status == 200


def test_invalid_email_is_a_validation_error(caller):
    for email in ("not-an-email", "ann@", "@example.com", " ann@example.com"):
        reply = sign_up(caller, email=email)
        assert reply.status == 400, email
        assert reply.json["code"] == "VALIDATION_ERROR"
        assert reply.json["message"].startswith("[body.email]")
    assert rows(caller.app, "user") == []


def test_sign_up_disabled(make_app, via):
    caller = Caller(make_app(email_and_password={"enabled": True, "disable_sign_up": True}), via)
    reply = sign_up(caller)
    assert reply.status == 400
    assert reply.json == {
        "message": "Email and password sign up is not enabled",
        "code": "EMAIL_PASSWORD_SIGN_UP_DISABLED",
    }
    assert rows(caller.app, "user") == []
    assert reply.set_cookies == []


def test_email_and_password_off_refuses_sign_up(make_app, via):
    caller = Caller(make_app(email_and_password={"enabled": False}), via)
    reply = sign_up(caller)
    assert (reply.status, reply.json["code"]) == (400, "EMAIL_PASSWORD_SIGN_UP_DISABLED")


def test_password_length_limits(caller):
    message = {"PASSWORD_TOO_SHORT": "Password too short", "PASSWORD_TOO_LONG": "Password too long"}
    for password, code in [
        ("1234567", "PASSWORD_TOO_SHORT"),
        ("x" * 129, "PASSWORD_TOO_LONG"),
        # Lengths are JavaScript's: UTF-16 code units. Each emoji counts two.
        ("\U0001f600" * 3 + "a", "PASSWORD_TOO_SHORT"),  # 4 code points, 7 units
        ("\U0001f600" * 64 + "a", "PASSWORD_TOO_LONG"),  # 65 code points, 129 units
    ]:
        reply = sign_up(caller, password=password)
        assert reply.status == 400, password
        assert reply.json == {"message": message[code], "code": code}
    assert rows(caller.app, "user") == []


def test_password_lengths_at_the_limits_are_accepted(caller):
    for number, password in enumerate(["12345678", "x" * 128, "\U0001f600" * 4, "\U0001f600" * 64]):
        email = f"user{number}@example.com"
        assert sign_up(caller, email=email, password=password).status == 200, password
        credentials = {"email": email, "password": password}
        assert caller.call("sign_in_email", credentials).status == 200


def test_configured_password_limits(make_app, via):
    caller = Caller(
        make_app(
            email_and_password={
                "enabled": True,
                "min_password_length": 12,
                "max_password_length": 16,
            }
        ),
        via,
    )
    assert sign_up(caller, password="x" * 11).json["code"] == "PASSWORD_TOO_SHORT"
    assert sign_up(caller, password="x" * 17).json["code"] == "PASSWORD_TOO_LONG"
    assert sign_up(caller, password="x" * 12).status == 200


def test_empty_password_is_a_validation_error(caller):
    reply = sign_up(caller, password="")
    assert reply.status == 400
    assert reply.json["code"] == "VALIDATION_ERROR"
    assert reply.json["message"].startswith("[body.password]")


def test_required_fields(caller):
    for missing in ("name", "email", "password"):
        body = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
        del body[missing]
        reply = caller.call("sign_up_email", body)
        assert reply.status == 400
        assert reply.json["code"] == "VALIDATION_ERROR"
        assert f"[body.{missing}]" in reply.json["message"]


def test_core_fields_in_the_body_are_ignored(caller):
    reply = sign_up(caller, emailVerified=True, id="chosen-id", createdAt="2001-01-01T00:00:00Z")
    assert reply.status == 200
    user = reply.json["user"]
    assert user["emailVerified"] is False
    assert user["id"] != "chosen-id"
    assert not user["createdAt"].startswith("2001")
    assert set(user) == USER_KEYS


def test_duplicate_email_is_422(caller, signed_up):
    reply = sign_up(caller, name="Other", password="another-password")
    assert reply.status == 422
    assert reply.json == {
        "message": "User already exists. Use another email.",
        "code": "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
    }
    assert reply.set_cookies == []
    assert len(rows(caller.app, "user")) == 1


def test_duplicate_without_auto_sign_in_looks_like_a_new_account(make_app, via, clock):
    caller = Caller(make_app(email_and_password={"enabled": True, "auto_sign_in": False}), via)
    first = sign_up(caller)
    assert first.status == 200
    assert first.json["token"] is None
    assert first.set_cookies == []
    clock.advance(seconds=5)
    second = sign_up(caller, name="Mallory", password="another-password")
    assert second.status == 200
    assert second.set_cookies == []
    assert second.json["token"] is None
    fake = second.json["user"]
    assert set(fake) == USER_KEYS
    assert fake["id"] != first.json["user"]["id"]
    assert fake["email"] == "ann@example.com"
    assert fake["emailVerified"] is False and fake["image"] is None
    assert fake["createdAt"] == "2026-11-25T12:00:05.000Z"
    (stored,) = rows(caller.app, "user")
    assert stored["name"] == "Ann"
    # The real account keeps its password.
    assert (
        caller.call("sign_in_email", {"email": "ann@example.com", "password": PASSWORD}).status
        == 200
    )


def test_remember_me_false_makes_a_one_day_session(caller, clock):
    reply = sign_up(caller, rememberMe=False)
    assert reply.status == 200
    (session,) = rows(caller.app, "session")
    assert session["expiresAt"] == clock.now + timedelta(days=1)
    token_cookie = next(c for c in reply.set_cookies if "session_token=" in c)
    assert "Max-Age" not in token_cookie
    assert reply.cookie("better-auth.dont_remember")


def test_callback_url_is_checked_but_not_followed(caller):
    reply = sign_up(caller, callbackURL="/welcome")
    assert reply.status == 200
    assert "Location" not in reply.headers
    bad = sign_up(caller, email="bob@example.com", callbackURL="https://evil.example/x")
    assert bad.status == 403
    assert bad.json == {"message": "Invalid callbackURL", "code": "INVALID_CALLBACK_URL"}
    assert [u["email"] for u in rows(caller.app, "user")] == ["ann@example.com"]


# -- additional fields -----------------------------------------------------------------

ADDITIONAL = {
    "nickname": {"type": "string"},
    "age": {"type": "number"},
    "newsletter": {"type": "boolean", "default_value": False},
    "birthday": {"type": "date"},
    "prefs": {"type": "json"},
    "plan": {"type": "string", "required": True},
    "role": {"type": "string", "input": False, "default_value": "member"},
    "banned": {"type": "boolean", "input": False},
    "secret_note": {"type": "string", "returned": False, "default_value": "hidden"},
}


@pytest.fixture
def extra_caller(make_app, via):
    return Caller(make_app(user={"additional_fields": ADDITIONAL}), via)


def test_additional_fields_are_stored_and_returned(extra_caller):
    reply = sign_up(
        extra_caller,
        nickname="annie",
        age=42,
        birthday="1984-02-29T10:30:00.000Z",
        prefs={"theme": "dark", "tags": ["a", "b"], "n": 1},
        plan="pro",
        undeclared="dropped",
    )
    assert reply.status == 200, reply.json
    user = reply.json["user"]
    assert user["nickname"] == "annie"
    assert user["age"] == 42
    assert user["newsletter"] is False
    assert user["birthday"] == "1984-02-29T10:30:00.000Z"
    assert user["prefs"] == {"theme": "dark", "tags": ["a", "b"], "n": 1}
    assert user["plan"] == "pro"
    assert user["role"] == "member"
    assert user["banned"] is None
    assert "secret_note" not in user and "undeclared" not in user
    (stored,) = rows(extra_caller.app, "user")
    assert stored["secret_note"] == "hidden"
    assert stored["prefs"] == {"theme": "dark", "tags": ["a", "b"], "n": 1}
    assert stored["birthday"].isoformat() == "1984-02-29T10:30:00+00:00"
    # Read back from the database, the types hold.
    again = extra_caller.call("get_session").json["user"]
    assert again == user


def test_missing_required_additional_field(extra_caller):
    reply = sign_up(extra_caller, nickname="annie")
    assert reply.status == 400
    assert reply.json == {"message": "plan is required", "code": "MISSING_FIELD"}
    assert rows(extra_caller.app, "user") == []


def test_input_false_field_with_default_silently_gets_the_default(extra_caller):
    reply = sign_up(extra_caller, plan="pro", role="admin")
    assert reply.status == 200
    assert reply.json["user"]["role"] == "member"
    assert rows(extra_caller.app, "user")[0]["role"] == "member"


def test_input_false_field_without_default_is_refused(extra_caller):
    reply = sign_up(extra_caller, plan="pro", banned=True)
    assert reply.status == 400
    assert reply.json == {"message": "banned is not allowed to be set", "code": "FIELD_NOT_ALLOWED"}
    assert rows(extra_caller.app, "user") == []


def test_ill_typed_additional_field(extra_caller):
    for field, value in [
        ("nickname", 5),
        ("age", "42"),
        ("age", True),
        ("age", 4.5),
        ("newsletter", "yes"),
        ("birthday", "not a date"),
        ("birthday", 12),
        ("plan", ["pro"]),
    ]:
        body = {"plan": "pro", field: value}
        reply = sign_up(extra_caller, **body)
        assert reply.status == 400, (field, value)
        assert reply.json["code"] == "VALIDATION_ERROR"
        assert field in reply.json["message"]
    assert rows(extra_caller.app, "user") == []


def test_renamed_table_and_columns(make_app, via):
    test_app = make_app(
        user={
            "model_name": "users",
            "fields": {"email": "email_address", "emailVerified": "email_verified"},
            "additional_fields": {"plan": {"type": "string", "field_name": "plan_name"}},
        },
        session={"model_name": "sessions", "fields": {"userId": "user_id"}},
    )
    caller = Caller(test_app, via)
    reply = sign_up(caller, plan="pro")
    assert reply.status == 200
    assert reply.json["user"]["email"] == "ann@example.com"
    assert reply.json["user"]["plan"] == "pro"
    (raw,) = sql(test_app, "SELECT email_address, email_verified, plan_name FROM users")
    assert raw["email_address"] == "ann@example.com"
    assert raw["plan_name"] == "pro"
    assert not raw["email_verified"]
    (session,) = sql(test_app, "SELECT user_id FROM sessions")
    assert session["user_id"] == reply.json["user"]["id"]
    assert caller.call("get_session").json["user"]["plan"] == "pro"
