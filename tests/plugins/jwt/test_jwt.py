"""The ``jwt`` plugin on both faces and both databases: ``/token``, ``/jwks``, the
``set-auth-jwt`` header, the ``jwks`` table, rotation, expiry and tampering (spec 10)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from flask_betterauth import BetterAuthError
from flask_betterauth import NotBuiltError
from flask_betterauth.plugins import jwt
from flask_betterauth.plugins import symmetric_decrypt
from flask_betterauth.plugins.jwt_plugin import InvalidJWT
from flask_betterauth.plugins.jwt_plugin import verify_jwt
from tests.factories import ANN
from tests.factories import sign_up
from tests.helpers import SECRET
from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import rows
from tests.helpers import sql

ORIGIN = "http://localhost"


def part(token: str, index: int) -> Any:
    """The decoded header (0) or payload (1) of a token."""
    text = token.split(".")[index]
    return json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))


def at(clock: Clock) -> Any:
    """The test clock in seconds, for :func:`verify_jwt`."""
    return lambda: int(clock.now.timestamp())


@pytest.fixture
def jwt_caller(plugin_app: Any) -> Caller:
    caller: Caller = plugin_app(jwt()).caller()
    sign_up(caller)
    return caller


def jwks_of(caller: Caller) -> dict[str, Any]:
    reply = caller.call("get_jwks")
    assert reply.status == 200
    return dict(reply.json)


def test_token_is_the_user_signed_with_eddsa(jwt_caller: Caller, clock: Clock) -> None:
    user = jwt_caller.call("get_session").json["user"]
    reply = jwt_caller.call("get_token")
    assert reply.status == 200 and list(reply.json) == ["token"]
    token = reply.json["token"]

    [key] = jwks_of(jwt_caller)["keys"]
    assert part(token, 0) == {"alg": "EdDSA", "kid": key["kid"]}
    payload = part(token, 1)
    issued = int(clock.now.timestamp())
    assert payload == {
        "iat": issued,
        **user,
        "sub": user["id"],
        "exp": issued + 900,
        "iss": ORIGIN,
        "aud": ORIGIN,
    }
    assert list(payload)[0] == "iat" and list(payload)[-4:] == ["sub", "exp", "iss", "aud"]
    claims = verify_jwt(token, jwks_of(jwt_caller), issuer=ORIGIN, audience=ORIGIN, now=at(clock))
    assert claims["email"] == ANN["email"]


def test_token_needs_a_session(plugin_app: Any) -> None:
    reply = plugin_app(jwt()).caller().call("get_token")
    assert reply.status == 401 and reply.json["code"] == "UNAUTHORIZED"


def test_jwks_makes_the_first_key_and_stores_it_encrypted(plugin_app: Any) -> None:
    served = plugin_app(jwt())
    test_app = served.app
    assert rows(test_app, "jwks") == []
    keys = jwks_of(served.caller())["keys"]
    [row] = rows(test_app, "jwks")
    assert keys == [
        {"alg": "EdDSA", "crv": "Ed25519", "x": keys[0]["x"], "kty": "OKP", "kid": row["id"]}
    ]
    assert (row["alg"], row["crv"], row["expiresAt"]) == ("EdDSA", "Ed25519", None)
    assert json.loads(row["publicKey"]) == {"crv": "Ed25519", "x": keys[0]["x"], "kty": "OKP"}
    envelope = json.loads(row["privateKey"])
    assert isinstance(envelope, str) and len(envelope) > 100
    private = json.loads(symmetric_decrypt(SECRET, envelope))
    assert private["x"] == keys[0]["x"] and len(private["d"]) == 43
    # A second request lists the same key, makes no other.
    assert jwks_of(served.caller())["keys"] == keys
    assert len(rows(test_app, "jwks")) == 1


def test_private_key_stored_plain_when_encryption_is_off(plugin_app: Any) -> None:
    served = plugin_app(jwt(jwks={"disable_private_key_encryption": True}))
    test_app, caller = served.app, served.caller()
    sign_up(caller)
    token = caller.call("get_token").json["token"]
    [row] = rows(test_app, "jwks")
    assert json.loads(row["privateKey"])["kty"] == "OKP"
    assert verify_jwt(token, jwks_of(caller), issuer=ORIGIN, audience=ORIGIN)["sub"]


def test_get_session_carries_the_token_in_a_header(jwt_caller: Caller, clock: Clock) -> None:
    reply = jwt_caller.call("get_session")
    token = reply.headers["set-auth-jwt"]
    assert reply.headers["Access-Control-Expose-Headers"] == "set-auth-jwt"
    claims = verify_jwt(token, jwks_of(jwt_caller), issuer=ORIGIN, audience=ORIGIN, now=at(clock))
    assert claims["sub"] == reply.json["user"]["id"]


@pytest.mark.parametrize(
    ("before", "after"),
    [("x-one", "x-one, set-auth-jwt"), ("", "set-auth-jwt"), ("set-auth-jwt", "set-auth-jwt")],
)
def test_exposed_headers_are_kept_and_the_token_header_listed_once(
    plugin_app: Any, before: str, after: str
) -> None:
    from flask_betterauth.plugins import Hook
    from flask_betterauth.plugins import Plugin

    def expose(ctx: Any) -> None:
        ctx.response_headers["Access-Control-Expose-Headers"] = before
        ctx.response_headers["set-auth-jwt"] = "stale"

    caller = plugin_app(
        Plugin(id="expose", hooks={"after": [Hook(expose)]}), plugins=[jwt()]
    ).caller()
    sign_up(caller)
    reply = caller.call("get_session")
    assert reply.headers["Access-Control-Expose-Headers"] == after
    assert reply.headers.getlist("set-auth-jwt") == [reply.headers["set-auth-jwt"]] != ["stale"]


def test_no_header_without_a_session_or_when_turned_off(plugin_app: Any) -> None:
    assert "set-auth-jwt" not in plugin_app(jwt()).caller().call("get_session").headers
    caller = plugin_app(jwt(disable_setting_jwt_header=True)).caller()
    sign_up(caller)
    reply = caller.call("get_session")
    assert reply.json["user"]["email"] == ANN["email"]
    assert "set-auth-jwt" not in reply.headers


def test_token_expires_on_the_clock(jwt_caller: Caller, clock: Clock) -> None:
    token = jwt_caller.call("get_token").json["token"]
    keys = jwks_of(jwt_caller)
    clock.advance(seconds=899)
    assert verify_jwt(token, keys, issuer=ORIGIN, audience=ORIGIN, now=at(clock))
    assert server_verify(jwt_caller, token) is not None
    clock.advance(seconds=1)
    with pytest.raises(InvalidJWT, match="claims"):
        verify_jwt(token, keys, issuer=ORIGIN, audience=ORIGIN, now=at(clock))
    assert server_verify(jwt_caller, token) is None


def server_verify(caller: Caller, token: str, issuer: str | None = None) -> Any:
    """``auth.api.verify_jwt`` (server-only: there is no HTTP face)."""
    with caller.app.app.test_request_context():
        return caller.app.auth.api.verify_jwt(body={"token": token, "issuer": issuer})["payload"]


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = part(token, 1) | {"email": "mallory@example.com"}
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{forged}.{signature}"


def test_tampered_or_foreign_tokens_are_refused(jwt_caller: Caller, clock: Clock) -> None:
    token = jwt_caller.call("get_token").json["token"]
    keys = jwks_of(jwt_caller)
    bad = {
        "tampered": tampered(token),
        "garbage": "not-a-jwt",
        "no-kid": token.replace(token.split(".")[0], "eyJhbGciOiJFZERTQSJ9"),
        "truncated-signature": token[:-4],
    }
    for name, value in bad.items():
        with pytest.raises(InvalidJWT):
            verify_jwt(value, keys, issuer=ORIGIN, audience=ORIGIN, now=at(clock))
        assert server_verify(jwt_caller, value) is None, name
    with pytest.raises(InvalidJWT, match="claims"):
        verify_jwt(token, keys, issuer="https://other.example", audience=ORIGIN, now=at(clock))
    with pytest.raises(InvalidJWT, match="claims"):
        verify_jwt(token, keys, issuer=ORIGIN, audience="https://other.example", now=at(clock))
    assert server_verify(jwt_caller, token, issuer="https://other.example") is None
    assert server_verify(jwt_caller, token)["email"] == ANN["email"]


def test_rotation_signs_with_a_new_key_and_lists_the_old_one(plugin_app: Any, clock: Clock) -> None:
    options = {"rotation_interval": 3600, "grace_period": 7200}
    served = plugin_app(jwt(jwks=options, jwt={"expiration_time": "2h"}))
    test_app, caller = served.app, served.caller()
    sign_up(caller)
    first = caller.call("get_token").json["token"]
    [row] = rows(test_app, "jwks")
    assert row["expiresAt"] == clock.now.replace(microsecond=0) + _hours(1)

    clock.advance(seconds=3600)
    second = caller.call("get_token").json["token"]
    old, new = part(first, 0)["kid"], part(second, 0)["kid"]
    assert old != new and len(rows(test_app, "jwks")) == 2
    listed = jwks_of(caller)
    assert {k["kid"] for k in listed["keys"]} == {old, new}
    for token in (first, second):
        assert verify_jwt(token, listed, issuer=ORIGIN, audience=ORIGIN, now=at(clock))
    # The new key signs until it expires in turn.
    clock.advance(seconds=1800)
    assert part(caller.call("get_token").json["token"], 0)["kid"] == new

    clock.advance(seconds=7200 - 1800)  # the old key's grace period is over
    assert [k["kid"] for k in jwks_of(caller)["keys"]] == [new]


def _hours(count: int) -> Any:
    from datetime import timedelta

    return timedelta(hours=count)


@pytest.mark.parametrize(
    ("alg", "kty", "crv"),
    [("ES256", "EC", "P-256"), ("ES512", "EC", "P-521"), ("RS256", "RSA", None),
     ("PS256", "RSA", None)],
)  # fmt: skip
def test_other_algorithms(make_app: Any, alg: str, kty: str, crv: str | None) -> None:
    test_app = make_app(plugins=[jwt(jwks={"key_pair_config": {"alg": alg}})])
    caller = Caller(test_app, "http")
    sign_up(caller)
    token = caller.call("get_token").json["token"]
    [key] = jwks_of(caller)["keys"]
    assert (part(token, 0)["alg"], key["alg"], key["kty"], key.get("crv")) == (alg, alg, kty, crv)
    assert verify_jwt(token, {"keys": [key]}, issuer=ORIGIN, audience=ORIGIN)["sub"]
    assert server_verify(caller, token)["sub"] == part(token, 1)["id"]


def test_payload_subject_issuer_audience_and_lifetime_options(plugin_app: Any) -> None:
    plugin = jwt(
        jwt={
            "issuer": "https://issuer.example",
            "audience": ["https://api.example", "https://other.example"],
            "expiration_time": "1h",
            "define_payload": lambda s: {"email": s["user"]["email"], "sid": s["session"]["id"]},
            "get_subject": lambda s: "user:" + s["user"]["id"],
        }
    )
    caller = plugin_app(plugin).caller()
    sign_up(caller)
    session = caller.call("get_session").json
    payload = part(caller.call("get_token").json["token"], 1)
    assert payload == {
        "iat": payload["iat"],
        "email": ANN["email"],
        "sid": session["session"]["id"],
        "sub": "user:" + session["user"]["id"],
        "exp": payload["iat"] + 3600,
        "iss": "https://issuer.example",
        "aud": ["https://api.example", "https://other.example"],
    }


def test_sign_and_verify_are_server_only(jwt_caller: Caller) -> None:
    client = jwt_caller.app.app.test_client()
    assert client.post("/api/auth/sign-jwt", json={"payload": {"sub": "x"}}).status_code == 404
    assert client.post("/api/auth/verify-jwt", json={"token": "x"}).status_code == 404
    with jwt_caller.app.app.test_request_context():
        api = jwt_caller.app.auth.api
        token = api.sign_jwt(body={"payload": {"sub": "service-1", "scope": "read"}})["token"]
        assert "iat" not in part(token, 1)
        assert part(token, 1)["iss"] == ORIGIN
        custom = api.sign_jwt(body={"payload": {"sub": "s", "iss": None, "aud": "svc", "exp": 5}})
        assert {k: part(custom["token"], 1)[k] for k in ("iss", "aud", "exp")} == {
            "iss": ORIGIN,
            "aud": "svc",
            "exp": 5,
        }
        assert api.verify_jwt(body={"token": token})["payload"]["scope"] == "read"
        with pytest.raises(Exception) as raised:
            api.sign_jwt(body={"payload": "not an object"})
        assert getattr(raised.value, "status", None) == 400


def test_a_changed_secret_cannot_use_the_stored_key(make_app: Any) -> None:
    first = make_app(plugins=[jwt()])
    Caller(first, "http").call("get_jwks")
    url = first.app.config["SQLALCHEMY_DATABASE_URI"]
    moved = make_app({"SQLALCHEMY_DATABASE_URI": url, "BETTER_AUTH_SECRET": "x" * 40},
                     plugins=[jwt()])  # fmt: skip
    with moved.app.test_request_context(), pytest.raises(BetterAuthError, match="secret"):
        moved.auth.api.sign_jwt(body={"payload": {"sub": "a"}})


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"jwks": {"keyPairConfig": {}}}, BetterAuthError),
        ({"jwks": {"key_pair_config": {"alg": "HS256"}}}, BetterAuthError),
        ({"jwks": {"key_pair_config": {"alg": "ES256", "crv": "Ed25519"}}}, BetterAuthError),
        ({"jwks": {"jwks_path": "jwks"}}, BetterAuthError),
        ({"jwt": {"expiration_time": "soon"}}, BetterAuthError),
        ({"jwt": {"audience": 42}}, BetterAuthError),
        ({"jwks": {"remote_url": "https://keys.example/jwks"}}, NotBuiltError),
        ({"jwt": {"sign": lambda payload: "token"}}, NotBuiltError),
    ],
)
def test_bad_options_are_refused_at_once(arguments: dict[str, Any], error: type) -> None:
    with pytest.raises(error):
        jwt(**arguments)


def test_custom_jwks_path(make_app: Any) -> None:
    test_app = make_app(plugins=[jwt(jwks={"jwks_path": "/.well-known/jwks.json"})])
    client = test_app.app.test_client()
    assert client.get("/api/auth/.well-known/jwks.json").json["keys"][0]["kty"] == "OKP"
    assert client.get("/api/auth/jwks").status_code == 404


def test_the_signing_key_is_reread_after_a_minute(make_app: Any, clock: Clock) -> None:
    test_app = make_app(plugins=[jwt()])
    caller = Caller(test_app, "http")
    sign_up(caller)
    first = part(caller.call("get_token").json["token"], 0)["kid"]
    sql(test_app, "DELETE FROM jwks")  # an operator removes the keys (a new secret, say)
    clock.advance(seconds=59)
    assert part(caller.call("get_token").json["token"], 0)["kid"] == first
    clock.advance(seconds=1)
    second = part(caller.call("get_token").json["token"], 0)["kid"]
    assert second != first
    assert [k["kid"] for k in jwks_of(caller)["keys"]] == [second]


def test_openapi_lists_the_routes_not_the_server_only_calls(make_app: Any) -> None:
    from flask_betterauth.plugins import open_api

    test_app = make_app(plugins=[jwt(), open_api()])
    paths = test_app.app.test_client().get("/api/auth/open-api/generate-schema").json["paths"]
    assert {"/api/auth/token", "/api/auth/jwks"} <= set(paths)
    assert list(paths["/api/auth/token"]) == ["get"]
    assert not {"/api/auth/sign-jwt", "/api/auth/verify-jwt"} & set(paths)


def test_the_factory_is_not_hidden_by_its_package() -> None:
    import types

    import flask_betterauth.plugins.jwt_plugin.verify  # noqa: F401  (sets the package attribute)
    from flask_betterauth import plugins

    assert isinstance(plugins.jwt, types.FunctionType)
    assert "jwt" in plugins.__all__


def test_reuse_key_tells_apart_every_input_of_the_claims() -> None:
    """The reuse cache's key: equal only for the same claims, byte for byte."""
    from flask_betterauth.plugins.jwt_plugin.tokens import _reuse_key

    def key(body: dict[str, Any], subject: Any = "u1", aud: Any = "a") -> Any:
        return _reuse_key("s1", "k1", body, subject, "i", aud)

    base = {"id": "u1", "emailVerified": True, "n": 1, "image": None}
    assert key(base) == key(dict(base)) and hash(key(base)) == hash(key(dict(base)))
    assert key(base) != key({**base, "emailVerified": 1})  # true is not 1 in JSON
    assert key(base) != key({**base, "n": 1.0})  # nor is 1 1.0
    assert key(base) != key(dict(reversed(base.items())))  # claims' order is kept
    assert key(base) != key(base, subject=True) != key(base, subject=1)
    assert key(base) != _reuse_key("s2", "k1", base, "u1", "i", "a")
    assert key(base) != _reuse_key("s1", "k2", base, "u1", "i", "a")
    assert key(base, aud=["a", "b"]) == key(base, aud=["a", "b"]) != key(base, aud=["b", "a"])
    # Structured values key by their JSON; values JSON cannot write are never reused.
    assert key({"roles": ["a"]}) == key({"roles": ["a"]}) != key({"roles": ["b"]})
    assert key(base, aud=[["x"]]) == key(base, aud=[["x"]])
    assert key({"when": object()}) is None


def test_get_session_reuses_its_token_while_half_its_life_is_left(
    plugin_app: Any, clock: Clock
) -> None:
    options = {"rotation_interval": 3600, "grace_period": 7200}
    served = plugin_app(jwt(jwks=options, jwt={"expiration_time": "10m"}))
    caller = served.caller()
    sign_up(caller)

    def header() -> str:
        return str(caller.call("get_session").headers["set-auth-jwt"])

    first = header()
    clock.advance(seconds=299)
    assert header() == first  # the same bytes: no signing on a repeat call
    clock.advance(seconds=1)  # half of the 10 minutes gone: signed anew
    second = header()
    assert second != first and part(second, 1)["iat"] == part(first, 1)["iat"] + 300
    # A changed user is never served the old claims.
    assert caller.call("update_user", body={"name": "Renamed"}).status == 200
    renamed = header()
    assert renamed != second and part(renamed, 1)["name"] == "Renamed"
    assert header() == renamed
    # A rotated key signs a new token at once.
    clock.advance(seconds=3600 - 300)
    rotated = header()
    assert part(rotated, 0)["kid"] != part(renamed, 0)["kid"]
    listed = jwks_of(caller)
    assert verify_jwt(rotated, listed, issuer=ORIGIN, audience=ORIGIN, now=at(clock))["name"] == (
        "Renamed"
    )
