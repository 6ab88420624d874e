"""ID-token sign-in where Better Auth 1.7.24 checks the token its own way
(packages/core/src/social-providers/line.ts and facebook.ts): LINE's ``/verify``
endpoint, and Facebook's opaque token (the request's access token, bound to this app
by ``debug_token``) beside its Limited Login JWT (on Facebook's JWKS)."""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from flask_betterauth.social import oauth
from tests.helpers import Caller
from tests.helpers import TestApp
from tests.helpers import build_app
from tests.social import provider_fakes
from tests.social.provider_fakes import Handler
from tests.social.provider_fakes import requests_for
from tests.social.provider_fakes import unsigned_jwt

FACEBOOK_JWKS = "https://limited.facebook.com/.well-known/oauth/openid/jwks/"


@pytest.fixture(scope="module")
def fake() -> Iterator[str]:
    yield from provider_fakes.serve()


def _providers(base: str, **line: Any) -> dict[str, Any]:
    return {
        "line": {
            "client_id": "line-client",
            "client_secret": "shh",
            "token_endpoint": f"{base}/token/line/token",
            "timeout": 3,
            **line,
        },
        "facebook": {
            "client_id": "facebook-client",
            "client_secret": "shh",
            "user_info_endpoint": f"{base}/userinfo/facebook/me",
            "timeout": 3,
        },
    }


@pytest.fixture(scope="module")
def id_app(tmp_path_factory: pytest.TempPathFactory, fake: str) -> Iterator[TestApp]:
    path = tmp_path_factory.mktemp("id-tokens") / "auth.sqlite"
    test_app = build_app(f"sqlite:///{path}", social_providers=_providers(fake))
    yield test_app
    with test_app.app.app_context():
        test_app.db.engine.dispose()


def _line_token(**more: Any) -> str:
    return unsigned_jwt(
        {**provider_fakes.ID_TOKENS["line"], "iss": "https://access.line.me", **more}
    )


def test_line_id_token_is_checked_by_lines_verify_endpoint(
    id_app: TestApp, via: str, real_clock: Any
) -> None:
    caller = Caller(id_app, via)
    token = _line_token(nonce="n-1")
    Handler.seen.clear()
    body = {"provider": "line", "idToken": {"token": token, "nonce": "n-1"}}
    reply = caller.call("sign_in_social", body)
    assert reply.status == 200, reply.json
    (verify,) = requests_for("line", "token")
    assert verify["method"] == "POST" and verify["path"].endswith("/token/line/verify")
    assert verify["form"] == {"id_token": token, "client_id": "line-client", "nonce": "n-1"}
    assert reply.json["user"]["email"] == "ln@example.com"
    assert reply.json["user"]["emailVerified"] is False
    (account,) = caller.call("list_user_accounts").json
    assert (account["providerId"], account["accountId"]) == ("line", "ln-19")


@pytest.mark.parametrize(
    ("answer", "nonce"),
    [
        ((400, {"error": "invalid_request", "error_description": "Invalid IdToken."}), None),
        ((200, {"sub": "ln-19", "aud": "another-channel"}), None),
        ((200, {"sub": "ln-19", "aud": "line-client", "nonce": "someone-elses"}), "n-1"),
        ((302, {}), None),
    ],
)
def test_line_refusals_are_401(
    answer: Any, nonce: str | None, id_app: TestApp, real_clock: Any
) -> None:
    Handler.token_override["line"] = answer
    try:
        given: dict[str, Any] = {"token": _line_token()}
        if nonce:
            given["nonce"] = nonce
        reply = Caller(id_app, "http").call(
            "sign_in_social", {"provider": "line", "idToken": given}
        )
    finally:
        Handler.token_override.pop("line")
    assert reply.status == 401, reply.json
    assert reply.json["code"] == "INVALID_TOKEN"


def test_line_id_token_sign_in_can_be_turned_off(make_app: Any, fake: str) -> None:
    test_app = make_app(social_providers=_providers(fake, disable_id_token_sign_in=True))
    body = {"provider": "line", "idToken": {"token": _line_token()}}
    reply = Caller(test_app, "http").call("sign_in_social", body)
    assert reply.status == 404 and reply.json["code"] == "ID_TOKEN_NOT_SUPPORTED"


def test_facebook_opaque_token_signs_in_with_the_access_token(
    id_app: TestApp, via: str, real_clock: Any
) -> None:
    caller = Caller(id_app, via)
    Handler.seen.clear()
    body = {"provider": "facebook", "idToken": {"token": "opaque", "accessToken": "at-fb"}}
    reply = caller.call("sign_in_social", body)
    assert reply.status == 200, reply.json
    debug, me = requests_for("facebook")
    assert debug["what"] == "debug_token" and debug["query"]["input_token"] == "at-fb"
    assert me["headers"]["authorization"] == "Bearer at-fb"
    assert reply.json["user"]["email"] == "fb@example.com"
    (account,) = caller.call("list_user_accounts").json
    assert (account["providerId"], account["accountId"]) == ("facebook", "fb-1")


@pytest.mark.parametrize("case", ["no access token", "another app's token"])
def test_facebook_opaque_token_without_a_good_access_token_is_401(
    case: str, id_app: TestApp, real_clock: Any
) -> None:
    given: dict[str, Any] = {"token": "opaque"}
    if case == "another app's token":
        given["accessToken"] = "at-other"
        data = {**provider_fakes.FACEBOOK_DEBUG["data"], "app_id": "another-app"}
        Handler.override["facebook"] = (200, {"data": data})
    try:
        reply = Caller(id_app, "http").call(
            "sign_in_social", {"provider": "facebook", "idToken": given}
        )
    finally:
        Handler.override.pop("facebook", None)
    assert reply.status == 401, reply.json
    assert reply.json["code"] == "FAILED_TO_GET_USER_INFO"


def test_facebook_limited_login_jwt_is_checked_on_its_jwks(
    id_app: TestApp, real_clock: Any
) -> None:
    key = RSAKey.generate_key(2048, parameters={"kid": "fb-1"})
    oauth._jwks_cache[FACEBOOK_JWKS] = (time.monotonic(), {"keys": [key.as_dict(private=False)]})
    moment = int(real_clock.now.timestamp())
    claims = {
        "iss": "https://www.facebook.com",
        "aud": "facebook-client",
        "sub": "fb-limited",
        "iat": moment,
        "exp": moment + 600,
        "name": "Lim Ited",
        "email": "lim@example.com",
        "picture": "https://fb.example/l.jpg",
    }
    good = jwt.encode({"alg": "RS256", "kid": "fb-1"}, claims, key)
    forged = jwt.encode({"alg": "RS256", "kid": "fb-1"}, {**claims, "aud": "another-app"}, key)
    caller = Caller(id_app, "http")
    try:
        refused = caller.call(
            "sign_in_social", {"provider": "facebook", "idToken": {"token": forged}}
        )
        reply = caller.call("sign_in_social", {"provider": "facebook", "idToken": {"token": good}})
    finally:
        oauth._jwks_cache.pop(FACEBOOK_JWKS, None)
    assert refused.status == 401 and refused.json["code"] == "INVALID_TOKEN"
    assert reply.status == 200, reply.json
    assert reply.json["user"]["image"] == "https://fb.example/l.jpg"
    (account,) = caller.call("list_user_accounts").json
    assert account["accountId"] == "fb-limited"


def test_microsoft_id_token_sign_in_reads_the_graph_photo(
    make_app: Any, fake: str, real_clock: Any
) -> None:
    root = "https://login.microsoftonline.com/tenant-1"
    jwks = f"{root}/discovery/v2.0/keys"
    key = RSAKey.generate_key(2048, parameters={"kid": "ms-1"})
    oauth._jwks_cache[jwks] = (time.monotonic(), {"keys": [key.as_dict(private=False)]})
    options = {
        "client_id": "ms-client",
        "tenant_id": "tenant-1",
        "user_info_endpoint": f"{fake}/userinfo/microsoft",
        "timeout": 3,
    }
    test_app = make_app(social_providers={"microsoft": options})
    moment = int(real_clock.now.timestamp())
    claims = {
        **provider_fakes.ID_TOKENS["microsoft"],
        "iss": f"{root}/v2.0",
        "aud": "ms-client",
        "iat": moment,
        "exp": moment + 600,
    }
    token = jwt.encode({"alg": "RS256", "kid": "ms-1"}, claims, key)
    caller = Caller(test_app, "http")
    Handler.seen.clear()
    try:
        body = {"provider": "microsoft", "idToken": {"token": token, "accessToken": "at-ms"}}
        reply = caller.call("sign_in_social", body)
    finally:
        oauth._jwks_cache.pop(jwks, None)
    assert reply.status == 200, reply.json
    (photo,) = requests_for("microsoft")
    assert photo["path"].endswith("/photos/48x48/$value")
    assert photo["headers"]["authorization"] == "Bearer at-ms"
    image = reply.json["user"]["image"]
    assert image.startswith("data:image/jpeg;base64, ")
    assert base64.b64decode(image.split(", ", 1)[1]) == provider_fakes.PHOTO
    (account,) = caller.call("list_user_accounts").json
    assert account["accountId"] == "ms-21"


MS = "https://login.microsoftonline.com"
CONSUMERS = "9188040d-6c67-4c5b-b112-36a304b66dad"
ORG = "72f988bf-86f1-41af-91ab-2d7cd011db47"


@pytest.mark.parametrize(
    ("tenant", "tid", "iss", "status"),
    [
        ("common", ORG, f"{MS}/{ORG}/v2.0", 200),
        ("common", CONSUMERS, f"{MS}/{CONSUMERS}/v2.0", 200),
        ("common", ORG, f"{MS}/{CONSUMERS}/v2.0", 401),  # iss names another tenant
        ("common", None, f"{MS}/{ORG}/v2.0", 401),  # no tid
        ("common", ORG, f"{MS}/common/v2.0", 401),
        ("organizations", ORG, f"{MS}/{ORG}/v2.0", 200),
        ("organizations", CONSUMERS, f"{MS}/{CONSUMERS}/v2.0", 401),
        ("consumers", CONSUMERS, f"{MS}/{CONSUMERS}/v2.0", 200),
        ("consumers", ORG, f"{MS}/{ORG}/v2.0", 401),
    ],
)
def test_microsoft_multi_tenant_id_token_issuer_is_the_tokens_tenant(
    make_app: Any, real_clock: Any, via: str, tenant: str, tid: str | None, iss: str, status: int
) -> None:
    jwks = f"{MS}/{tenant}/discovery/v2.0/keys"
    key = RSAKey.generate_key(2048, parameters={"kid": "ms-mt"})
    oauth._jwks_cache[jwks] = (time.monotonic(), {"keys": [key.as_dict(private=False)]})
    options = {"client_id": "ms-client", "tenant_id": tenant, "timeout": 3}
    test_app = make_app(social_providers={"microsoft": options})
    moment = int(real_clock.now.timestamp())
    claims = {
        **provider_fakes.ID_TOKENS["microsoft"],
        "iss": iss,
        "aud": "ms-client",
        "iat": moment,
        "exp": moment + 600,
    }
    if tid is not None:
        claims["tid"] = tid
    token = jwt.encode({"alg": "RS256", "kid": "ms-mt"}, claims, key)
    caller = Caller(test_app, via)
    try:
        body = {"provider": "microsoft", "idToken": {"token": token}}
        reply = caller.call("sign_in_social", body)
        # Another key under the same claims: the signature still decides.
        other = RSAKey.generate_key(2048, parameters={"kid": "ms-mt"})
        forged = jwt.encode({"alg": "RS256", "kid": "ms-mt"}, claims, other)
        refused = Caller(test_app, via).call(
            "sign_in_social", {**body, "idToken": {"token": forged}}
        )
    finally:
        oauth._jwks_cache.pop(jwks, None)
    assert reply.status == status, reply.json
    assert refused.status == 401 and refused.json["code"] == "INVALID_TOKEN"
    if status == 200:
        assert reply.json["user"]["email"] == "ms@example.com"
    else:
        assert reply.json["code"] == "INVALID_TOKEN"
