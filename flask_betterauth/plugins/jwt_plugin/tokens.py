"""Signing and verifying the plugin's JWTs, as Better Auth's ``signJWT``/``verifyJWT`` do.

A session's token has the protected header ``{"alg", "kid"}`` and the payload ``iat``,
then every returned user field (or what ``define_payload`` gives), then ``sub`` (the user
id or ``get_subject``), ``exp`` (``iat`` + ``expiration_time``), ``iss`` and ``aud``
(the options, else the app's origin).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from joserfc import jwt as jose_jwt

from flask_betterauth.plugins import Context
from flask_betterauth.plugins import now

from .keys import TABLE
from .keys import registry_for
from .keys import signing_key
from .options import JwtOptions
from .verify import InvalidJWT
from .verify import check
from .verify import token_kid


def _seconds() -> int:
    return int(now().timestamp())


def issuer(ctx: Context, options: JwtOptions) -> str:
    """The ``iss`` of new tokens: the option, else the app's origin."""
    return options.issuer or ctx.origin


def audience(ctx: Context, options: JwtOptions) -> str | list[str]:
    """The ``aud`` of new tokens: the option, else the app's origin."""
    return options.audience or ctx.origin


def sign(ctx: Context, options: JwtOptions, payload: Mapping[str, Any]) -> str:
    """``payload`` signed with the current key; ``exp``, ``iss`` and ``aud`` added unless
    it has them (``exp`` from its ``iat``, or now, plus ``expiration_time``)."""
    claims = dict(payload)
    started = claims.get("iat")
    base = started if isinstance(started, int) and not isinstance(started, bool) else _seconds()
    defaults = {
        "exp": base + options.expiration_time,
        "iss": issuer(ctx, options),
        "aud": audience(ctx, options),
    }
    for name, value in defaults.items():
        if claims.get(name) is None:
            claims[name] = value
    key = signing_key(ctx, options)
    header = {"alg": key.alg, "kid": key.kid}
    return jose_jwt.encode(
        header, claims, key.key, registry=registry_for([key.alg]), default_type=None
    )


def token_for(ctx: Context, options: JwtOptions, pair: Mapping[str, Any]) -> str:
    """A signed JWT for a session: ``pair`` is ``{"user": ..., "session": ...}`` in JSON
    form; the claims are ``iat``, the user (or ``define_payload(pair)``), then ``sub``."""
    user = pair["user"]
    body = user if options.define_payload is None else options.define_payload(dict(pair))
    subject = options.get_subject(dict(pair)) if options.get_subject is not None else None
    claims = {"iat": _seconds(), **dict(body or {}), "sub": subject or user["id"]}
    return sign(ctx, options, claims)


def verify(ctx: Context, options: JwtOptions, token: str, iss: str | None = None) -> Any:
    """The claims of a token one of the stored keys signed, with ``exp``, ``nbf``, ``iss``
    (``iss`` or the configured one), ``aud`` and ``sub`` checked; ``None`` when anything
    is wrong, as Better Auth's ``verifyJWT`` answers."""
    try:
        kid = token_kid(token)
    except InvalidJWT:
        return None
    row = ctx.adapter.find_one(TABLE, {"id": kid})
    if row is None:
        return None
    try:
        return check(
            token,
            json.loads(row["publicKey"]),
            row.get("alg") or options.alg,
            issuer=iss or issuer(ctx, options),
            audience=audience(ctx, options),
            now=_seconds,
        )
    except InvalidJWT:
        return None
