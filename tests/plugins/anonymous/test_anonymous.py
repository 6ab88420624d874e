"""The anonymous plugin: guests, their made-up emails, linking on any later sign-in or
sign-up (two-factor's hold included), and deleting a guest."""

from __future__ import annotations

import re
from typing import Any

import pytest

from flask_betterauth.plugins import anonymous
from flask_betterauth.plugins import two_factor
from flask_betterauth.plugins import username
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import rows

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}

#: Option logic the face does not change: HTTP only (the central flows run on both).
HTTP_ONLY = pytest.mark.parametrize("via", ["http"])


@pytest.fixture
def database_url(tmp_path: Any) -> str:
    """SQLite only here: the central flows run on PostgreSQL too, in test_central.py."""
    return f"sqlite:///{tmp_path}/auth.sqlite"


def guest(caller: Caller) -> dict[str, Any]:
    reply = caller.call("sign_in_anonymous", {})
    assert reply.status == 200, reply.json
    return dict(reply.json)


def user_ids(app_: Any) -> set[str]:
    return {row["id"] for row in rows(app_, "user")}


@HTTP_ONLY
def test_the_guest_email_and_name_follow_the_options(plugin_app):
    made = plugin_app(
        anonymous(email_domain_name="guests.example.com", generate_name=lambda ctx: "Visitor")
    )
    user = guest(made.caller())["user"]
    assert re.fullmatch(r"temp-[a-z0-9]{32}@guests\.example\.com", user["email"])
    assert user["name"] == "Visitor"


@HTTP_ONLY
def test_generate_random_email_is_used_and_checked(plugin_app):
    made = plugin_app(anonymous(generate_random_email=lambda: "guest-1@example.com"))
    assert guest(made.caller())["user"]["email"] == "guest-1@example.com"
    bad = plugin_app(anonymous(generate_random_email=lambda: "not an email"))
    reply = bad.caller().call("sign_in_anonymous", {})
    assert reply.status == 400 and reply.json["code"] == "INVALID_EMAIL_FORMAT"
    assert reply.json["message"] == "Email was not generated in a valid format"


def test_a_guest_cannot_sign_in_anonymously_again(plugin_app):
    made = plugin_app(anonymous())
    caller = made.caller()
    guest(caller)
    reply = caller.call("sign_in_anonymous", {})
    assert reply.status == 400
    assert reply.json == {
        "code": "ANONYMOUS_USERS_CANNOT_SIGN_IN_AGAIN_ANONYMOUSLY",
        "message": "Anonymous users cannot sign in again anonymously",
    }
    assert len(rows(made.app, "user")) == 1


@HTTP_ONLY
def test_is_anonymous_cannot_be_set_by_sign_up_and_is_false(plugin_app):
    made = plugin_app(anonymous())
    caller = made.caller()
    reply = caller.call("sign_up_email", {**ANN, "isAnonymous": True})
    assert reply.status == 200 and reply.json["user"]["isAnonymous"] is False
    refused = caller.call("update_user", {"isAnonymous": True})
    assert refused.status == 400 and refused.json["code"] == "FIELD_NOT_ALLOWED"
    guest_browser = made.caller()
    guest(guest_browser)
    refused = guest_browser.call("update_user", {"isAnonymous": False, "name": "Real"})
    assert refused.status in (200, 400)
    assert all(row["isAnonymous"] for row in rows(made.app, "user") if row["email"] != ANN["email"])


def test_sign_in_by_another_method_links_too(plugin_app):
    made = plugin_app(anonymous(), plugins=[username()])
    made.caller().call("sign_up_email", {**ANN, "username": "ann"})
    caller = made.caller()
    guest_id = guest(caller)["user"]["id"]
    reply = caller.call("sign_in_username", {"username": "ann", "password": PASSWORD})
    assert reply.status == 200, reply.json
    assert guest_id not in user_ids(made.app)


@HTTP_ONLY
def test_disable_delete_keeps_the_guest_and_refuses_delete(plugin_app):
    linked: list[Any] = []
    made = plugin_app(
        anonymous(disable_delete_anonymous_user=True, on_link_account=lambda o, n: linked.append(o))
    )
    caller = made.caller()
    guest_id = guest(caller)["user"]["id"]
    reply = caller.call("delete_anonymous_user", {})
    assert reply.status == 400 and reply.json["code"] == "DELETE_ANONYMOUS_USER_DISABLED"
    caller.call("sign_up_email", ANN)
    assert len(linked) == 1 and guest_id in user_ids(made.app)


def test_a_failed_sign_in_does_not_link(plugin_app):
    made = plugin_app(anonymous())
    made.caller().call("sign_up_email", ANN)
    caller = made.caller()
    guest_id = guest(caller)["user"]["id"]
    reply = caller.call("sign_in_email", {"email": ANN["email"], "password": "wrong-password"})
    assert reply.status == 401
    assert guest_id in user_ids(made.app)


@HTTP_ONLY
def test_a_real_user_signing_in_anonymously_is_not_linked(plugin_app):
    made = plugin_app(anonymous())
    caller = made.caller()
    ann_id = caller.call("sign_up_email", ANN).json["user"]["id"]
    reply = caller.call("sign_in_anonymous", {})
    assert reply.status == 200
    assert ann_id in user_ids(made.app) and len(user_ids(made.app)) == 2


@pytest.mark.parametrize("order", ["anonymous_first", "two_factor_first"])
def test_a_sign_in_held_for_two_factor_does_not_link(plugin_app, order):
    plugins: list[Any] = [anonymous(), two_factor(skip_verification_on_enable=True)]
    if order == "two_factor_first":
        plugins.reverse()
    made = plugin_app(plugins[0], plugins=plugins[1:])
    ann = made.caller()
    ann.call("sign_up_email", ANN)
    assert ann.call("enable_two_factor", {"password": PASSWORD}).status == 200
    caller = made.caller()
    guest_id = guest(caller)["user"]["id"]
    reply = caller.call("sign_in_email", {"email": ANN["email"], "password": PASSWORD})
    assert reply.status == 200 and reply.json["twoFactorRedirect"] is True
    assert guest_id in user_ids(made.app)
    # The hold expired the guest's cookie (as Better Auth's does): finishing the sign-in
    # with a backup code starts Ann's session, and the guest stays, unlinked.
    backup = ann.call("generate_backup_codes", {"password": PASSWORD}).json["backupCodes"][0]
    finished = caller.call("verify_backup_code", {"code": backup})
    assert finished.status == 200, finished.json
    assert caller.call("get_session").json["user"]["email"] == ANN["email"]
    assert guest_id in user_ids(made.app)


def test_delete_anonymous_user(plugin_app):
    made = plugin_app(anonymous())
    caller = made.caller()
    guest(caller)
    reply = caller.call("delete_anonymous_user", {})
    assert reply.status == 200 and reply.json == {"success": True}
    assert rows(made.app, "user") == [] and rows(made.app, "session") == []
    assert reply.cookie("better-auth.session_token") == ""
    assert caller.call("get_session").json is None


def test_delete_anonymous_user_refuses_real_users_and_strangers(plugin_app):
    made = plugin_app(anonymous())
    caller = made.caller()
    caller.call("sign_up_email", ANN)
    reply = caller.call("delete_anonymous_user", {})
    assert reply.status == 403 and reply.json["code"] == "USER_IS_NOT_ANONYMOUS"
    assert made.caller().call("delete_anonymous_user", {}).status == 401
    assert len(rows(made.app, "user")) == 1


def test_sign_in_anonymous_ignores_the_body_but_refuses_a_non_object(plugin_app):
    made = plugin_app(anonymous())
    for body in [None, {}, {"email": "x@example.com", "isAnonymous": False}]:
        reply = made.caller().call("sign_in_anonymous", body)
        assert reply.status == 200, reply.json
        assert reply.json["user"]["isAnonymous"] is True
        assert reply.json["user"]["email"] != "x@example.com"
    for body in ["guest", 5, [1]]:
        reply = made.caller().call("sign_in_anonymous", body)
        assert reply.status == 400, reply.json
    assert len(rows(made.app, "user")) == 3


def test_sign_in_anonymous_has_the_sign_in_rate_limit(make_app, clock):
    app = make_app(plugins=[anonymous()], rate_limit={"enabled": True})
    statuses = [Caller(app, "http").call("sign_in_anonymous", {}).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    clock.advance(seconds=11)
    assert Caller(app, "http").call("sign_in_anonymous", {}).status == 200
