"""The ceremony challenge (spec 4): a random token in a signed cookie naming a
verification row that holds the expected challenge; the row is consumed by the verify
endpoint, so a challenge is used at most once, and lives 300 seconds.

Only the token's SHA-256 is stored (the core's rule for every verification row: Better
Auth's ``storeIdentifier: "hashed"``).
"""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context

from .settings import CHALLENGE_COOKIE
from .settings import CHALLENGE_SECONDS

#: Verification rows of passkey challenges carry no prefix, as Better Auth's.
PREFIX = ""
_TOKEN_ALPHABET = string.ascii_letters + string.digits + "-_"
REGISTRATION = "registration"
AUTHENTICATION = "authentication"


def new_challenge() -> bytes:
    """32 random bytes (Better Auth's size; py_webauthn's default is 64)."""
    return secrets.token_bytes(32)


def store(ctx: Context, value: dict[str, Any]) -> None:
    """Keep ``value`` (type, expected challenge, user data) for 300 s under a new token
    and send the token in the signed challenge cookie (overwriting an earlier one)."""
    token = "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(32))
    ctx.verifications.put(
        PREFIX, token, json.dumps(value, separators=(",", ":")), CHALLENGE_SECONDS
    )
    ctx.set_signed_cookie(ctx.cookie_spec(CHALLENGE_COOKIE), token, CHALLENGE_SECONDS)


def take(ctx: Context, kind: str) -> dict[str, Any]:
    """The stored challenge of this browser's cookie, used up (deleted) whatever follows.

    :raises APIError: 400 ``CHALLENGE_NOT_FOUND`` without a validly signed cookie, when
        the row is gone (used, expired) or was made for the other ceremony.
    """
    token = ctx.signed_cookie(ctx.cookie_spec(CHALLENGE_COOKIE))
    row = ctx.verifications.consume(PREFIX, token) if token else None
    if row is None:
        raise APIError(400, "CHALLENGE_NOT_FOUND")
    try:
        value = json.loads(str(row["value"]))
    except ValueError:
        value = None
    if (
        not isinstance(value, dict)
        or value.get("type") != kind
        or not isinstance(value.get("expectedChallenge"), str)
    ):
        raise APIError(400, "CHALLENGE_NOT_FOUND")
    return value
