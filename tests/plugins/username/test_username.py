"""The username plugin: sign-up and update-user fields, sign-in by username, availability."""

from __future__ import annotations

from typing import Any

import pytest

from flask_betterauth.plugins import username
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import TestApp
from tests.helpers import rows

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}


@pytest.fixture
def app_(make_app: Any) -> TestApp:
    return make_app(plugins=[username()])


@pytest.fixture
def caller(app_: TestApp, via: str) -> Caller:
    return Caller(app_, via)


def sign_up(caller: Caller, **extra: Any) -> Any:
    return caller.call("sign_up_email", {**ANN, **extra})


def test_sign_up_stores_normalised_username_and_display_username(caller, app_):
    reply = sign_up(caller, username="User_x")
    assert reply.status == 200, reply.json
    assert reply.json["user"]["username"] == "user_x"
    assert reply.json["user"]["displayUsername"] == "User_x"
    (user,) = rows(app_, "user")
    assert (user["username"], user["displayUsername"]) == ("user_x", "User_x")


def test_sign_up_with_only_a_valid_display_username_uses_it_as_username(caller):
    reply = sign_up(caller, displayUsername="Ada.L")
    assert reply.status == 200, reply.json
    assert reply.json["user"]["username"] == "ada.l"
    assert reply.json["user"]["displayUsername"] == "Ada.L"


def test_sign_up_without_username_leaves_both_null(caller):
    reply = sign_up(caller)
    assert reply.json["user"]["username"] is None
    assert reply.json["user"]["displayUsername"] is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("ab", "USERNAME_TOO_SHORT"),
        ("a" * 31, "USERNAME_TOO_LONG"),
        ("bad name!", "INVALID_USERNAME"),
        ("ünïcode", "INVALID_USERNAME"),
    ],
)
def test_sign_up_with_a_bad_username_is_400(caller, app_, name, code):
    reply = sign_up(caller, username=name)
    assert reply.status == 400 and reply.json["code"] == code
    assert rows(app_, "user") == []


def test_sign_up_with_a_taken_username_in_another_case_is_400(caller, app_):
    sign_up(caller, username="ann_b")
    other = Caller(app_, caller.via)
    reply = other.call("sign_up_email", {**ANN, "email": "bob@example.com", "username": "ANN_B"})
    assert reply.status == 400 and reply.json["code"] == "USERNAME_IS_ALREADY_TAKEN"
    assert reply.json["message"] == "Username is already taken. Please try another."


def test_sign_up_with_a_non_string_username_is_a_validation_error(caller):
    reply = sign_up(caller, username=123)
    assert reply.status == 400 and reply.json["code"] == "VALIDATION_ERROR"


def test_display_username_validator_refuses(make_app, via):
    app = make_app(plugins=[username(display_username_validator=lambda v: "x" not in v)])
    reply = Caller(app, via).call(
        "sign_up_email", {**ANN, "username": "ann", "displayUsername": "xx"}
    )
    assert reply.status == 400 and reply.json["code"] == "INVALID_DISPLAY_USERNAME"


def test_sign_in_by_username_in_any_case(caller, app_):
    sign_up(caller, username="Ann_B")
    fresh = Caller(app_, caller.via)
    reply = fresh.call("sign_in_username", {"username": "ANN_b", "password": PASSWORD})
    assert reply.status == 200, reply.json
    assert set(reply.json) == {"redirect", "token", "user"}
    assert reply.json["redirect"] is False and reply.json["user"]["username"] == "ann_b"
    session = fresh.call("get_session")
    assert session.json["user"]["email"] == ANN["email"]


def test_sign_in_by_username_with_callback_sets_location(caller, app_):
    sign_up(caller, username="ann_b")
    body = {"username": "ann_b", "password": PASSWORD, "callbackURL": "/home"}
    reply = Caller(app_, caller.via).call("sign_in_username", body)
    assert reply.json["redirect"] is True and reply.json["url"] == "/home"
    assert reply.headers["Location"] == "/home"


def test_sign_in_remember_me_false_sets_dont_remember(caller, app_):
    sign_up(caller, username="ann_b")
    body = {"username": "ann_b", "password": PASSWORD, "rememberMe": False}
    reply = Caller(app_, caller.via).call("sign_in_username", body)
    assert reply.status == 200
    assert reply.cookie("better-auth.dont_remember")


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"username": "ann_b", "password": "wrong-password"}, 401, "INVALID_USERNAME_OR_PASSWORD"),
        ({"username": "nobody", "password": PASSWORD}, 401, "INVALID_USERNAME_OR_PASSWORD"),
        ({"username": "", "password": PASSWORD}, 401, "INVALID_USERNAME_OR_PASSWORD"),
        ({"username": "ab", "password": PASSWORD}, 422, "USERNAME_TOO_SHORT"),
        ({"username": "a" * 31, "password": PASSWORD}, 422, "USERNAME_TOO_LONG"),
        ({"username": "a b c", "password": PASSWORD}, 422, "INVALID_USERNAME"),
        ({"username": "ann_b", "password": "p" * 200}, 400, "PASSWORD_TOO_LONG"),
        ({"username": "ann_b"}, 400, "VALIDATION_ERROR"),
        ({"username": 5, "password": PASSWORD}, 400, "VALIDATION_ERROR"),
    ],
)
def test_sign_in_by_username_refusals(caller, app_, body, status, code):
    sign_up(caller, username="ann_b")
    reply = Caller(app_, caller.via).call("sign_in_username", body)
    assert reply.status == status and reply.json["code"] == code
    assert "set-cookie" not in {k.lower() for k in reply.headers.keys()}


def test_sign_in_unverified_when_verification_required_is_403(make_app, via):
    app = make_app(
        plugins=[username()],
        email_and_password={"require_email_verification": True},
    )
    caller = Caller(app, via)
    sign_up(caller, username="ann_b")
    reply = caller.call("sign_in_username", {"username": "ann_b", "password": PASSWORD})
    assert reply.status == 403 and reply.json["code"] == "EMAIL_NOT_VERIFIED"


def test_is_username_available(caller, app_):
    sign_up(caller, username="ann_b")
    assert caller.call("is_username_available", {"username": "ANN_B"}).json == {"available": False}
    assert caller.call("is_username_available", {"username": "bob_c"}).json == {"available": True}


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("", "INVALID_USERNAME"),
        ("ab", "USERNAME_TOO_SHORT"),
        ("x" * 31, "USERNAME_TOO_LONG"),
        ("no spaces", "INVALID_USERNAME"),
    ],
)
def test_is_username_available_refusals(caller, name, code):
    reply = caller.call("is_username_available", {"username": name})
    assert reply.status == 422 and reply.json["code"] == code


def test_update_user_sets_and_normalises_username(caller, app_):
    sign_up(caller)
    reply = caller.call("update_user", {"username": "New_Name", "displayUsername": "New Name"})
    assert reply.status == 200, reply.json
    (user,) = rows(app_, "user")
    assert (user["username"], user["displayUsername"]) == ("new_name", "New Name")


def test_update_user_keeping_own_username_is_allowed(caller):
    sign_up(caller, username="ann_b")
    reply = caller.call("update_user", {"username": "ANN_B"})
    assert reply.status == 200, reply.json


def test_update_user_to_a_taken_username_is_400(caller, app_):
    Caller(app_, caller.via).call(
        "sign_up_email", {**ANN, "email": "bob@example.com", "username": "bob_c"}
    )
    sign_up(caller, username="ann_b")
    reply = caller.call("update_user", {"username": "Bob_C"})
    assert reply.status == 400 and reply.json["code"] == "USERNAME_IS_ALREADY_TAKEN"


def test_update_user_with_a_bad_username_is_400(caller):
    sign_up(caller, username="ann_b")
    reply = caller.call("update_user", {"username": "!!"})
    assert reply.status == 400 and reply.json["code"] == "USERNAME_TOO_SHORT"


def test_immutable_username(make_app, via):
    app = make_app(plugins=[username(immutable_username=True)])
    caller = Caller(app, via)
    sign_up(caller, username="ann_b")
    reply = caller.call("update_user", {"username": "other_name"})
    assert reply.status == 400 and reply.json["code"] == "USERNAME_IS_IMMUTABLE"
    assert caller.call("update_user", {"username": "Ann_B"}).status == 200


def test_custom_rules_and_no_normalisation(make_app, via):
    plugin = username(
        min_username_length=5,
        max_username_length=8,
        username_validator=lambda v: v.isalpha(),
        username_normalization=False,
        display_username=False,
    )
    app = make_app(plugins=[plugin])
    caller = Caller(app, via)
    assert sign_up(caller, username="abcd").json["code"] == "USERNAME_TOO_SHORT"
    assert sign_up(caller, username="abc1e").json["code"] == "INVALID_USERNAME"
    reply = sign_up(caller, username="MixedAb")
    assert reply.status == 200, reply.json
    assert reply.json["user"]["username"] == "MixedAb"
    assert "displayUsername" not in reply.json["user"]


def test_post_normalisation_validation_order(make_app, via):
    plugin = username(
        username_normalization=lambda v: v.strip(),
        validation_order={"username": "post-normalization"},
    )
    reply = Caller(make_app(plugins=[plugin]), via).call(
        "sign_up_email", {**ANN, "username": "  ann_b  "}
    )
    assert reply.status == 200, reply.json
    assert reply.json["user"]["username"] == "ann_b"


def test_bad_validation_order_is_refused():
    with pytest.raises(ValueError):
        username(validation_order={"username": "sometimes"})


def test_user_written_outside_the_endpoints_is_validated_and_normalised(app_):
    state = app_.state
    with app_.app.app_context():
        user = state.users.new("zed@example.com", "Zed", username="Zed_Z")
        created = state.users.create(user)
        assert (created["username"], created["displayUsername"]) == ("zed_z", "Zed_Z")


def test_error_codes_are_in_the_catalogue(app_):
    with app_.app.app_context():
        assert app_.auth.ERROR_CODES["USERNAME_IS_IMMUTABLE"] == "Username cannot be updated"


def test_username_column_is_unique(app_):
    import sqlalchemy as sa

    with app_.app.app_context():
        inspector = sa.inspect(app_.db.engine)
        uniques = inspector.get_unique_constraints("user") + [
            i for i in inspector.get_indexes("user") if i.get("unique")
        ]
        assert any(c["column_names"] == ["username"] for c in uniques)


def test_sign_in_by_username_has_the_sign_in_rate_limit(make_app, clock):
    app = make_app(plugins=[username()], rate_limit={"enabled": True})
    caller = Caller(app, "http")
    body = {"username": "nobody", "password": PASSWORD}
    statuses = [caller.call("sign_in_username", body).status for _ in range(4)]
    assert statuses == [401, 401, 401, 429]
    clock.advance(seconds=11)
    assert caller.call("sign_in_username", body).status == 401


def test_endpoints_are_in_the_openapi_document(make_app):
    from flask_betterauth.plugins import open_api

    app = make_app(plugins=[username(), open_api()])
    response = app.app.test_client().get("/api/auth/open-api/generate-schema")
    assert response.status_code == 200
    paths = response.get_json()["paths"]
    assert {"/api/auth/sign-in/username", "/api/auth/is-username-available"} <= set(paths)


def test_sign_in_by_username_is_held_for_two_factor(make_app, via, clock):
    """A user with two-factor on gets the second step after a username sign-in too."""
    from flask_betterauth.plugins import two_factor
    from tests.plugins.two_factor.conftest import code_at
    from tests.plugins.two_factor.conftest import enroll

    caller = Caller(make_app(plugins=[username(), two_factor(issuer="Tests")]), via)
    enrolled = enroll(caller, clock)
    assert caller.call("update_user", {"username": "ann_1"}).status == 200
    caller.call("sign_out", {})
    caller.jar.pop("better-auth.session_token", None)
    held = caller.call("sign_in_username", {"username": "ann_1", "password": PASSWORD})
    assert held.status == 200
    assert held.json["twoFactorRedirect"] is True and "token" not in held.json
    assert caller.call("get_session").json is None
    done = caller.call("verify_totp", {"code": code_at(enrolled.key, clock)})
    assert done.status == 200 and done.json["user"]["username"] == "ann_1"
