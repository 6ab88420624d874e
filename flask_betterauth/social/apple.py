"""Sign in with Apple's client secret: an ES256 JWT the app signs with its private key
(``team_id``, ``key_id``, ``private_key``, the Services ID as ``client_id``), made on
first use and kept until a day before it expires. A ``client_secret`` given as is (a JWT
made elsewhere) keeps working when those three are not set."""

from __future__ import annotations

import hashlib
import threading
from datetime import timedelta

from ..clock import now
from ..errors import BetterAuthError
from .providers import ProviderOptions

#: Apple's audience for client secrets.
AUDIENCE = "https://appleid.apple.com"
#: How long a made secret lives (Apple allows up to six months).
LIFETIME = timedelta(days=30)
#: A secret this close to its expiry is made again.
RENEW_BEFORE = timedelta(days=1)

_cache: dict[str, tuple[float, str]] = {}
_lock = threading.Lock()


def check_apple(options: ProviderOptions) -> None:
    """Refuse half a key: ``team_id``, ``key_id`` and ``private_key`` go together.

    :raises BetterAuthError: naming what is missing.
    """
    given = {n: getattr(options, n) for n in ("team_id", "key_id", "private_key")}
    if any(given.values()) and not all(given.values()):
        missing = ", ".join(n for n, v in given.items() if not v)
        raise BetterAuthError(f"option 'social_providers.apple' also needs: {missing}")
    if options.private_key:
        _key(options.private_key)


def _key(pem: str) -> object:
    from joserfc.errors import JoseError
    from joserfc.jwk import ECKey

    try:
        key = ECKey.import_key(pem)
    except (JoseError, ValueError, TypeError) as error:
        raise BetterAuthError(
            "option 'social_providers.apple.private_key' is not an EC private key"
        ) from error
    if not key.is_private or key.curve_name != "P-256":
        raise BetterAuthError(
            "option 'social_providers.apple.private_key' must be a P-256 private key"
        )
    return key


def apple_secret(options: ProviderOptions) -> str | None:
    """The client secret to send Apple: the JWT made from the key (cached), else the
    ``client_secret`` option."""
    if not (options.team_id and options.key_id and options.private_key):
        return options.client_secret
    from joserfc import jwt

    digest = hashlib.sha256(options.private_key.encode()).hexdigest()
    cache_key = "|".join((options.team_id, options.key_id, options.first_client_id, digest))
    moment = now()
    with _lock:
        found = _cache.get(cache_key)
        if found is not None and found[0] - moment.timestamp() > RENEW_BEFORE.total_seconds():
            return found[1]
    issued = int(moment.timestamp())
    expires = issued + int(LIFETIME.total_seconds())
    claims = {
        "iss": options.team_id,
        "iat": issued,
        "exp": expires,
        "aud": AUDIENCE,
        "sub": options.first_client_id,
    }
    token = jwt.encode(
        {"alg": "ES256", "kid": options.key_id},
        claims,
        _key(options.private_key),  # type: ignore[arg-type]
        algorithms=["ES256"],
    )
    with _lock:
        _cache[cache_key] = (float(expires), token)
    return token
