"""Provider-specific request shapes of Better Auth 1.7.24 read from its source:
Cognito's authorization query (``scope`` last, ``%20`` for spaces; cognito.ts) and the
``token_endpoint_auth`` option of Vercel and Cloudflare (vercel.ts, cloudflare.ts),
against the local fake of their APIs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import pytest

from flask_betterauth.errors import BetterAuthError
from flask_betterauth.social.assertion import private_key_jwt
from tests.helpers import Caller
from tests.helpers import build_app
from tests.social import provider_fakes
from tests.social.conftest import Browser
from tests.social.provider_fakes import Handler
from tests.social.provider_fakes import requests_for

COGNITO = {
    "client_id": "cognito-client",
    "domain": "auth.example.com",
    "region": "eu-west-1",
    "user_pool_id": "eu-west-1_pool",
}


@pytest.fixture(scope="module")
def fake() -> Iterator[str]:
    yield from provider_fakes.serve()


def test_cognito_scope_is_last_and_percent_encoded(make_app: Any, via: str) -> None:
    test_app = make_app(social_providers={"cognito": {**COGNITO, "identity_provider": "Google"}})
    body = {"provider": "cognito", "scopes": ["aws.cognito.signin.user.admin"]}
    reply = Caller(test_app, via).call("sign_in_social", body)
    assert reply.status == 200, reply.json
    query = urlsplit(reply.json["url"]).query
    assert query.endswith("&scope=openid%20profile%20email%20aws.cognito.signin.user.admin")
    assert "+" not in query
    keys = [k for k, _ in parse_qsl(query)]
    assert keys[-1] == "scope" and keys.count("scope") == 1
    assert keys.index("identity_provider") < keys.index("scope")


def test_cognito_without_scopes_has_no_scope(make_app: Any) -> None:
    options = {**COGNITO, "disable_default_scope": True}
    test_app = make_app(social_providers={"cognito": options})
    reply = Caller(test_app, "http").call("sign_in_social", {"provider": "cognito"})
    assert "scope" not in dict(parse_qsl(urlsplit(reply.json["url"]).query))


def _token_request(make_app: Any, fake: str, provider_id: str, **options: Any) -> dict[str, Any]:
    config = {
        "client_id": f"{provider_id}-client",
        "token_endpoint": f"{fake}/token/{provider_id}",
        "user_info_endpoint": f"{fake}/userinfo/{provider_id}",
        "timeout": 3,
        **options,
    }
    test_app = make_app(social_providers={provider_id: config})
    browser = Browser(Caller(test_app, "http"), fake)
    started = browser.start(provider_id, callbackURL="/in")
    state = dict(parse_qsl(urlsplit(started.json["url"]).query))["state"]
    Handler.seen.clear()
    reply = browser.callback({"code": "c", "state": state}, provider=provider_id)
    assert reply.headers["Location"] == "/in", reply.headers["Location"]
    (token,) = requests_for(provider_id, "token")
    return token


@pytest.mark.parametrize(
    ("provider_id", "options", "expected"),
    [
        ("vercel", {"client_secret": "shh"}, "post"),
        (
            "vercel",
            {"client_secret": "shh", "token_endpoint_auth": {"method": "client_secret_basic"}},
            "basic",
        ),
        ("vercel", {}, "none"),
        ("cloudflare", {"client_secret": "shh"}, "basic"),
        (
            "cloudflare",
            {"client_secret": "shh", "token_endpoint_auth": "client_secret_post"},
            "post",
        ),
        (
            "cloudflare",
            {"client_secret": "shh", "token_endpoint_auth_method": "client_secret_post"},
            "post",
        ),
        ("cloudflare", {}, "none"),
    ],
)
def test_token_endpoint_auth(
    provider_id: str,
    options: dict[str, Any],
    expected: str,
    make_app: Any,
    fake: str,
    real_clock: Any,
) -> None:
    token = _token_request(make_app, fake, provider_id, **options)
    form, headers = token["form"], token["headers"]
    if expected == "basic":
        assert headers["authorization"].startswith("Basic ") and "client_secret" not in form
    elif expected == "post":
        assert form["client_secret"] == "shh" and "authorization" not in headers
    else:
        assert form["client_id"] == f"{provider_id}-client"
        assert "client_secret" not in form and "authorization" not in headers


def test_vercel_private_key_jwt(make_app: Any, fake: str, real_clock: Any) -> None:
    from joserfc.jwk import RSAKey

    key = RSAKey.generate_key(2048).as_pem(private=True).decode()
    options = {"token_endpoint_auth": "private_key_jwt", "client_assertion": private_key_jwt(key)}
    form = _token_request(make_app, fake, "vercel", **options)["form"]
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assert form["client_assertion"].count(".") == 2 and "client_secret" not in form


@pytest.mark.parametrize(
    ("provider_id", "options", "message"),
    [
        ("vercel", {"client_secret": "s", "token_endpoint_auth": "none"}, "cannot be combined"),
        (
            "vercel",
            {"token_endpoint_auth": {"method": "client_secret_basic"}},
            "requires client_secret",
        ),
        ("vercel", {"token_endpoint_auth": "private_key_jwt"}, "requires client_assertion"),
        ("cloudflare", {"token_endpoint_auth": "private_key_jwt"}, "must be one of"),
        (
            "cloudflare",
            {"token_endpoint_auth_method": "client_secret_post"},
            "requires client_secret",
        ),
    ],
)
def test_bad_token_endpoint_auth_fails_at_start_up(
    provider_id: str, options: dict[str, Any], message: str, tmp_path: Any
) -> None:
    with pytest.raises(BetterAuthError, match=message):
        app = build_app(
            f"sqlite:///{tmp_path}/a.sqlite",
            social_providers={provider_id: {"client_id": "x", **options}},
        )
        app.auth.api.call("sign_in_social", body={"provider": provider_id})


def test_cloudflare_drops_the_requests_additional_params(make_app: Any) -> None:
    test_app = make_app(social_providers={"cloudflare": {"client_id": "cf", "client_secret": "s"}})
    body = {"provider": "cloudflare", "additionalParams": {"theme": "dark"}}
    url = Caller(test_app, "http").call("sign_in_social", body).json["url"]
    keys = [k for k, _ in parse_qsl(urlsplit(url).query)]
    assert "theme" not in keys and "code_challenge" in keys and keys[0] == "response_type"
