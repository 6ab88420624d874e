"""Linking, unlinking, provider tokens (spec 6 to 8) and ID-token sign-in (2.4)."""

from __future__ import annotations

import base64
import json

from tests.helpers import PASSWORD
from tests.helpers import rows
from tests.helpers import sql
from tests.social.conftest import CLIENT_ID
from tests.social.conftest import idp_tokens
from tests.social.conftest import idp_user

SESSION = "better-auth.session_token"


def _local_user(browser, social_app, email="lin@example.com"):
    caller = browser.caller
    caller.call("sign_up_email", {"name": "Lin", "email": email, "password": PASSWORD})
    sql(social_app, 'UPDATE "user" SET "emailVerified" = true')


def _add_password(test_app, user_id):
    with test_app.app.app_context():
        test_app.state.accounts.create_credential(user_id, "not-a-real-hash")


def test_link_social_links_to_the_signed_in_user(browser, social_app, idp):
    _local_user(browser, social_app)
    idp_user(idp, "lin-1", email="lin@example.com", email_verified=True)
    token_before = browser.caller.jar[SESSION]
    started = browser.start(link=True, callbackURL="/linked")
    reply = browser.callback(browser.login(started.json["url"], "lin-1"))
    assert reply.headers["Location"] == "/linked"
    assert not any(line.startswith(SESSION + "=") for line in reply.set_cookies)
    assert browser.caller.jar[SESSION] == token_before
    listed = browser.caller.call("list_user_accounts").json
    assert sorted(a["providerId"] for a in listed) == ["credential", "oidc"]


def test_link_requires_a_session_and_matching_email(browser, social_app, idp):
    caller = browser.caller
    reply = caller.call("link_social", {"provider": "oidc"})
    assert (reply.status, reply.json["code"]) == (401, "UNAUTHORIZED")
    _local_user(browser, social_app)
    idp_user(idp, "other-1", email="other@example.com", email_verified=True)
    started = browser.start(link=True, errorCallbackURL="/oops")
    reply = browser.callback(browser.login(started.json["url"], "other-1"))
    assert reply.headers["Location"] == "/oops?error=email_does_not_match"
    idp_user(idp, "unv-2", email="lin@example.com", email_verified=False)
    started = browser.start(link=True, errorCallbackURL="/oops")
    reply = browser.callback(browser.login(started.json["url"], "unv-2"))
    assert reply.headers["Location"] == "/oops?error=unable_to_link_account"
    assert [a["providerId"] for a in rows(social_app, "account")] == ["credential"]


def test_link_after_sign_out_is_refused(browser, social_app, idp):
    _local_user(browser, social_app)
    idp_user(idp, "lin-3", email="lin@example.com", email_verified=True)
    started = browser.start(link=True, errorCallbackURL="/oops")
    query = browser.login(started.json["url"], "lin-3")
    state_cookie = browser.caller.jar["better-auth.state"]
    browser.caller.call("sign_out", {})
    browser.caller.jar["better-auth.state"] = state_cookie
    reply = browser.callback(query)
    assert reply.headers["Location"] == "/oops?error=unable_to_link_account"


def test_unlink_rules(browser, social_app, idp):
    caller = browser.caller
    idp_user(idp, "un-1", email="un@example.com", email_verified=True)
    browser.sign_in("un-1")
    (only,) = caller.call("list_user_accounts").json
    reply = caller.call("unlink_account", {"accountId": "nosuch"})
    assert (reply.status, reply.json["code"]) == (400, "FAILED_TO_UNLINK_LAST_ACCOUNT")
    assert caller.call("unlink_account", {"providerId": "oidc"}).json["code"] == "VALIDATION_ERROR"
    _add_password(social_app, only["userId"])
    reply = caller.call("unlink_account", {"accountId": "nosuch"})
    assert (reply.status, reply.json["code"]) == (400, "ACCOUNT_NOT_FOUND")
    assert caller.call("unlink_account", {"accountId": only["id"]}).json == {"status": True}
    assert [a["providerId"] for a in caller.call("list_user_accounts").json] == ["credential"]


def test_get_access_token_refreshes_when_due(basic_browser, idp, real_clock):
    browser = basic_browser
    social_app = browser.caller.app
    caller = browser.caller
    idp_user(idp, "tok-1", email="tok@example.com", email_verified=True)
    browser.sign_in("tok-1", scopes=["offline_access"])
    (account,) = caller.call("list_user_accounts").json
    first = caller.call("get_access_token", {"accountId": account["id"]})
    assert first.status == 200, first.json
    stored = rows(social_app, "account")[0]
    assert first.json["accessToken"] == stored["accessToken"]
    assert first.json["scopes"] == account["scopes"] and first.json["idToken"]
    real_clock.advance(hours=2)
    caller.call("sign_in_email", {"email": "x@example.com", "password": PASSWORD})  # noise
    second = caller.call("get_access_token", {"accountId": account["id"]})
    assert second.status == 200, second.json
    assert second.json["accessToken"] != first.json["accessToken"]
    assert rows(social_app, "account")[0]["accessToken"] == second.json["accessToken"]


def test_token_endpoints_errors(browser, social_app, idp):
    caller = browser.caller
    assert caller.call("get_access_token", {"accountId": "x"}).status == 401
    idp_user(idp, "tok-2", email="tok2@example.com", email_verified=True)
    browser.sign_in("tok-2")
    reply = caller.call("get_access_token", {"accountId": "nosuch"})
    assert (reply.status, reply.json["code"]) == (400, "ACCOUNT_NOT_FOUND")
    assert (
        caller.call("get_access_token", {"providerId": "oidc"}).json["code"] == "VALIDATION_ERROR"
    )
    _add_password(social_app, caller.call("get_session").json["user"]["id"])
    credential = next(
        a for a in caller.call("list_user_accounts").json if a["providerId"] == "credential"
    )
    reply = caller.call("refresh_token", {"accountId": credential["id"]})
    assert (reply.status, reply.json["code"]) == (400, "TOKEN_REFRESH_NOT_SUPPORTED")


def test_refresh_token_and_account_info(basic_browser, idp):
    browser = basic_browser
    social_app = browser.caller.app
    caller = browser.caller
    idp_user(idp, "ref-1", email="ref@example.com", email_verified=True, name="Ref")
    browser.sign_in("ref-1", scopes=["offline_access"])
    (account,) = caller.call("list_user_accounts").json
    before = rows(social_app, "account")[0]
    reply = caller.call("refresh_token", {"accountId": account["id"]})
    assert reply.status == 200, reply.json
    assert reply.json["accessToken"] != before["accessToken"]
    assert reply.json["providerId"] == "oidc" and reply.json["accountId"] == account["id"]
    assert reply.json["scope"] == before["scope"]
    info = caller.call("account_info", query={"accountId": account["id"]})
    assert info.status == 200, info.json
    assert info.json["user"]["email"] == "ref@example.com"
    assert info.json["account"] == {"id": account["id"], "providerId": "oidc", "accountId": "ref-1"}


def test_encrypted_tokens_at_rest(make_app, idp, real_clock, via):
    from tests.helpers import Caller
    from tests.social.conftest import Browser
    from tests.social.conftest import oidc_plugin

    test_app = make_app(
        plugins=[oidc_plugin(idp, authentication="basic")], account={"encrypt_oauth_tokens": True}
    )
    browser = Browser(Caller(test_app, via), idp)
    idp_user(idp, "enc-1", email="enc@example.com", email_verified=True)
    browser.sign_in("enc-1", scopes=["offline_access"])
    stored = rows(test_app, "account")[0]
    (account,) = browser.caller.call("list_user_accounts").json
    clear = browser.caller.call("get_access_token", {"accountId": account["id"]}).json[
        "accessToken"
    ]
    assert stored["accessToken"] != clear and len(stored["accessToken"]) > 80
    int(stored["accessToken"], 16)  # the hex envelope
    assert stored["idToken"].count(".") == 2  # ID tokens stay plain
    refreshed = browser.caller.call("refresh_token", {"accountId": account["id"]})
    assert refreshed.status == 200, refreshed.json
    # A plain token (written before the option was on) is still read.
    sql(test_app, 'UPDATE "account" SET "accessToken" = :t', t="plain-token")
    again = browser.caller.call("get_access_token", {"accountId": account["id"]})
    assert again.json["accessToken"] == "plain-token"


def test_id_token_sign_in(browser, social_app, idp):
    idp_user(idp, "idt-1", email="idt@example.com", email_verified=True, name="Id T")
    tokens = idp_tokens(idp, "idt-1", nonce="n-123")
    body = {"provider": "oidc", "idToken": {"token": tokens["id_token"], "nonce": "n-123"}}
    reply = browser.caller.call("sign_in_social", body)
    assert reply.status == 200, reply.json
    assert reply.json["redirect"] is False and reply.json["token"]
    assert "url" not in reply.json
    assert reply.json["user"]["email"] == "idt@example.com"
    assert browser.caller.call("get_session").json["user"]["name"] == "Id T"


def _tamper(token: str) -> str:
    head, payload, sig = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["email"] = "evil@example.com"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{forged}.{sig}"


def test_id_token_rejected(browser, social_app, idp, real_clock):
    caller = browser.caller
    idp_user(idp, "idt-2", email="idt2@example.com", email_verified=True)
    tokens = idp_tokens(idp, "idt-2", nonce="right")
    for token, nonce in (
        (tokens["id_token"], "wrong"),
        (_tamper(tokens["id_token"]), "right"),
        ("garbage", None),
        (idp_tokens(idp, "idt-2", client_id="someone-else")["id_token"], None),
    ):
        id_token = {"token": token, **({"nonce": nonce} if nonce else {})}
        reply = caller.call("sign_in_social", {"provider": "oidc", "idToken": id_token})
        assert (reply.status, reply.json["code"]) == (401, "INVALID_TOKEN"), token
    real_clock.advance(hours=2)
    reply = caller.call(
        "sign_in_social", {"provider": "oidc", "idToken": {"token": tokens["id_token"]}}
    )
    assert (reply.status, reply.json["code"]) == (401, "INVALID_TOKEN")
    assert rows(social_app, "user") == []
    assert CLIENT_ID
