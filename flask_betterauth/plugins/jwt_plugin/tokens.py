"""Signing and verifying the plugin's JWTs, as Better Auth's ``signJWT``/``verifyJWT`` do.

A session's token has the protected header ``{"alg", "kid"}`` and the payload ``iat``,
then every returned user field (or what ``define_payload`` gives), then ``sub`` (the user
id or ``get_subject``), ``exp`` (``iat`` + ``expiration_time``), ``iss`` and ``aud``
(the options, else the app's origin).

get-session's ``set-auth-jwt`` header reuses a token already signed for the same session
while at least half of its life is left (:func:`session_token`): signing costs more than
the rest of a cookie-cache hit. The reuse is keyed by the session id, the signing key's id
and every input of the claims (the user's fields, ``define_payload``'s and
``get_subject``'s answers, ``iss``, ``aud``), so a changed user or a rotated key signs
anew.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from collections.abc import Mapping
from typing import Any

from joserfc import jwt as jose_jwt

from flask_betterauth.plugins import Context
from flask_betterauth.plugins import now_ms

from .keys import TABLE
from .keys import KeyCache
from .keys import SigningKey
from .keys import registry_for
from .keys import signing_key
from .options import JwtOptions
from .verify import InvalidJWT
from .verify import check
from .verify import token_kid


def _seconds() -> int:
    return now_ms() // 1000


def issuer(ctx: Context, options: JwtOptions) -> str:
    """The ``iss`` of new tokens: the option, else the app's origin."""
    return options.issuer or ctx.origin


def audience(ctx: Context, options: JwtOptions) -> str | list[str]:
    """The ``aud`` of new tokens: the option, else the app's origin."""
    return options.audience or ctx.origin


_REGISTRIES: dict[str, Any] = {}


def _registry(alg: str) -> Any:
    registry = _REGISTRIES.get(alg)
    if registry is None:
        registry = _REGISTRIES[alg] = registry_for([alg])
    return registry


def sign(ctx: Context, options: JwtOptions, payload: Mapping[str, Any]) -> str:
    """``payload`` signed with the current key; ``exp``, ``iss`` and ``aud`` added unless
    it has them (``exp`` from its ``iat``, or now, plus ``expiration_time``)."""
    return _sign_with(ctx, options, payload, signing_key(ctx, options))


def _sign_with(
    ctx: Context, options: JwtOptions, payload: Mapping[str, Any], key: SigningKey
) -> str:
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
    header = {"alg": key.alg, "kid": key.kid}
    return jose_jwt.encode(header, claims, key.key, registry=_registry(key.alg), default_type=None)


def _claims_inputs(pair: Mapping[str, Any], options: JwtOptions) -> tuple[dict[str, Any], Any]:
    user = pair["user"]
    body = user if options.define_payload is None else options.define_payload(dict(pair))
    subject = options.get_subject(dict(pair)) if options.get_subject is not None else None
    # The claims are read, never changed: a plain dict (the usual user) is not copied.
    return body if type(body) is dict else dict(body or {}), subject or user["id"]


def token_for(ctx: Context, options: JwtOptions, pair: Mapping[str, Any]) -> str:
    """A signed JWT for a session: ``pair`` is ``{"user": ..., "session": ...}`` in JSON
    form; the claims are ``iat``, the user (or ``define_payload(pair)``), then ``sub``."""
    body, subject = _claims_inputs(pair, options)
    return sign(ctx, options, {"iat": _seconds(), **body, "sub": subject})


#: Value types whose ``==`` and ``hash`` agree with their JSON text once the type is
#: compared too (``True == 1`` but ``true`` is not ``1``: the key holds each type).
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _reuse_key(
    session_id: Any, kid: str, body: dict[str, Any], subject: Any, iss: Any, aud: Any
) -> Hashable | None:
    """What a reusable token is filed under: every input of its claims, or ``None`` when
    they cannot key it (then it is signed every time).

    Plain values (the usual user fields) key as a tuple of ``(name, value)`` pairs and
    their types, in the claims' order; anything else keys by its JSON text.
    """
    types = tuple(map(type, body.values()))
    if _SCALARS.issuperset(types) and type(subject) in _SCALARS:
        audience_key = aud if type(aud) is str else tuple(aud)
        key = (session_id, kid, iss, audience_key, subject, type(subject),
               tuple(body.items()), types)  # fmt: skip
        try:
            hash(key)
        except TypeError:  # an audience list holding something unhashable
            pass
        else:
            return key
    try:
        inputs = json.dumps([body, subject, iss, aud], separators=(",", ":"))
    except (TypeError, ValueError):
        return None  # claims JSON cannot key (a custom payload)
    return f"{session_id}\x00{kid}\x00{inputs}"


def session_token(ctx: Context, options: JwtOptions, pair: Mapping[str, Any]) -> str:
    """:func:`token_for`, reusing the token last signed for the same session, key and
    claims while at least half of its ``expiration_time`` is left.

    A reused token is byte for byte the one sent before (same ``iat`` and ``exp``). The
    cache is the plugin's per-app state, bounded, and per process.
    """
    body, subject = _claims_inputs(pair, options)
    current = now_ms()  # one clock read for the key's expiry and the token's iat
    key = signing_key(ctx, options, current)
    iss, aud = issuer(ctx, options), audience(ctx, options)
    entry = _reuse_key(pair["session"].get("id"), key.kid, body, subject, iss, aud)
    moment = current // 1000
    cache = ctx.plugin_state("jwt", KeyCache)
    if entry is not None:
        found = cache.tokens.get(entry)
        if found is not None and 0 <= moment - found[1] < options.expiration_time / 2:
            return found[0]
    token = _sign_with(ctx, options, {"iat": moment, **body, "sub": subject}, key)
    if entry is not None:
        cache.remember_token(entry, token, moment)
    return token


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
