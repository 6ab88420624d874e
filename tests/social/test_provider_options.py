"""Provider options with behaviour of their own: ``require_email_verification`` (on the
callback and on ID-token sign-in) and Apple's client secret made from the app's key."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey
from joserfc.jwk import RSAKey

from flask_betterauth.errors import BetterAuthError
from flask_betterauth.social import apple as apple_module
from flask_betterauth.social import oauth
from flask_betterauth.social.builtin import BUILT_IN
from flask_betterauth.social.providers import ProviderOptions
from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import rows
from tests.helpers import set_clock
from tests.social import provider_fakes
from tests.social.conftest import Browser
from tests.social.provider_fakes import requests_for


@pytest.fixture(scope="module")
def fake() -> Iterator[str]:
    yield from provider_fakes.serve()


# -- require_email_verification -------------------------------------------------------


def _app(make_app: Any, base: str, sent: list[str], **verification: Any) -> Any:
    atlassian = {
        "client_id": "atlassian-client",
        "client_secret": "shh",
        "token_endpoint": f"{base}/token/atlassian",
        "user_info_endpoint": f"{base}/userinfo/atlassian",
        "require_email_verification": True,
        "timeout": 3,
    }
    return make_app(
        social_providers={"atlassian": atlassian},
        email_verification={
            "send_verification_email": lambda user, url, token: sent.append(user.email),
            **verification,
        },
    )


def _come_back(test_app: Any, via: str, base: str) -> str:
    browser = Browser(Caller(test_app, via), base)
    started = browser.start("atlassian", callbackURL="/in", errorCallbackURL="/oops")
    state = dict(parse_qsl(urlsplit(started.json["url"]).query))["state"]
    reply = browser.callback({"code": "c", "state": state}, provider="atlassian")
    if reply.headers["Location"] == "/in":
        assert browser.caller.call("get_session").json["user"]["email"] == "at@example.com"
    else:
        assert browser.caller.call("get_session").json is None
    return str(reply.headers["Location"])


def test_unverified_email_gets_no_session(make_app, fake, via, real_clock):
    sent: list[str] = []
    test_app = _app(make_app, fake, sent, send_on_sign_in=True)
    # Atlassian never says an e-mail is verified: the user and account are made...
    assert _come_back(test_app, via, fake) == "/oops?error=email_not_verified"
    (user,) = rows(test_app, "user")
    assert user["email"] == "at@example.com" and not user["emailVerified"]
    assert [a["accountId"] for a in rows(test_app, "account")] == ["at-10"]
    assert rows(test_app, "session") == []
    assert sent == ["at@example.com"]  # ...and mailed a link (send_on_sign_up: unset)
    # A returning unverified user is refused again, with a new link (send_on_sign_in).
    assert _come_back(test_app, via, fake) == "/oops?error=email_not_verified"
    assert sent == ["at@example.com"] * 2
    # Verified locally (by that link, say): the provider's claim no longer matters.
    with test_app.app.app_context():
        test_app.auth.state.adapter.update_many("user", {"id": user["id"]}, {"emailVerified": True})
    assert _come_back(test_app, via, fake) == "/in"
    assert len(rows(test_app, "session")) == 1


def test_without_the_option_unverified_users_sign_in(make_app, fake, real_clock):
    sent: list[str] = []
    test_app = make_app(
        social_providers={
            "atlassian": {
                "client_id": "atlassian-client",
                "client_secret": "shh",
                "token_endpoint": f"{fake}/token/atlassian",
                "user_info_endpoint": f"{fake}/userinfo/atlassian",
            }
        },
        email_verification={
            "send_verification_email": lambda user, url, token: sent.append(user.email),
            "send_on_sign_up": True,
        },
    )
    browser = Browser(Caller(test_app, "http"), fake)
    started = browser.start("atlassian", callbackURL="/in")
    state = dict(parse_qsl(urlsplit(started.json["url"]).query))["state"]
    reply = browser.callback({"code": "c", "state": state}, provider="atlassian")
    assert reply.headers["Location"] == "/in"
    assert sent == ["at@example.com"]  # send_on_sign_up mails new social users too


def test_id_token_sign_in_of_an_unverified_user_is_403(make_app, via, real_clock):
    key = RSAKey.generate_key(2048, parameters={"kid": "k1"})
    pool = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_pool"
    jwks_url = f"{pool}/.well-known/jwks.json"
    oauth._jwks_cache[jwks_url] = (time.monotonic(), {"keys": [key.as_dict(private=False)]})
    sent: list[str] = []
    test_app = make_app(
        social_providers={
            "cognito": {
                "client_id": "cognito-client",
                "domain": "auth.example.com",
                "region": "eu-west-1",
                "user_pool_id": "eu-west-1_pool",
                "require_email_verification": True,
            }
        },
        email_verification={
            "send_verification_email": lambda user, url, token: sent.append(user.email)
        },
    )
    moment = int(real_clock.now.timestamp())
    claims = {
        "iss": pool,
        "aud": "cognito-client",
        "sub": "cg-1",
        "iat": moment,
        "exp": moment + 600,
        "email": "cg@example.com",
        "email_verified": False,
    }
    token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
    try:
        reply = Caller(test_app, via).call(
            "sign_in_social", {"provider": "cognito", "idToken": {"token": token}}
        )
    finally:
        oauth._jwks_cache.pop(jwks_url, None)
    assert reply.status == 403, reply.json
    assert reply.json["code"] == "EMAIL_NOT_VERIFIED"
    assert [u["email"] for u in rows(test_app, "user")] == ["cg@example.com"]
    assert rows(test_app, "session") == []
    assert sent == ["cg@example.com"]


# -- Apple's client secret ------------------------------------------------------------


def _pem() -> tuple[str, ECKey]:
    key = ECKey.generate_key("P-256")
    return key.as_pem(private=True).decode(), key


def _apple(base: str, pem: str, **more: Any) -> Any:
    options = ProviderOptions(
        client_id="com.example.web",
        team_id="TEAM123456",
        key_id="KEY1234567",
        private_key=pem,
        token_endpoint=f"{base}/token/apple",
        timeout=3,
        **more,
    )
    return BUILT_IN["apple"](options)


def _sent_secret(provider: Any) -> str:
    oauth.exchange_code(provider, "the-code", "v" * 43, "http://localhost/cb")
    form = requests_for("apple", "token")[-1]["form"]
    assert form["client_id"] == "com.example.web"
    return str(form["client_secret"])


def test_apple_client_secret_is_an_es256_jwt_made_from_the_key(fake):
    clock = Clock()
    clock.now = datetime(2026, 11, 1, tzinfo=timezone.utc)
    set_clock(clock)
    apple_module._cache.clear()
    try:
        pem, key = _pem()
        provider = _apple(fake, pem)
        secret = _sent_secret(provider)
        public = ECKey.import_key(key.as_dict(private=False))
        decoded = jwt.decode(secret, public, algorithms=["ES256"])
        assert (decoded.header["alg"], decoded.header["kid"]) == ("ES256", "KEY1234567")
        issued = int(clock.now.timestamp())
        assert decoded.claims == {
            "iss": "TEAM123456",
            "sub": "com.example.web",
            "aud": "https://appleid.apple.com",
            "iat": issued,
            "exp": issued + 30 * 86400,
        }
        # Kept while it has more than a day to live...
        clock.now += timedelta(days=28)
        assert _sent_secret(provider) == secret
        # ...then made again.
        clock.now += timedelta(days=1, seconds=1)
        renewed = _sent_secret(provider)
        assert renewed != secret
        claims = jwt.decode(renewed, public, algorithms=["ES256"]).claims
        assert claims["iat"] == int(clock.now.timestamp())
    finally:
        set_clock(None)
        apple_module._cache.clear()


def test_apple_given_client_secret_still_works(fake):
    options = ProviderOptions(
        client_id="com.example.web",
        client_secret="a-jwt-made-elsewhere",
        token_endpoint=f"{fake}/token/apple",
        timeout=3,
    )
    assert _sent_secret(BUILT_IN["apple"](options)) == "a-jwt-made-elsewhere"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"team_id": "T", "key_id": "K"}, "also needs: private_key"),
        ({"private_key": "not a key", "team_id": "T", "key_id": "K"}, "not an EC private key"),
        ({"team_id": "T", "key_id": "K", "private_key": "P256"}, "P-256 private key"),
    ],
)
def test_apple_key_options_are_checked_at_start_up(given, message):
    if given.get("private_key") == "P256":  # a public key only
        given = {**given, "private_key": _pem()[1].as_pem(private=False).decode()}
    with pytest.raises(BetterAuthError, match=message):
        BUILT_IN["apple"](ProviderOptions(client_id="com.example.web", **given))


# -- private_key_jwt (Microsoft's client assertion) -----------------------------------


def test_client_assertion_replaces_the_secret_at_the_token_endpoint(fake):
    from flask_betterauth.social.assertion import CLIENT_ASSERTION_TYPE
    from flask_betterauth.social.assertion import private_key_jwt

    key = RSAKey.generate_key(2048)
    getter = private_key_jwt(key.as_pem(private=True).decode(), kid="cert-1")
    token_endpoint = f"{fake}/token/microsoft"
    provider = BUILT_IN["microsoft"](
        ProviderOptions(
            client_id="ms-client", client_assertion=getter, token_endpoint=token_endpoint
        )
    )
    oauth.exchange_code(provider, "the-code", "v" * 43, "http://localhost/cb")
    oauth.refresh(provider, "a-refresh-token")
    first, second = requests_for("microsoft", "token")[-2:]
    assertions = []
    for entry, grant in ((first, "authorization_code"), (second, "refresh_token")):
        form = entry["form"]
        assert form["grant_type"] == grant
        assert "client_secret" not in form and "authorization" not in entry["headers"]
        assert form["client_id"] == "ms-client"
        assert form["client_assertion_type"] == CLIENT_ASSERTION_TYPE
        decoded = jwt.decode(form["client_assertion"], key, algorithms=["RS256"])
        assert decoded.header["kid"] == "cert-1"
        claims = decoded.claims
        assert (claims["iss"], claims["sub"], claims["aud"]) == (
            "ms-client",
            "ms-client",
            token_endpoint,
        )
        assert claims["exp"] - claims["iat"] == 120
        assertions.append(claims["jti"])
    assert assertions[0] != assertions[1]  # a fresh assertion per request
    # As Better Auth, Microsoft's refresh names the scopes again.
    assert second["form"]["scope"] == "openid profile email User.Read offline_access"
    assert "scope" not in first["form"]


def test_client_assertion_is_checked_at_start_up(make_app):
    from flask_betterauth.social.assertion import private_key_jwt

    with pytest.raises(BetterAuthError, match="cannot be combined with client_secret"):
        make_app(
            social_providers={
                "microsoft": {
                    "client_id": "c",
                    "client_secret": "s",
                    "client_assertion": lambda context: "x",
                }
            }
        )
    with pytest.raises(BetterAuthError, match="cannot sign with 'HS256'"):
        private_key_jwt("-----BEGIN PRIVATE KEY-----", algorithm="HS256")
    with pytest.raises(BetterAuthError, match="needs a private key"):
        public = RSAKey.generate_key(2048).as_pem(private=False).decode()
        private_key_jwt(public)


# -- Microsoft's profile photo --------------------------------------------------------


@pytest.mark.parametrize(
    ("more", "photo_path"),
    [({}, "48x48"), ({"profile_photo_size": 96}, "96x96"), ({"disable_profile_photo": True}, None)],
)
def test_microsoft_image_is_the_graph_photo(make_app, fake, real_clock, more, photo_path):
    import base64

    test_app = make_app(
        social_providers={
            "microsoft": {
                "client_id": "microsoft-client",
                "client_secret": "shh",
                "token_endpoint": f"{fake}/token/microsoft",
                "user_info_endpoint": f"{fake}/userinfo/microsoft",
                "timeout": 3,
                **more,
            }
        }
    )
    browser = Browser(Caller(test_app, "http"), fake)
    started = browser.start("microsoft", callbackURL="/in")
    state = dict(parse_qsl(urlsplit(started.json["url"]).query))["state"]
    provider_fakes.Handler.seen.clear()
    reply = browser.callback({"code": "c", "state": state}, provider="microsoft")
    assert reply.headers["Location"] == "/in"
    user = browser.caller.call("get_session").json["user"]
    assert (user["email"], user["emailVerified"], user["name"]) == (
        "ms@example.com",
        True,
        "Micro Soft",
    )
    calls = requests_for("microsoft")
    if photo_path is None:
        assert calls == [] and user["image"] is None
    else:
        (call,) = calls
        assert call["path"] == f"/userinfo/microsoft/photos/{photo_path}/$value"
        assert call["headers"]["authorization"] == "Bearer at-microsoft"
        encoded = base64.b64encode(provider_fakes.PHOTO).decode()
        assert user["image"] == f"data:image/jpeg;base64, {encoded}"
    (account,) = rows(test_app, "account")
    assert account["accountId"] == "ms-21"


def test_generic_provider_takes_require_email_verification(make_app, idp, via, real_clock):
    from tests.social.conftest import idp_user
    from tests.social.conftest import oidc_plugin

    test_app = make_app(plugins=[oidc_plugin(idp, require_email_verification=True)])
    idp_user(idp, "rev-1", email="rev1@example.com", email_verified=False)
    idp_user(idp, "rev-2", email="rev2@example.com", email_verified=True)
    browser = Browser(Caller(test_app, via), idp)
    refused = browser.sign_in("rev-1", callbackURL="/in", errorCallbackURL="/oops")
    assert refused.headers["Location"] == "/oops?error=email_not_verified"
    assert browser.caller.call("get_session").json is None
    allowed = browser.sign_in("rev-2", callbackURL="/in")
    assert allowed.headers["Location"] == "/in"
    assert browser.caller.call("get_session").json["user"]["email"] == "rev2@example.com"


@pytest.mark.parametrize(
    ("more", "audience", "status"),
    [
        ({"app_bundle_identifier": "com.example.ios"}, "com.example.ios", 200),
        ({"app_bundle_identifier": "com.example.ios"}, "com.example.web", 401),
        ({"audience": ["com.example.ios", "com.example.mac"]}, "com.example.mac", 200),
        ({}, "com.example.web", 200),
    ],
)
def test_apple_id_token_audience(make_app, real_clock, more, audience, status):
    key = RSAKey.generate_key(2048, parameters={"kid": "apple-1"})
    jwks_url = "https://appleid.apple.com/auth/keys"
    oauth._jwks_cache[jwks_url] = (time.monotonic(), {"keys": [key.as_dict(private=False)]})
    test_app = make_app(
        social_providers={"apple": {"client_id": "com.example.web", "client_secret": "s", **more}}
    )
    moment = int(real_clock.now.timestamp())
    claims = {
        "iss": "https://appleid.apple.com",
        "aud": audience,
        "sub": "apple-sub",
        "iat": moment,
        "exp": moment + 600,
        "email": "ios@example.com",
        "email_verified": "true",
    }
    token = jwt.encode({"alg": "RS256", "kid": "apple-1"}, claims, key)
    try:
        reply = Caller(test_app, "http").call(
            "sign_in_social", {"provider": "apple", "idToken": {"token": token}}
        )
    finally:
        oauth._jwks_cache.pop(jwks_url, None)
    assert reply.status == status, reply.json
    if status == 200:
        assert reply.json["user"]["email"] == "ios@example.com"
