"""Random tokens, HMAC signatures and the hashing of session tokens at rest."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import uuid
from collections.abc import Callable

from .errors import NotBuiltError

ALPHANUMERIC = string.ascii_letters + string.digits
LOWER_ALPHANUMERIC = string.digits + string.ascii_lowercase


def random_string(length: int = 32, alphabet: str = ALPHANUMERIC) -> str:
    """A cryptographically random string of ``length`` characters from ``alphabet``."""
    return "".join(secrets.choice(alphabet) for _ in range(length))


def generate_id() -> str:
    """A new row id: 32 random alphanumeric characters, as Better Auth makes them."""
    return random_string(32)


def id_generator(choice: Callable[[], str] | str | None) -> Callable[[], str]:
    """The id function ``advanced.generate_id`` names: a function, ``"uuid"``, or ``None``
    for Better Auth's 32-character ids.

    :raises NotBuiltError: for database-generated (``"serial"``) ids, not built yet.
    """
    if choice is None:
        return generate_id
    if callable(choice):
        return choice
    if choice == "uuid":
        return lambda: str(uuid.uuid4())
    raise NotBuiltError(
        f"advanced.generate_id={choice!r} is not available: use a function, 'uuid', or leave it "
        "unset (database-generated ids are not built yet)"
    )


def hmac_sha256(key: bytes, message: str) -> bytes:
    """The raw HMAC-SHA256 of ``message`` (UTF-8) under ``key``."""
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def sign(key: bytes, value: str) -> str:
    """Better Auth's cookie signature: standard base64 (padded) of HMAC-SHA256."""
    return base64.b64encode(hmac_sha256(key, value)).decode()


def b64url(data: bytes) -> str:
    """URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """Decode URL-safe base64 with or without padding; raises ``ValueError`` if malformed."""
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.urlsafe_b64decode(padded.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise ValueError("not base64url") from error


def constant_time_equal(left: str, right: str) -> bool:
    """Compare two strings in time independent of where they differ."""
    return hmac.compare_digest(left.encode(), right.encode())


#: Length of :func:`hash_token` output; raw Better Auth tokens are 32 characters.
HASHED_TOKEN_LENGTH = 43


def hash_token(token: str) -> str:
    """The at-rest form of a session token: base64url SHA-256, 43 characters.

    A session token carries 190 bits of randomness, so an unsalted fast hash is enough:
    the point is that a copy of the table grants no session.
    """
    return b64url(hashlib.sha256(token.encode()).digest())
