"""The callback's state and error redirects (spec 3.3, 4.2): every failure is a 302 to
an error URL, never a 500, and nothing is half written."""

from __future__ import annotations

from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest

from tests.helpers import Caller
from tests.helpers import rows
from tests.social.conftest import Browser
from tests.social.conftest import idp_user

ERROR = "http://localhost/api/auth/error"


@pytest.fixture
def via() -> str:
    """The callback is a browser's redirect: these run over HTTP only (the API face of
    the callback is in test_sign_in.py and test_accounts.py)."""
    return "http"


SESSION = "better-auth.session_token"


def _nothing_written(test_app):
    assert rows(test_app, "user") == [] and rows(test_app, "session") == []
    assert rows(test_app, "account") == []


def test_missing_and_unknown_state(browser, social_app):
    assert browser.callback({"code": "x"}).headers["Location"] == f"{ERROR}?error=state_not_found"
    reply = browser.callback({"code": "x", "state": "A" * 32})
    assert reply.headers["Location"] == f"{ERROR}?error=state_mismatch"
    _nothing_written(social_app)


def test_replayed_callback(browser, social_app, idp):
    idp_user(idp, "rep-1", email="rep@example.com", email_verified=True)
    started = browser.start(errorCallbackURL="/oops")
    query = browser.login(started.json["url"], "rep-1")
    jar = dict(browser.caller.jar)
    assert browser.callback(query).status == 302
    browser.caller.jar = jar  # the same cookies again
    reply = browser.callback(query)
    assert reply.headers["Location"] == f"{ERROR}?error=state_mismatch"
    assert len(rows(social_app, "session")) == 1


def test_other_browser_cannot_finish_and_owner_still_can(browser, social_app, idp):
    idp_user(idp, "ob-1", email="ob@example.com", email_verified=True)
    started = browser.start(errorCallbackURL="/oops", callbackURL="/in")
    query = browser.login(started.json["url"], "ob-1")
    other = Browser(Caller(social_app, browser.caller.via), browser.idp)
    assert other.callback(query).headers["Location"] == "/oops?error=state_mismatch"
    # A forged signature is no better.
    forged = Browser(Caller(social_app, browser.caller.via), browser.idp)
    forged.caller.jar["better-auth.state"] = query["state"] + ".AAAA"
    assert forged.callback(query).headers["Location"] == "/oops?error=state_mismatch"
    _nothing_written(social_app)
    assert browser.callback(query).headers["Location"] == "/in"


def test_expired_state(browser, social_app, idp, real_clock):
    idp_user(idp, "exp-1", email="exp@example.com", email_verified=True)
    started = browser.start(errorCallbackURL="/oops")
    query = browser.login(started.json["url"], "exp-1")
    real_clock.advance(minutes=11)
    reply = browser.callback(query)
    assert reply.headers["Location"] == f"{ERROR}?error=state_mismatch"
    _nothing_written(social_app)


def test_provider_denied(browser, social_app):
    # oidc-provider-mock's "deny" button drops the state, so the denial a provider sends
    # (RFC 6749 4.1.2.1) is written out here.
    started = browser.start(errorCallbackURL="/oops")
    state = parse_qs(urlsplit(started.json["url"]).query)["state"][0]
    query = {"state": state, "error": "access_denied", "error_description": "End-User aborted"}
    location = browser.callback(query).headers["Location"]
    assert location == "/oops?error=access_denied&error_description=End-User+aborted"
    _nothing_written(social_app)


def test_no_code_and_tampered_code(browser, social_app, idp):
    started = browser.start(errorCallbackURL="/oops")
    state = parse_qs(urlsplit(started.json["url"]).query)["state"][0]
    assert browser.callback({"state": state}).headers["Location"] == "/oops?error=no_code"
    idp_user(idp, "tc-1", email="tc@example.com", email_verified=True)
    started = browser.start(errorCallbackURL="/oops?from=x")
    query = browser.login(started.json["url"], "tc-1")
    query["code"] = query["code"] + "x"
    assert browser.callback(query).headers["Location"] == "/oops?from=x&error=invalid_code"
    _nothing_written(social_app)


def test_issuer_mismatch(browser, social_app):
    started = browser.start(errorCallbackURL="/oops")
    state = parse_qs(urlsplit(started.json["url"]).query)["state"][0]
    reply = browser.callback({"state": state, "code": "c", "iss": "https://evil.example"})
    assert reply.headers["Location"] == "/oops?error=issuer_mismatch"


def test_unknown_provider_on_callback_uses_up_the_state(browser):
    started = browser.start(errorCallbackURL="/oops")
    state = parse_qs(urlsplit(started.json["url"]).query)["state"][0]
    reply = browser.callback({"state": state, "code": "c"}, provider="nosuch")
    assert reply.headers["Location"] == "/oops?error=oauth_provider_not_found"


def test_form_post_callback_redirects_to_get(browser):
    caller = browser.caller
    if caller.via != "http":
        return
    response = caller.client.post(
        "/api/auth/callback/oidc?state=s1",
        data={"code": "c1", "state": "ignored", "other": "x"},
    )
    assert response.status_code == 302
    assert (
        response.headers["Location"] == "http://localhost/api/auth/callback/oidc?code=c1&state=s1"
    )


def test_unreachable_provider_is_an_error_redirect(make_app, real_clock, via):
    from flask_betterauth.plugins import generic_oauth
    from tests.servers import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    plugin = generic_oauth(
        config=[
            {
                "provider_id": "dead",
                "client_id": "c",
                "client_secret": "s",
                "authorization_url": f"{dead}/authorize",
                "token_url": f"{dead}/token",
                "user_info_url": f"{dead}/userinfo",
                "timeout": 1,
            }
        ]
    )
    test_app = make_app(plugins=[plugin])
    browser = Browser(Caller(test_app, via), dead)
    started = browser.start("dead", errorCallbackURL="/oops")
    state = parse_qs(urlsplit(started.json["url"]).query)["state"][0]
    reply = browser.callback({"state": state, "code": "c"}, provider="dead")
    assert reply.headers["Location"] == "/oops?error=invalid_code"
    _nothing_written(test_app)


def test_wrong_nonce_in_the_id_token(browser, social_app, idp):
    import json

    from tests.helpers import sql

    idp_user(idp, "nonce-1", email="nonce@example.com", email_verified=True)
    started = browser.start(errorCallbackURL="/oops")
    query = browser.login(started.json["url"], "nonce-1")
    (row,) = rows(social_app, "verification")
    value = json.loads(row["value"])
    value["idTokenNonce"] = "not-the-one-sent"
    sql(social_app, "UPDATE verification SET value = :v", v=json.dumps(value))
    reply = browser.callback(query)
    assert reply.headers["Location"].startswith("/oops?error=unable_to_get_user_info")
    _nothing_written(social_app)


def test_id_token_of_another_issuer_is_refused(social_app, idp):
    import dataclasses

    import pytest as _pytest

    from flask_betterauth.social.oauth import ProviderError
    from flask_betterauth.social.oauth import verify_id_token
    from flask_betterauth.social.registry import social_registry
    from tests.social.conftest import idp_tokens

    idp_user(idp, "iss-1", email="iss@example.com", email_verified=True)
    token = idp_tokens(idp, "iss-1")["id_token"]
    provider = social_registry(social_app.state).get("oidc")
    assert verify_id_token(provider, token, nonce=None)["sub"] == "iss-1"
    other = dataclasses.replace(provider, issuer="https://other.example")
    with _pytest.raises(ProviderError):
        verify_id_token(other, token, nonce=None)


def test_malformed_callback_query(browser, social_app):
    reply = browser.callback({"state": "a\x00b", "code": "c"})
    assert reply.headers["Location"] == f"{ERROR}?error=invalid_callback_request"
    _nothing_written(social_app)
