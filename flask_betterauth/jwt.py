"""HS256 JSON Web Tokens, as Better Auth signs its email-verification links.

Better Auth signs with ``jose``'s ``SignJWT``: header ``{"alg":"HS256"}``, the claims
followed by ``iat`` and ``exp`` (seconds), the secret's UTF-8 bytes as the key. A token
made here verifies there and the other way round, so a link mailed by either server works
on the other when they share the secret. Signing and checking are joserfc's; the time
comes from :func:`flask_betterauth.clock.now`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from joserfc import jwt as jose_jwt
from joserfc.errors import ExpiredTokenError
from joserfc.errors import InvalidClaimError
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

from .clock import now

_HEADER = {"alg": "HS256"}
_ALGORITHMS = ["HS256"]


class InvalidToken(Exception):
    """The token is malformed, not HS256, or its signature does not match."""


class ExpiredToken(InvalidToken):
    """The token is genuine but its ``exp`` has passed."""


class _Claims(jose_jwt.JWTClaimsRegistry):
    """``exp`` and ``nbf`` checked on our clock; ``iat`` need only be a number (as
    ``jose`` without ``maxTokenAge``: a server whose clock runs ahead is not refused)."""

    def validate_iat(self, value: object) -> None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InvalidClaimError("iat", "Claim 'iat' must be a NumericDate value")


def _seconds() -> int:
    return int(now().timestamp())


def encode(claims: Mapping[str, Any], key: bytes, expires_in: int) -> str:
    """Sign ``claims`` (``None`` values left out) with ``iat`` now and ``exp`` in
    ``expires_in`` seconds."""
    issued = _seconds()
    payload = {name: value for name, value in claims.items() if value is not None}
    payload.update(iat=issued, exp=issued + expires_in)
    return jose_jwt.encode(
        _HEADER, payload, OctKey.import_key(key), algorithms=_ALGORITHMS, default_type=None
    )


def decode(token: str, key: bytes) -> dict[str, Any]:
    """The claims of a token this key signed.

    :raises ExpiredToken: when it is genuine but expired (``exp`` at or before now).
    :raises InvalidToken: for anything else that is wrong with it.
    """
    try:
        claims = jose_jwt.decode(token, OctKey.import_key(key), algorithms=_ALGORITHMS).claims
        _Claims(now=_seconds, leeway=0).validate(claims)
    except ExpiredTokenError:
        raise ExpiredToken("the token has expired") from None
    except (JoseError, ValueError, TypeError) as error:
        raise InvalidToken(f"the token is not a genuine HS256 JWT ({error})") from None
    return claims
