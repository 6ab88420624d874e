"""The ``jwt`` plugin: JSON Web Tokens for the signed-in user, and the keys to check them.

``GET /token`` answers ``{"token": "<JWT>"}``, ``GET /jwks`` the public keys, and
``GET /get-session`` carries the token in a ``set-auth-jwt`` header; other services
verify the tokens with :func:`verify_jwt`. Wire-compatible with Better Auth's ``jwt()``
and its ``jwtClient()``; the keys live in the ``jwks`` table as Better Auth stores them.

The factory is reached as :func:`flask_betterauth.plugins.jwt` (this package is named
``jwt_plugin`` so that it does not hide the factory of the same name).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import fields

from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Endpoint
from flask_betterauth.plugins import Hook
from flask_betterauth.plugins import Plugin
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import to_wire

from .keys import SCHEMA
from .keys import KeyCache
from .keys import published_keys
from .options import JwtOptions
from .options import resolve
from .tokens import session_token
from .tokens import sign
from .tokens import token_for
from .tokens import verify
from .verify import InvalidJWT
from .verify import JWKSUnavailable
from .verify import RemoteJWKS
from .verify import verify_jwt

__all__ = ["InvalidJWT", "JWKSUnavailable", "RemoteJWKS", "jwt", "verify_jwt"]

PLUGIN_ID = "jwt"
HEADER = "set-auth-jwt"
EXPOSE = "Access-Control-Expose-Headers"


class SignBody(BodySchema):
    """The body of ``auth.api.sign_jwt``."""

    payload = fields.Dict(keys=fields.String(), required=True)


class VerifyBody(BodySchema):
    """The body of ``auth.api.verify_jwt``."""

    token = StrictString(required=True)
    issuer = StrictString(load_default=None)


def _endpoints(options: JwtOptions) -> list[Endpoint]:
    @endpoint(options.jwks_path, method="GET", name="get_jwks")
    def get_jwks(ctx: Context) -> dict[str, Any]:
        """The JSON Web Key Set that verifies the tokens."""
        return {"keys": published_keys(ctx, options)}

    @endpoint("/token", method="GET", auth="session", name="get_token")
    def get_token(ctx: Context) -> dict[str, Any]:
        """A JWT for the signed-in user."""
        tables = ctx.state.tables
        pair = {
            "user": to_wire(tables["user"], ctx.signed_in.user),
            "session": to_wire(tables["session"], ctx.signed_in.session),
        }
        return {"token": token_for(ctx, options, pair)}

    @endpoint("/sign-jwt", server_only=True, body=SignBody, name="sign_jwt")
    def sign_jwt(ctx: Context) -> dict[str, Any]:
        """Sign a payload with the current key (``exp``, ``iss``, ``aud`` added)."""
        return {"token": sign(ctx, options, ctx.body["payload"])}

    @endpoint("/verify-jwt", server_only=True, body=VerifyBody, name="verify_jwt")
    def verify_jwt_endpoint(ctx: Context) -> dict[str, Any]:
        """The payload of a token the stored keys signed, or ``null``."""
        return {"payload": verify(ctx, options, ctx.body["token"], ctx.body["issuer"])}

    return [get_jwks, get_token, sign_jwt, verify_jwt_endpoint]


def _jwt_header(options: JwtOptions) -> Hook:
    def add_header(ctx: Context) -> None:
        """After ``get-session`` with a session: the token in ``set-auth-jwt``."""
        returned = ctx.returned
        if not isinstance(returned, Mapping) or not returned.get("session"):
            return
        headers = ctx.response_headers
        headers.set(HEADER, session_token(ctx, options, returned))
        listed = headers.get(EXPOSE)
        if not listed:
            headers.set(EXPOSE, HEADER)
            return
        exposed = [name.strip() for name in listed.split(",") if name.strip()]
        if HEADER not in exposed:
            exposed.append(HEADER)
        headers.set(EXPOSE, ", ".join(exposed))

    return Hook(add_header, endpoints=frozenset({"get_session"}))


def jwt(
    jwks: Mapping[str, Any] | None = None,
    jwt: Mapping[str, Any] | None = None,
    disable_setting_jwt_header: bool = False,
) -> Plugin:
    """JWTs for the signed-in user at ``GET /token`` and in get-session's
    ``set-auth-jwt`` header, their public keys at ``GET /jwks``.

    :param jwks: the keys: ``key_pair_config`` (``{"alg": "EdDSA"}``, the default, or
        ``"ES256"``, ``"ES512"``, ``"RS256"``, ``"PS256"`` with ``modulus_length``),
        ``disable_private_key_encryption``, ``rotation_interval`` (seconds; off by
        default), ``grace_period`` (seconds an expired key stays listed; 30 days),
        ``jwks_path`` (``"/jwks"``).
    :param jwt: the tokens: ``issuer`` and ``audience`` (the app's origin by default),
        ``expiration_time`` (``"15m"``; seconds, a timedelta or a span like ``"1h"``),
        ``define_payload(session)`` and ``get_subject(session)``, where ``session`` is
        ``{"user": ..., "session": ...}`` in JSON form.
    :param disable_setting_jwt_header: no ``set-auth-jwt`` header on get-session.
    :raises BetterAuthError: for an unknown option or a bad value.
    :raises NotBuiltError: for ``jwks.remote_url``, ``jwks.key_pair_configs``, ``jwt.sign``.
    """
    options = resolve(jwks, jwt, disable_setting_jwt_header)
    hooks = {} if options.disable_setting_jwt_header else {"after": [_jwt_header(options)]}
    return Plugin(
        id=PLUGIN_ID,
        endpoints=_endpoints(options),
        schema=SCHEMA,
        hooks=hooks,
        state=lambda app_options: KeyCache(),
    )
