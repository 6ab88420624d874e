"""``GET /get-session`` (spec 3.6, 6), refresh timing on a clock the test moves, and
session tokens at rest, over HTTP and through ``auth.api``."""

from __future__ import annotations

import base64
import hashlib
from datetime import timedelta

from flask_betterauth.crypto import hash_token
from tests.helpers import PASSWORD
from tests.helpers import SECRET
from tests.helpers import Caller
from tests.helpers import rows
from tests.helpers import sql
from tests.spec_snippets import sign_cookie_value

SESSION_KEYS = {
    "id",
    "expiresAt",
    "token",
    "createdAt",
    "updatedAt",
    "ipAddress",
    "userAgent",
    "userId",
}
EXPIRED = [
    "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
    "better-auth.session_data=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
    "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
]
ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}


def assert_no_store(reply):
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.headers["Pragma"] == "no-cache"


def test_signed_out_is_null(caller):
    reply = caller.call("get_session")
    assert reply.status == 200
    assert reply.json is None
    assert reply.set_cookies == []
    assert_no_store(reply)


def test_signed_in(clock, caller, signed_up):
    reply = caller.call("get_session")
    assert reply.status == 200
    assert_no_store(reply)
    assert set(reply.json) == {"session", "user"}
    session, user = reply.json["session"], reply.json["user"]
    assert set(session) == SESSION_KEYS
    assert session["token"] == signed_up["token"]
    assert session["userId"] == user["id"] == signed_up["user"]["id"]
    assert session["createdAt"] == session["updatedAt"] == "2026-11-25T12:00:00.000Z"
    assert session["expiresAt"] == "2026-12-02T12:00:00.000Z"
    assert user == signed_up["user"]
    # Not due for a refresh: nothing to set.
    assert reply.set_cookies == []


def test_post_is_405(caller, via):
    if via == "http":
        response = caller.client.post("/api/auth/get-session")
        status, body, headers = response.status_code, response.get_json(), response.headers
    else:
        app = caller.app
        with app.app.test_request_context():
            response = app.auth.api.call("get_session", method="POST", as_response=True)
        status, body, headers = response.status_code, response.get_json(), response.headers
    assert status == 405
    assert body == {
        "message": "POST method requires deferSessionRefresh to be enabled in session config",
        "code": "METHOD_NOT_ALLOWED_DEFER_SESSION_REQUIRED",
    }
    assert headers["Cache-Control"] == "no-store"
    assert headers["Pragma"] == "no-cache"


def test_bad_cookie_is_null_and_changes_nothing(caller, signed_up):
    for cookie in [
        "garbage",
        "",
        "abc.def",
        "%E0%A4%A",  # a broken percent escape
        f"{'x' * 32}.{'A' * 43}=",  # right shape, wrong signature
    ]:
        caller.jar["better-auth.session_token"] = cookie
        reply = caller.call("get_session")
        assert (reply.status, reply.json) == (200, None), cookie
        assert reply.set_cookies == []
    assert len(rows(caller.app, "session")) == 1


def test_missing_row_is_null_and_expires_cookies(caller, signed_up):
    sql(caller.app, "DELETE FROM session")
    reply = caller.call("get_session")
    assert (reply.status, reply.json) == (200, None)
    assert sorted(reply.set_cookies) == sorted(EXPIRED)


def test_stray_cache_cookie_is_expired_when_the_cache_is_off(caller, signed_up):
    caller.jar["better-auth.session_data"] = "left-over"
    reply = caller.call("get_session")
    assert reply.json["session"]["token"] == signed_up["token"]
    assert reply.set_cookies == [EXPIRED[1]]


def test_query_flags_are_truthy_when_not_empty(clock, caller, signed_up):
    clock.advance(days=2)
    for value in ("true", "1", "false", "0", "no"):
        reply = caller.call("get_session", query={"disableRefresh": value})
        assert reply.json["session"]["expiresAt"] == "2026-12-02T12:00:00.000Z", value
        assert reply.set_cookies == []


def test_empty_query_flag_is_false(clock, caller, signed_up):
    clock.advance(days=2)
    reply = caller.call("get_session", query={"disableRefresh": ""})
    assert reply.json["session"]["expiresAt"] == "2026-12-04T12:00:00.000Z"


# -- refresh timing --------------------------------------------------------------------


def session_cookie_lines(reply):
    return [c for c in reply.set_cookies if c.startswith("better-auth.session_token=")]


def test_extended_only_after_update_age(clock, caller, signed_up):
    clock.advance(hours=23, minutes=59, seconds=59)
    early = caller.call("get_session")
    assert early.json["session"]["expiresAt"] == "2026-12-02T12:00:00.000Z"
    assert early.json["session"]["updatedAt"] == "2026-11-25T12:00:00.000Z"
    assert session_cookie_lines(early) == []

    clock.advance(seconds=1)
    due = caller.call("get_session")
    assert due.json["session"]["expiresAt"] == "2026-12-03T12:00:00.000Z"
    assert due.json["session"]["updatedAt"] == "2026-11-26T12:00:00.000Z"
    assert due.json["session"]["createdAt"] == "2026-11-25T12:00:00.000Z"
    value = sign_cookie_value(signed_up["token"], SECRET)
    assert session_cookie_lines(due) == [
        f"better-auth.session_token={value}; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax"
    ]
    (stored,) = rows(caller.app, "session")
    assert stored["expiresAt"] == clock.now + timedelta(days=7)
    assert stored["updatedAt"] == clock.now

    # The next extension is a full update_age later again.
    clock.advance(hours=12)
    assert session_cookie_lines(caller.call("get_session")) == []
    assert rows(caller.app, "session")[0]["expiresAt"] == stored["expiresAt"]


def test_disable_refresh_query(clock, caller, signed_up):
    clock.advance(days=2)
    reply = caller.call("get_session", query={"disableRefresh": "true"})
    assert reply.json["session"]["expiresAt"] == "2026-12-02T12:00:00.000Z"
    assert reply.set_cookies == []
    assert rows(caller.app, "session")[0]["expiresAt"] == clock.now + timedelta(days=5)
    refreshed = caller.call("get_session")
    assert refreshed.json["session"]["expiresAt"] == "2026-12-04T12:00:00.000Z"


def test_custom_expires_in_and_update_age(clock, make_app, via):
    caller = Caller(make_app(session={"expires_in": 7200, "update_age": 3600}), via)
    signed = caller.call("sign_up_email", ANN)
    assert "Max-Age=7200" in session_cookie_lines(signed)[0]
    assert rows(caller.app, "session")[0]["expiresAt"] == clock.now + timedelta(hours=2)
    clock.advance(minutes=59)
    assert session_cookie_lines(caller.call("get_session")) == []
    clock.advance(minutes=1)
    due = caller.call("get_session")
    assert due.json["session"]["expiresAt"] == "2026-11-25T15:00:00.000Z"
    assert "Max-Age=7200" in session_cookie_lines(due)[0]
    # Two quiet hours later the extended session has run out.
    clock.advance(hours=2, seconds=1)
    gone = caller.call("get_session")
    assert gone.json is None
    assert sorted(gone.set_cookies) == sorted(EXPIRED)
    assert rows(caller.app, "session") == []


def test_update_age_zero_extends_on_every_read(clock, make_app, via):
    caller = Caller(make_app(session={"update_age": 0}), via)
    caller.call("sign_up_email", ANN)
    for step in range(1, 4):
        clock.advance(seconds=1)
        reply = caller.call("get_session")
        assert reply.json["session"]["expiresAt"] == f"2026-12-02T12:00:0{step}.000Z"


def test_disable_session_refresh_option(clock, make_app, via):
    caller = Caller(make_app(session={"disable_session_refresh": True}), via)
    caller.call("sign_up_email", ANN)
    clock.advance(days=6)
    reply = caller.call("get_session")
    assert reply.json["session"]["expiresAt"] == "2026-12-02T12:00:00.000Z"
    assert reply.set_cookies == []
    clock.advance(days=1)
    assert caller.call("get_session").json is None


def test_expired_session_is_null_deleted_and_cookies_expired(clock, caller, signed_up):
    clock.advance(days=7)
    reply = caller.call("get_session")
    assert (reply.status, reply.json) == (200, None)
    assert sorted(reply.set_cookies) == sorted(EXPIRED)
    assert rows(caller.app, "session") == []
    assert_no_store(reply)


def test_session_alive_one_millisecond_before_expiry(clock, caller, signed_up):
    clock.advance(days=7, milliseconds=-1)
    reply = caller.call("get_session", query={"disableRefresh": "1"})
    assert reply.json["session"]["token"] == signed_up["token"]


# -- tokens at rest --------------------------------------------------------------------


def test_token_is_stored_hashed(caller, signed_up):
    token = signed_up["token"]
    (stored,) = rows(caller.app, "session")
    assert stored["token"] != token
    digest = hashlib.sha256(token.encode()).digest()
    assert stored["token"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert stored["token"] == hash_token(token)
    # The wire shows the raw token, and the cookie carries it.
    assert caller.call("get_session").json["session"]["token"] == token
    assert caller.jar["better-auth.session_token"] == sign_cookie_value(token, SECRET)


def insert_session(test_app, user_id, token, moment):
    table = test_app.state.models.tables["session"]
    with test_app.app.app_context(), test_app.db.engine.begin() as conn:
        conn.execute(
            table.insert().values(
                id="ba-written-session-id-0123456789",
                token=token,
                userId=user_id,
                expiresAt=moment + timedelta(days=7),
                createdAt=moment,
                updatedAt=moment,
                ipAddress="",
                userAgent="",
            )
        )


def test_raw_token_row_written_by_better_auth_is_accepted(clock, caller, signed_up):
    raw = "RawBetterAuthToken0123456789abcd"
    assert len(raw) == 32
    insert_session(caller.app, signed_up["user"]["id"], raw, clock.now)
    caller.jar["better-auth.session_token"] = sign_cookie_value(raw, SECRET)
    reply = caller.call("get_session")
    assert reply.json["session"]["id"] == "ba-written-session-id-0123456789"
    assert reply.json["session"]["token"] == raw
    # Sign-out ends it too.
    caller.call("sign_out", {})
    assert [s["id"] for s in rows(caller.app, "session")] != ["ba-written-session-id-0123456789"]
    assert len(rows(caller.app, "session")) == 1


def test_stored_hash_is_no_cookie(caller, signed_up):
    (stored,) = rows(caller.app, "session")
    caller.jar["better-auth.session_token"] = sign_cookie_value(stored["token"], SECRET)
    reply = caller.call("get_session")
    assert reply.json is None
    caller.jar["better-auth.session_token"] = sign_cookie_value(stored["token"], SECRET)
    assert caller.call("sign_out", {}).status == 200
    assert len(rows(caller.app, "session")) == 1


def test_session_additional_fields(clock, make_app, via):
    caller = Caller(
        make_app(
            session={
                "additional_fields": {
                    "device": {"type": "string", "default_value": "web"},
                    "trust": {"type": "number", "default_value": 3},
                    "internal": {"type": "string", "default_value": "x", "returned": False},
                }
            }
        ),
        via,
    )
    caller.call("sign_up_email", ANN)
    (stored,) = rows(caller.app, "session")
    assert (stored["device"], stored["trust"], stored["internal"]) == ("web", 3, "x")
    session = caller.call("get_session").json["session"]
    assert set(session) == SESSION_KEYS | {"device", "trust"}
    assert (session["device"], session["trust"]) == ("web", 3)
