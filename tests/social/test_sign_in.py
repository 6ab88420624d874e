"""``POST /sign-in/social`` and the callback against a real OpenID Connect provider."""

from __future__ import annotations

import json
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pytest

from tests.conftest import database_url  # noqa: F401  (SQLite and PostgreSQL here)
from tests.helpers import PASSWORD
from tests.helpers import rows
from tests.social.conftest import idp_user

STATE = "better-auth.state"
SESSION = "better-auth.session_token"


def test_authorization_url_state_and_cookie(browser, social_app, idp):
    reply = browser.start(callbackURL="/dash", errorCallbackURL="/oops", loginHint="a@b.c")
    url = reply.json["url"]
    assert reply.json["redirect"] is True
    assert reply.headers["Location"] == url
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == idp
    keys = [pair.split("=", 1)[0] for pair in parts.query.split("&")]
    assert keys == [
        "response_type",
        "client_id",
        "state",
        "scope",
        "redirect_uri",
        "login_hint",
        "nonce",
        "code_challenge_method",
        "code_challenge",
    ]
    query = parse_qs(parts.query)
    assert query["scope"] == ["openid email profile"]
    assert query["redirect_uri"] == ["http://localhost/api/auth/callback/oidc"]
    state = query["state"][0]
    assert len(state) == 32 and len(query["nonce"][0]) == 32
    cookie = next(line for line in reply.set_cookies if line.startswith(STATE + "="))
    assert "Max-Age=300" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    (row,) = rows(social_app, "verification")
    assert state not in row["identifier"]  # only the state's hash is stored
    value = json.loads(row["value"])
    assert value["callbackURL"] == "/dash" and value["errorURL"] == "/oops"
    assert value["oauthState"] == state and len(value["codeVerifier"]) == 128


def test_disable_redirect_and_scopes(browser):
    reply = browser.start(disableRedirect=True, scopes=["offline_access"])
    assert reply.json["redirect"] is False
    assert "Location" not in reply.headers
    scope = parse_qs(urlsplit(reply.json["url"]).query)["scope"][0]
    assert scope == "offline_access openid email profile"


def test_unknown_provider_and_bad_bodies(browser):
    caller = browser.caller
    reply = caller.call("sign_in_social", {"provider": "nosuch"})
    assert (reply.status, reply.json["code"]) == (404, "PROVIDER_NOT_FOUND")
    assert caller.call("sign_in_social", {}).json["code"] == "VALIDATION_ERROR"
    reply = caller.call("sign_in_social", {"provider": "oidc", "additionalParams": {"state": "x"}})
    assert reply.status == 400
    assert "reserved OAuth parameters" in reply.json["message"]


def test_foreign_callback_urls_refused(browser, social_app):
    caller = browser.caller
    for field, code in (
        ("callbackURL", "INVALID_CALLBACK_URL"),
        ("errorCallbackURL", "INVALID_ERROR_CALLBACK_URL"),
        ("newUserCallbackURL", "INVALID_NEW_USER_CALLBACK_URL"),
    ):
        reply = caller.call("sign_in_social", {"provider": "oidc", field: "https://evil.example/x"})
        assert (reply.status, reply.json["code"]) == (403, code)
        assert reply.set_cookies == []
    assert rows(social_app, "verification") == []


def test_new_user_signs_in(browser, social_app, idp):
    idp_user(idp, "new-1", email="New@Example.com", email_verified=True, name="New One")
    reply = browser.sign_in("new-1", callbackURL="/dash", newUserCallbackURL="/welcome")
    assert reply.status == 302
    assert reply.headers["Location"] == "/welcome"
    assert any(line.startswith(f"{STATE}=;") and "Max-Age=0" in line for line in reply.set_cookies)
    assert browser.caller.jar.get(SESSION)
    session = browser.caller.call("get_session").json
    assert session["user"]["email"] == "new@example.com"
    assert session["user"]["name"] == "New One" and session["user"]["emailVerified"] is True
    (account,) = [a for a in rows(social_app, "account") if a["providerId"] == "oidc"]
    assert account["accountId"] == "new-1"
    assert account["accessToken"] and account["idToken"]
    assert account["scope"] == "openid,email,profile"
    assert rows(social_app, "verification") == []
    # The same person again: no second user, the plain callback URL.
    browser.caller.call("sign_out", {})
    again = browser.sign_in("new-1", callbackURL="/dash", newUserCallbackURL="/welcome")
    assert again.headers["Location"] == "/dash"
    assert len(rows(social_app, "user")) == 1


def test_default_callback_is_the_origin(browser, idp):
    idp_user(idp, "def-1", email="def@example.com", email_verified=True)
    reply = browser.sign_in("def-1")
    assert reply.headers["Location"] == "http://localhost"


def test_unverified_idp_email_makes_unverified_user(browser, idp):
    idp_user(idp, "unv-1", email="unv@example.com", email_verified=False)
    browser.sign_in("unv-1")
    assert browser.caller.call("get_session").json["user"]["emailVerified"] is False


def test_list_accounts_shows_scopes_not_tokens(browser, idp):
    idp_user(idp, "list-1", email="list@example.com", email_verified=True)
    browser.sign_in("list-1")
    (account,) = browser.caller.call("list_user_accounts").json
    assert account["providerId"] == "oidc" and account["scopes"] == ["openid", "email", "profile"]
    assert "accessToken" not in account and "idToken" not in account


def test_implicit_linking_rules(browser, social_app, idp):
    caller = browser.caller
    # A verified IdP e-mail does not link to an unverified local user.
    caller.call("sign_up_email", {"name": "Pat", "email": "pat@example.com", "password": PASSWORD})
    caller.call("sign_out", {})
    idp_user(idp, "pat-1", email="pat@example.com", email_verified=True)
    reply = browser.sign_in("pat-1", errorCallbackURL="/oops")
    assert reply.headers["Location"] == "/oops?error=account_not_linked"
    assert SESSION not in caller.jar
    # Once the local address is verified, it links, and the user keeps their name.
    from tests.helpers import sql

    sql(social_app, 'UPDATE "user" SET "emailVerified" = true')
    reply = browser.sign_in("pat-1", callbackURL="/in", newUserCallbackURL="/new")
    assert reply.headers["Location"] == "/in"
    assert caller.call("get_session").json["user"]["name"] == "Pat"
    providers = sorted(a["providerId"] for a in rows(social_app, "account"))
    assert providers == ["credential", "oidc"]


def test_unverified_idp_email_never_links(browser, social_app, idp):
    from tests.helpers import sql

    caller = browser.caller
    caller.call("sign_up_email", {"name": "Q", "email": "q@example.com", "password": PASSWORD})
    caller.call("sign_out", {})
    sql(social_app, 'UPDATE "user" SET "emailVerified" = true')
    idp_user(idp, "q-1", email="q@example.com", email_verified=False)
    reply = browser.sign_in("q-1")
    assert reply.headers["Location"] == "http://localhost/api/auth/error?error=account_not_linked"


def test_sign_in_social_is_rate_limited_like_sign_in(make_app, idp, real_clock):
    from tests.helpers import Caller
    from tests.social.conftest import oidc_plugin

    test_app = make_app(plugins=[oidc_plugin(idp)], rate_limit={"enabled": True})
    caller = Caller(test_app, "http")
    statuses = [caller.call("sign_in_social", {"provider": "oidc"}).status for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_additional_data_cannot_set_the_flow_urls(browser, social_app, idp):
    idp_user(idp, "ad-1", email="ad@example.com", email_verified=True)
    extra = {"errorURL": "https://evil.example/", "callbackURL": "https://evil.example/", "k": 1}
    started = browser.start(additionalData=extra)
    (row,) = rows(social_app, "verification")
    value = json.loads(row["value"])
    assert "errorURL" not in value and value["callbackURL"] == "http://localhost"
    assert value["k"] == 1
    reply = browser.callback(browser.login(started.json["url"], "ad-1"))
    assert reply.headers["Location"] == "http://localhost"


def _race(test_app, requests_to_send):
    """Send each ``(path, cookie)`` GET from its own thread at once; the Location of each."""
    import threading

    barrier = threading.Barrier(len(requests_to_send))
    found: list[str] = []
    lock = threading.Lock()

    def send(path: str, cookie: str) -> None:
        client = test_app.app.test_client(use_cookies=False)
        barrier.wait()
        reply = client.get(path, headers={"Cookie": cookie})
        assert reply.status_code == 302, reply.status_code
        with lock:
            found.append(reply.headers["Location"])

    threads = [threading.Thread(target=send, args=item) for item in requests_to_send]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return found


def _prepared_callback(browser, sub):
    from urllib.parse import urlencode

    started = browser.start(callbackURL="/in", errorCallbackURL="/oops")
    query = browser.login(started.json["url"], sub)
    cookie = "; ".join(f"{k}={v}" for k, v in browser.caller.jar.items())
    return f"/api/auth/callback/oidc?{urlencode(query)}", cookie


@pytest.mark.postgres
def test_racing_callbacks_sign_in_once(browser, social_app, idp, database_url):  # noqa: F811
    if not database_url.startswith("postgresql") or browser.caller.via != "http":
        pytest.skip("threads against PostgreSQL, over HTTP")
    from tests.helpers import Caller
    from tests.social.conftest import Browser

    idp_user(idp, "race-1", email="race@example.com", email_verified=True)
    # One callback sent four times at once: the state is used once.
    path, cookie = _prepared_callback(browser, "race-1")
    found = _race(social_app, [(path, cookie)] * 4)
    # A loser that read the row before the winner deleted it knows the flow's error URL.
    lost = {"/oops?error=state_mismatch", "http://localhost/api/auth/error?error=state_mismatch"}
    assert found.count("/in") == 1 and all(f in lost for f in found if f != "/in")
    assert len(rows(social_app, "session")) == 1
    # Two browsers' flows for one new account at once: one user, one account.
    idp_user(idp, "race-2", email="race2@example.com", email_verified=True)
    first = _prepared_callback(Browser(Caller(social_app, "http"), idp), "race-2")
    second = _prepared_callback(Browser(Caller(social_app, "http"), idp), "race-2")
    found = _race(social_app, [first, second])
    assert "/in" in found
    assert all(location in ("/in", "/oops?error=unable_to_create_user") for location in found)
    users = [u for u in rows(social_app, "user") if u["email"] == "race2@example.com"]
    accounts = [a for a in rows(social_app, "account") if a["accountId"] == "race-2"]
    assert len(users) == 1 and len(accounts) == 1
