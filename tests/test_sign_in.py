"""``POST /sign-in/email`` (spec 3.4, 5.4, 8.3), over HTTP and through ``auth.api``."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.helpers import PASSWORD
from tests.helpers import SECRET
from tests.helpers import Caller
from tests.helpers import rows
from tests.helpers import sql
from tests.spec_snippets import sign_cookie_value

ANN = {"email": "ann@example.com", "password": PASSWORD}
INVALID = {"message": "Invalid email or password", "code": "INVALID_EMAIL_OR_PASSWORD"}


def session_cookie(reply):
    (line,) = [c for c in reply.set_cookies if c.startswith("better-auth.session_token=")]
    return line


def test_sign_in_answers_token_and_user(clock, caller, signed_up):
    caller.jar.clear()
    clock.advance(minutes=5)
    reply = caller.call("sign_in_email", ANN, headers={"User-Agent": "pytest-agent/1.0"})
    assert reply.status == 200
    assert list(reply.json) == ["redirect", "token", "user"]
    assert reply.json["redirect"] is False
    token = reply.json["token"]
    assert re.fullmatch(r"[A-Za-z0-9]{32}", token) and token != signed_up["token"]
    assert reply.json["user"] == signed_up["user"]
    assert "Location" not in reply.headers
    assert "Max-Age=604800" in session_cookie(reply)

    sessions = sorted(rows(caller.app, "session"), key=lambda s: s["createdAt"])
    assert len(sessions) == 2
    newest = sessions[-1]
    assert newest["expiresAt"] == clock.now + timedelta(days=7)
    assert newest["userAgent"] == "pytest-agent/1.0"
    assert newest["userId"] == signed_up["user"]["id"]
    got = caller.call("get_session").json
    assert got["session"]["token"] == token
    assert got["session"]["userAgent"] == "pytest-agent/1.0"


def test_email_lookup_ignores_case(caller, signed_up):
    reply = caller.call("sign_in_email", {"email": "ANN@Example.com", "password": PASSWORD})
    assert reply.status == 200
    assert reply.json["user"]["email"] == "ann@example.com"


def test_remember_me_false(clock, caller, signed_up):
    caller.jar.clear()
    reply = caller.call("sign_in_email", {**ANN, "rememberMe": False})
    assert reply.status == 200
    token_line = session_cookie(reply)
    assert "Max-Age" not in token_line
    assert reply.cookie("better-auth.dont_remember") == sign_cookie_value("true", SECRET)
    dont_line = next(c for c in reply.set_cookies if c.startswith("better-auth.dont_remember="))
    assert dont_line == (
        f"better-auth.dont_remember={sign_cookie_value('true', SECRET)}; "
        "Path=/; HttpOnly; SameSite=Lax"
    )
    token = reply.json["token"]
    expires = clock.now + timedelta(days=1)
    stored = [s for s in rows(caller.app, "session") if s["expiresAt"] == expires]
    assert len(stored) == 1

    # Never extended, though a 7-day session would be due at once (1 day < 7 - 1 days).
    for hours in (1, 12, 23):
        clock.now = stored[0]["createdAt"] + timedelta(hours=hours)
        got = caller.call("get_session")
        assert got.json["session"]["token"] == token
        assert got.json["session"]["expiresAt"] == "2026-11-26T12:00:00.000Z"
        assert got.cookie("better-auth.session_token") is None
    clock.now = expires + timedelta(seconds=1)
    assert caller.call("get_session").json is None
    assert [s for s in rows(caller.app, "session") if s["expiresAt"] == expires] == []


def test_remember_me_true_expires_dont_remember(caller, signed_up):
    caller.jar.clear()
    caller.call("sign_in_email", {**ANN, "rememberMe": False})
    assert "better-auth.dont_remember" in caller.jar
    reply = caller.call("sign_in_email", {**ANN, "rememberMe": True})
    assert "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax" in (
        reply.set_cookies
    )
    assert "Max-Age=604800" in session_cookie(reply)


def test_callback_url_sets_location_and_redirect(caller, signed_up):
    reply = caller.call("sign_in_email", {**ANN, "callbackURL": "/dashboard"})
    assert reply.status == 200
    assert reply.headers["Location"] == "/dashboard"
    assert list(reply.json) == ["redirect", "token", "url", "user"]
    assert reply.json["redirect"] is True
    assert reply.json["url"] == "/dashboard"
    assert reply.json["user"]["email"] == "ann@example.com"


def test_trusted_callback_urls(caller, signed_up):
    for url in ("http://localhost/after", "/a/b?c=d"):
        reply = caller.call("sign_in_email", {**ANN, "callbackURL": url})
        assert (reply.status, reply.json["url"], reply.headers["Location"]) == (200, url, url)


def test_untrusted_callback_url_is_refused(caller, signed_up):
    caller.jar.clear()
    for url in ("https://evil.example/x", "//evil.example", "javascript:alert(1)"):
        reply = caller.call("sign_in_email", {**ANN, "callbackURL": url})
        assert reply.status == 403, url
        assert reply.json == {"message": "Invalid callbackURL", "code": "INVALID_CALLBACK_URL"}
        assert reply.set_cookies == []


def test_wrong_password_and_unknown_email_answer_alike(caller, signed_up):
    caller.jar.clear()
    wrong = caller.call("sign_in_email", {**ANN, "password": "wrong-password"})
    unknown = caller.call("sign_in_email", {"email": "nobody@example.com", "password": PASSWORD})
    for reply in (wrong, unknown):
        assert reply.status == 401
        assert reply.json == INVALID
        assert reply.set_cookies == []
    assert dict(wrong.headers) == dict(unknown.headers)
    assert len(rows(caller.app, "session")) == 1


def test_user_without_a_credential_account(caller, signed_up):
    sql(caller.app, "DELETE FROM account")
    reply = caller.call("sign_in_email", ANN)
    assert (reply.status, reply.json) == (401, INVALID)


def test_credential_account_must_belong_to_the_user(caller, signed_up):
    sql(caller.app, "UPDATE account SET \"accountId\" = 'someone-else'")
    reply = caller.call("sign_in_email", ANN)
    assert (reply.status, reply.json) == (401, INVALID)


def test_credential_row_without_password(caller, signed_up):
    sql(caller.app, "UPDATE account SET password = NULL")
    reply = caller.call("sign_in_email", ANN)
    assert (reply.status, reply.json) == (401, INVALID)


def test_invalid_email(caller):
    for email in ("not-an-email", "ann@", "ann example.com"):
        reply = caller.call("sign_in_email", {"email": email, "password": PASSWORD})
        assert reply.status == 400, email
        assert reply.json == {"message": "Invalid email", "code": "INVALID_EMAIL"}


def test_password_too_long_is_refused_before_hashing(caller, signed_up):
    reply = caller.call("sign_in_email", {**ANN, "password": "x" * 129})
    assert reply.status == 400
    assert reply.json == {"message": "Password too long", "code": "PASSWORD_TOO_LONG"}


def test_no_minimum_length_on_sign_in(caller, signed_up):
    reply = caller.call("sign_in_email", {**ANN, "password": "x"})
    assert (reply.status, reply.json) == (401, INVALID)


def test_email_and_password_disabled(make_app, via):
    caller = Caller(make_app(email_and_password={"enabled": False}), via)
    reply = caller.call("sign_in_email", ANN)
    assert reply.status == 400
    assert reply.json == {
        "message": "Email and password is not enabled",
        "code": "EMAIL_PASSWORD_DISABLED",
    }


def test_unverified_email_is_refused_only_after_the_password(make_app, via):
    caller = Caller(
        make_app(email_and_password={"enabled": True, "require_email_verification": True}), via
    )
    signed = caller.call("sign_up_email", {"name": "Ann", **ANN})
    assert signed.status == 200 and signed.json["token"] is None
    wrong = caller.call("sign_in_email", {**ANN, "password": "wrong-password"})
    assert (wrong.status, wrong.json) == (401, INVALID)
    reply = caller.call("sign_in_email", ANN)
    assert reply.status == 403
    assert reply.json == {"message": "Email not verified", "code": "EMAIL_NOT_VERIFIED"}
    assert reply.set_cookies == []
    sql(caller.app, 'UPDATE "user" SET "emailVerified" = :yes', yes=True)
    assert caller.call("sign_in_email", ANN).status == 200


def test_remember_me_must_be_a_boolean(caller, signed_up):
    for remember in ("false", 0, None, "no"):
        reply = caller.call("sign_in_email", {**ANN, "rememberMe": remember})
        assert reply.status == 400, remember
        assert reply.json["code"] == "VALIDATION_ERROR"
        assert "[body.rememberMe]" in reply.json["message"]
