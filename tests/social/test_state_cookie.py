"""``account.store_state_strategy="cookie"`` (spec 3.2, Better Auth 1.7.24's
``generateGenericState``/``parseGenericState``): the whole state in the encrypted
``oauth_state`` cookie, no verification row; every bad cookie is an exact redirect."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import unquote
from urllib.parse import urlsplit

import pytest

from flask_betterauth.errors import BetterAuthError
from flask_betterauth.errors import NotBuiltError
from flask_betterauth.symmetric import purpose_secret
from flask_betterauth.symmetric import symmetric_decrypt
from tests.helpers import SECRET
from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import TestApp
from tests.helpers import rows
from tests.social.conftest import Browser
from tests.social.conftest import idp_user
from tests.social.conftest import oidc_plugin

ERROR = "http://localhost/api/auth/error"
COOKIE = "better-auth.oauth_state"
SESSION = "better-auth.session_token"

#: Made by Better Auth 1.7.24 itself (``symmetricEncrypt`` with
#: ``derivePurposeKey(SECRET, "oauth-state-cookie")``) from
#: ``{"callbackURL":"/dash","codeVerifier":"v"*128,"errorURL":"/oops",
#: "newUserURL":"/new","expiresAt":4102444800000,"oauthState":MADE_STATE}``.
MADE_STATE = "BetterAuthMadeThisState000000000"
MADE_COOKIE = (
    "462cc9ecde0684de6aa7dcc559a66cfa4f104a5496184b691368f378b5f5ad7cc0c4c5288d7d9a0072595cd6"
    "c033e66b4989a3ad16112cdb198371b41b762ab5908b90c93e6bc436a960e3b89fd9913d9be555aa56dc2711"
    "8511012ede2559254b8e4e83c18e4b0c8601f495975338c84358662ced1e967ffff2a581a11a1821a2d6929e"
    "121e0f167514a1684a821070beaa441bd61ba39dd0c7452998add6c9c32d07ccefba1238642e6aa37a05a19e"
    "ef192838a46087d79db14e04b1af2da7ef4a0b61251180478bfc94e85df46f5f07e2e158c0ae9bc9d0fdd925"
    "c8954883a4467d87fa6a059d01b173f856121004faeeee87cf1170a2e2771e0d7ecfc92c30f4c755ed578a81"
    "ec9ea3ff1f5cefa12b990517acf0a2507d8463358ea3c30a377c3da58e99cfd64306a628c7a3bb2eb59175ce"
    "098cbd70e2f07373b7e5dd0a99dd"
)


@pytest.fixture
def cookie_app(make_app: Any, idp: str, real_clock: Clock) -> TestApp:
    """The test provider as ``oidc``, the state in the cookie."""
    return make_app(plugins=[oidc_plugin(idp)], account={"store_state_strategy": "cookie"})


def _browser(test_app: TestApp, via: str, idp: str) -> Browser:
    return Browser(Caller(test_app, via), idp)


def _state(started: Any) -> str:
    return str(parse_qs(urlsplit(started.json["url"]).query)["state"][0])


def _set_cookies(reply: Any) -> list[str]:
    return list(reply.headers.getlist("Set-Cookie"))


def _nothing_written(test_app: TestApp) -> None:
    assert rows(test_app, "user") == [] and rows(test_app, "session") == []
    assert rows(test_app, "account") == [] and rows(test_app, "verification") == []


def test_sign_in_with_the_state_in_a_cookie(cookie_app, via, idp):
    idp_user(idp, "ck-1", email="ck@example.com", email_verified=True, name="Cookie Person")
    browser = _browser(cookie_app, via, idp)
    started = browser.start(callbackURL="/in", newUserCallbackURL="/welcome")
    (line,) = _set_cookies(started)
    value = line.split(";")[0].split("=", 1)[1]
    assert line.startswith(f"{COOKIE}={value}; Max-Age=600; Path=/; HttpOnly; SameSite=Lax")
    assert len(value) > 200 and all(c in "0123456789abcdef" for c in value)
    assert "better-auth.state" not in browser.caller.jar
    assert rows(cookie_app, "verification") == []  # no row: the cookie is the state
    reply = browser.callback(browser.login(started.json["url"], "ck-1"))
    assert reply.status == 302 and reply.headers["Location"] == "/welcome"
    assert f"{COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax" in _set_cookies(reply)
    assert COOKIE not in browser.caller.jar and SESSION in browser.caller.jar
    assert [u["email"] for u in rows(cookie_app, "user")] == ["ck@example.com"]
    assert rows(cookie_app, "verification") == []
    # Signing in again finds the account: callbackURL, one user.
    again = browser.sign_in("ck-1", callbackURL="/in", newUserCallbackURL="/welcome")
    assert again.headers["Location"] == "/in" and len(rows(cookie_app, "user")) == 1


def test_no_cookie_is_a_mismatch_and_the_owner_still_finishes(cookie_app, idp):
    idp_user(idp, "ck-2", email="ck2@example.com", email_verified=True)
    browser = _browser(cookie_app, "http", idp)
    started = browser.start(callbackURL="/in", errorCallbackURL="/oops")
    query = browser.login(started.json["url"], "ck-2")
    other = _browser(cookie_app, "http", idp)
    # Without the cookie there is no flow to name an error URL: the default one.
    assert other.callback(query).headers["Location"] == f"{ERROR}?error=state_mismatch"
    _nothing_written(cookie_app)
    assert browser.callback(query).headers["Location"] == "/in"


def test_tampered_and_garbage_cookies_are_invalid(cookie_app, idp):
    browser = _browser(cookie_app, "http", idp)
    started = browser.start(errorCallbackURL="/oops")
    state = _state(started)
    sealed = browser.caller.jar[COOKIE]
    flipped = sealed[:-1] + ("0" if sealed[-1] != "0" else "1")
    for bad in (flipped, "not-hex-at-all", sealed[:40]):
        browser.caller.jar[COOKIE] = bad
        reply = browser.callback({"state": state, "code": "c"})
        assert reply.headers["Location"] == f"{ERROR}?error=state_invalid"
        assert not any(c.startswith(f"{COOKIE}=;") for c in _set_cookies(reply))
    _nothing_written(cookie_app)


def test_a_cookie_sealed_with_another_secret_or_purpose_is_invalid(cookie_app, idp):
    from flask_betterauth.symmetric import symmetric_encrypt

    browser = _browser(cookie_app, "http", idp)
    text = '{"callbackURL":"/","codeVerifier":"v","expiresAt":4102444800000,"oauthState":"S"}'
    for secret in (SECRET, purpose_secret(SECRET, "oauth-link-session-token")):
        browser.caller.jar[COOKIE] = symmetric_encrypt(secret, text)
        reply = browser.callback({"state": "S", "code": "c"})
        assert reply.headers["Location"] == f"{ERROR}?error=state_invalid"
    # The right key but not a state (no codeVerifier): invalid too.
    key = purpose_secret(SECRET, "oauth-state-cookie")
    browser.caller.jar[COOKIE] = symmetric_encrypt(key, '{"callbackURL":"/","expiresAt":1}')
    reply = browser.callback({"state": "S", "code": "c"})
    assert reply.headers["Location"] == f"{ERROR}?error=state_invalid"


def test_foreign_state_goes_to_the_cookies_flow_error_url(cookie_app, idp):
    mine = _browser(cookie_app, "http", idp)
    mine.start(errorCallbackURL="/mine-oops")
    theirs = _browser(cookie_app, "http", idp)
    their_state = _state(theirs.start(errorCallbackURL="/their-oops"))
    # A callback carrying someone else's state, in my browser: my flow's error URL, and
    # my cookie stays (Better Auth expires it only once it matched).
    reply = mine.callback({"state": their_state, "code": "c"})
    assert reply.headers["Location"] == "/mine-oops?error=state_mismatch"
    assert not any(c.startswith(f"{COOKIE}=;") for c in _set_cookies(reply))
    assert COOKIE in mine.caller.jar
    _nothing_written(cookie_app)


def test_expired_cookie_state(cookie_app, idp, real_clock):
    idp_user(idp, "ck-3", email="ck3@example.com", email_verified=True)
    browser = _browser(cookie_app, "http", idp)
    started = browser.start(errorCallbackURL="/oops")
    query = browser.login(started.json["url"], "ck-3")
    real_clock.advance(minutes=11)
    reply = browser.callback(query)
    assert reply.headers["Location"] == "/oops?error=state_mismatch"
    assert f"{COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax" in _set_cookies(reply)
    _nothing_written(cookie_app)


def test_replayed_cookie_and_callback(cookie_app, idp):
    """What is left against a replay without a row: the browser drops the cookie, and a
    copied cookie plus callback URL meets the provider's single-use code."""
    idp_user(idp, "ck-4", email="ck4@example.com", email_verified=True)
    browser = _browser(cookie_app, "http", idp)
    started = browser.start(callbackURL="/in", errorCallbackURL="/oops")
    query = browser.login(started.json["url"], "ck-4")
    copied = dict(browser.caller.jar)
    assert browser.callback(query).headers["Location"] == "/in"
    # The same browser again: its cookie is gone, so there is no flow.
    reply = browser.callback(query)
    assert reply.headers["Location"] == f"{ERROR}?error=state_mismatch"
    # An attacker with a copy of the cookie and the URL: the code is used up.
    thief = _browser(cookie_app, "http", idp)
    thief.caller.jar = {COOKIE: copied[COOKIE]}
    reply = thief.callback(query)
    assert reply.headers["Location"] == "/oops?error=invalid_code"
    assert SESSION not in thief.caller.jar
    assert len(rows(cookie_app, "session")) == 1


def test_a_state_cookie_better_auth_made_is_read(cookie_app, idp):
    browser = _browser(cookie_app, "http", idp)
    browser.caller.jar[COOKIE] = MADE_COOKIE
    # The state checks out (its errorURL is used), then the provider step fails: the
    # test provider binds ID tokens to a nonce, which this state does not carry.
    reply = browser.callback({"state": MADE_STATE, "code": "c"})
    assert reply.headers["Location"] == "/oops?error=nonce_binding_missing"
    assert f"{COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax" in _set_cookies(reply)
    reply = browser.callback({"state": "B" * 32, "code": "c"})
    assert reply.headers["Location"] == f"{ERROR}?error=state_mismatch"


def test_link_social_with_the_state_in_a_cookie(cookie_app, idp):
    idp_user(idp, "ck-5", email="ck5@example.com", email_verified=True)
    browser = _browser(cookie_app, "http", idp)
    signed_up = browser.caller.call(
        "sign_up_email", {"email": "ck5@example.com", "password": "a-long-password", "name": "L"}
    )
    assert signed_up.status == 200
    started = browser.start(link=True, callbackURL="/linked")
    assert rows(cookie_app, "verification") == []
    # The link carries the session token under Better Auth's link purpose key.
    state_key = purpose_secret(SECRET, "oauth-state-cookie")
    flow = json.loads(symmetric_decrypt(state_key, browser.caller.jar[COOKIE]))
    link_key = purpose_secret(SECRET, "oauth-link-session-token")
    token = symmetric_decrypt(link_key, flow["link"]["encryptedSessionToken"])
    assert token == unquote(browser.caller.jar[SESSION]).rsplit(".", 1)[0]
    reply = browser.callback(browser.login(started.json["url"], "ck-5"))
    assert reply.headers["Location"] == "/linked"
    providers = sorted(a["providerId"] for a in rows(cookie_app, "account"))
    assert providers == ["credential", "oidc"]


def test_an_oversized_state_cookie_is_logged(cookie_app, idp, caplog):
    browser = _browser(cookie_app, "http", idp)
    with caplog.at_level("WARNING", logger="flask_betterauth"):
        browser.start(additionalData={"cart": "x" * 1500})
    assert caplog.records == []
    with caplog.at_level("WARNING", logger="flask_betterauth"):
        browser.start(additionalData={"cart": "x" * 2000})
    (record,) = caplog.records
    assert "over the 4096 browsers keep" in record.getMessage()


def test_purpose_secret_matches_better_auth():
    # derivePurposeKey("a-test-secret-that-is-long-enough-123", "oauth-state-cookie"),
    # computed with @noble/hashes' hkdf as Better Auth 1.7.24 does.
    expected = "2e06490bca54453068d2f96c2130331ecd0e996c78299d33e7c663ca200d1fd8"
    assert purpose_secret("a-test-secret-that-is-long-enough-123", "oauth-state-cookie") == (
        expected
    )


def test_state_strategy_options(make_app):
    with pytest.raises(BetterAuthError, match="store_state_strategy"):
        make_app(account={"store_state_strategy": "memory"})
    with pytest.raises(NotBuiltError, match="store_account_cookie"):
        make_app(account={"store_account_cookie": True})


def test_sign_out_expires_the_oauth_state_cookie_it_was_sent(cookie_app, via, idp):
    """Better Auth 1.7.24's ``deleteSessionCookie`` expires ``oauth_state`` under the
    cookie strategy; here only when the request carried one."""
    idp_user(idp, "ck-out", email="out@example.com", email_verified=True)
    browser = _browser(cookie_app, via, idp)
    browser.sign_in("ck-out", callbackURL="/in")
    assert SESSION in browser.caller.jar and COOKIE not in browser.caller.jar
    # A cookie never sent is not expired.
    plain = browser.caller.call("sign_out", {})
    assert plain.json == {"success": True}
    assert not [c for c in _set_cookies(plain) if c.startswith(f"{COOKIE}=")]
    browser.sign_in("ck-out", callbackURL="/in")
    browser.start(callbackURL="/in")  # a flow left unfinished: its cookie is in the jar
    assert COOKIE in browser.caller.jar
    reply = browser.caller.call("sign_out", {})
    assert reply.json == {"success": True}
    assert f"{COOKIE}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax" in _set_cookies(reply)
    assert COOKIE not in browser.caller.jar


def test_sign_out_leaves_oauth_state_alone_under_the_database_strategy(make_app, idp):
    test_app = make_app(plugins=[oidc_plugin(idp)])
    idp_user(idp, "db-out", email="dbout@example.com", email_verified=True)
    browser = _browser(test_app, "http", idp)
    browser.sign_in("db-out", callbackURL="/in")
    browser.caller.jar[COOKIE] = "anything"
    reply = browser.caller.call("sign_out", {})
    assert reply.json == {"success": True}
    assert not [c for c in _set_cookies(reply) if c.startswith(f"{COOKIE}=")]
