"""``POST /sign-out`` (spec 3.5, 5.7), over HTTP and through ``auth.api``."""

from __future__ import annotations

from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import rows

EXPIRED = [
    "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
    "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
    "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
]
ANN = {"email": "ann@example.com", "password": PASSWORD}


def test_sign_out_ends_the_session_and_expires_every_cookie(caller, signed_up):
    replay = dict(caller.jar)
    reply = caller.call("sign_out", {})
    assert reply.status == 200
    assert reply.json == {"success": True}
    assert sorted(reply.set_cookies) == sorted(EXPIRED)
    assert rows(caller.app, "session") == []
    assert caller.jar == {}
    assert caller.call("get_session").json is None
    # The old cookie, replayed, names no session any more.
    caller.jar.update(replay)
    assert caller.call("get_session").json is None


def test_sign_out_without_a_session_still_succeeds(caller):
    reply = caller.call("sign_out", {})
    assert reply.status == 200
    assert reply.json == {"success": True}
    assert sorted(reply.set_cookies) == sorted(EXPIRED)


def test_sign_out_without_a_body(caller, signed_up):
    reply = caller.call("sign_out")
    assert (reply.status, reply.json) == (200, {"success": True})
    assert rows(caller.app, "session") == []


def test_sign_out_with_a_forged_cookie_touches_nothing(caller, signed_up):
    token = signed_up["token"]
    caller.jar["better-auth.session_token"] = f"{token}.{'A' * 43}="
    reply = caller.call("sign_out", {})
    assert (reply.status, reply.json) == (200, {"success": True})
    assert sorted(reply.set_cookies) == sorted(EXPIRED)
    assert len(rows(caller.app, "session")) == 1


def test_sign_out_ends_only_this_device(caller, signed_up, auth_app, via):
    other = Caller(auth_app, via)
    assert other.call("sign_in_email", ANN).status == 200
    assert len(rows(caller.app, "session")) == 2
    caller.call("sign_out", {})
    assert len(rows(caller.app, "session")) == 1
    assert other.call("get_session").json["user"]["email"] == "ann@example.com"


def test_sign_out_expires_cache_chunks(caller, signed_up):
    caller.jar["better-auth.session_data.0"] = "part-one"
    caller.jar["better-auth.session_data.1"] = "part-two"
    reply = caller.call("sign_out", {})
    for name in ("better-auth.session_data.0", "better-auth.session_data.1"):
        assert f"{name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax" in reply.set_cookies
    assert caller.jar == {}


def test_sign_out_with_the_cookie_cache_on(make_app, via):
    caller = Caller(make_app(session={"cookie_cache": {"enabled": True}}), via)
    caller.call("sign_up_email", {"name": "Ann", **ANN})
    assert "better-auth.session_data" in caller.jar
    reply = caller.call("sign_out", {})
    assert sorted(reply.set_cookies) == sorted(EXPIRED)
    assert caller.call("get_session").json is None
