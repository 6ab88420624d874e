"""HS256 JSON Web Tokens, as Better Auth signs its email-verification links.

Better Auth signs with ``jose``'s ``SignJWT``: header ``{"alg":"HS256"}``, the claims
followed by ``iat`` and ``exp`` (seconds), the secret's UTF-8 bytes as the key. A token
made here verifies there and the other way round, so a link mailed by either server works
on the other when they share the secret.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .clock import now
from .crypto import b64url
from .crypto import b64url_decode
from .crypto import constant_time_equal
from .crypto import hmac_sha256

_HEADER = {"alg": "HS256"}


class InvalidToken(Exception):
    """The token is malformed, not HS256, or its signature does not match."""


class ExpiredToken(InvalidToken):
    """The token is genuine but its ``exp`` has passed."""


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _seconds() -> int:
    return int(now().timestamp())


def encode(claims: Mapping[str, Any], key: bytes, expires_in: int) -> str:
    """Sign ``claims`` (``None`` values left out) with ``iat`` now and ``exp`` in
    ``expires_in`` seconds."""
    issued = _seconds()
    payload = {name: value for name, value in claims.items() if value is not None}
    payload.update(iat=issued, exp=issued + expires_in)
    signing_input = f"{b64url(_json(_HEADER).encode())}.{b64url(_json(payload).encode())}"
    return f"{signing_input}.{b64url(hmac_sha256(key, signing_input))}"


def decode(token: str, key: bytes) -> dict[str, Any]:
    """The claims of a token this key signed.

    :raises ExpiredToken: when it is genuine but expired (``exp`` at or before now).
    :raises InvalidToken: for anything else that is wrong with it.
    """
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidToken("a JWT has three parts")
    header_part, payload_part, signature = parts
    try:
        header = json.loads(b64url_decode(header_part))
        payload = json.loads(b64url_decode(payload_part))
    except (ValueError, UnicodeDecodeError):
        raise InvalidToken("the header or the payload is not base64url JSON") from None
    if not isinstance(header, dict) or header.get("alg") != "HS256" or "crit" in header:
        raise InvalidToken("only HS256 tokens without critical extensions are accepted")
    expected = b64url(hmac_sha256(key, f"{header_part}.{payload_part}"))
    if not constant_time_equal(expected, signature):
        raise InvalidToken("the signature does not match")
    if not isinstance(payload, dict):
        raise InvalidToken("the payload is not a JSON object")
    for claim in ("exp", "iat", "nbf"):
        value = payload.get(claim)
        if claim in payload and (not isinstance(value, (int, float)) or isinstance(value, bool)):
            raise InvalidToken(f"the {claim!r} claim is not a number")
    moment = _seconds()
    if "nbf" in payload and payload["nbf"] > moment:
        raise InvalidToken("the token is not valid yet")
    if "exp" in payload and payload["exp"] <= moment:
        raise ExpiredToken("the token has expired")
    return payload
