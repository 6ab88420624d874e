"""Verify the plugin's JWTs: in the app (``auth.api.verify_jwt``) and in other Python
services, which read the public keys from the app's ``/jwks``.

Another service needs no database and no secret::

    from flask_betterauth.plugins.jwt_plugin import RemoteJWKS, verify_jwt

    keys = RemoteJWKS("https://example.com/api/auth/jwks")   # fetched once, cached

    claims = verify_jwt(token, keys, issuer="https://example.com",
                        audience="https://example.com")
"""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.request
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from joserfc import jwt as jose_jwt
from joserfc.errors import JoseError
from joserfc.jwk import JWKRegistry

from .keys import registry_for

#: The JWKS as JSON: ``{"keys": [{"kty", "alg", "kid", ...}, ...]}``.
JWKS = Mapping[str, Any]


class InvalidJWT(Exception):
    """The token is malformed, signed by no listed key, expired, not yet valid, or not
    for this issuer or audience; the message says which."""


class JWKSUnavailable(Exception):
    """The JWKS could not be fetched, or the answer was not a JWKS."""


class RemoteJWKS:
    """The JWKS at ``url``, fetched on first use and kept for ``max_age`` seconds; a token
    whose ``kid`` is not listed fetches it again (a rotated key), at most once every
    ``min_refresh`` seconds.

    :param url: the app's ``/jwks`` URL (``https://example.com/api/auth/jwks``).
    :param fetch: ``fetch(url) -> dict``; by default an HTTP GET with ``timeout``.
    """

    def __init__(
        self,
        url: str,
        *,
        max_age: float = 300,
        min_refresh: float = 10,
        timeout: float = 5,
        fetch: Callable[[str], JWKS] | None = None,
    ) -> None:
        if not url.startswith(("https://", "http://")):
            raise ValueError(f"the JWKS URL must be http(s), not {url!r}")
        self.url = url
        self.max_age = max_age
        self.min_refresh = min_refresh
        self.timeout = timeout
        self._fetch = fetch or self._http_get
        self._jwks: JWKS | None = None
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def _http_get(self, url: str) -> JWKS:
        # The scheme was checked (http or https) when the object was made.
        request = urllib.request.Request(url, headers={"Accept": "application/json"})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                data = json.loads(response.read())
        except (OSError, ValueError) as error:
            raise JWKSUnavailable(f"{url}: {error}") from error
        if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
            raise JWKSUnavailable(f"{url} did not answer a JWKS")
        return data

    def keys(self, kid: str | None = None) -> JWKS:
        """The JWKS, fetched again when it is stale or lacks ``kid``."""
        with self._lock:
            age = time.monotonic() - self._fetched_at
            stale = self._jwks is None or age > self.max_age
            missing = kid is not None and _find(self._jwks, kid) is None
            if stale or (missing and age > self.min_refresh):
                self._jwks = self._fetch(self.url)
                self._fetched_at = time.monotonic()
            assert self._jwks is not None
            return self._jwks


def _find(jwks: JWKS | None, kid: str) -> Mapping[str, Any] | None:
    listed = (jwks or {}).get("keys")
    if not isinstance(listed, list):
        return None
    return next((k for k in listed if isinstance(k, dict) and k.get("kid") == kid), None)


def token_kid(token: str) -> str:
    """The ``kid`` of a token's protected header.

    :raises InvalidJWT: when the token is not a JWS with a ``kid``.
    """
    parts = token.split(".") if isinstance(token, str) else []
    if len(parts) != 3:
        raise InvalidJWT("a JWT has three parts")
    try:
        header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
    except ValueError:
        raise InvalidJWT("the header is not base64url JSON") from None
    kid = header.get("kid") if isinstance(header, dict) else None
    if not isinstance(kid, str):
        raise InvalidJWT("the header names no key (kid)")
    return kid


def check(
    token: str,
    jwk: Mapping[str, Any],
    alg: str,
    *,
    issuer: str | None,
    audience: str | list[str] | None,
    now: Callable[[], int],
) -> dict[str, Any]:
    """The claims of ``token`` if ``jwk`` (algorithm ``alg``) signed it and ``exp``,
    ``nbf``, ``iss`` and ``aud`` hold at ``now()``; it must have ``sub``.

    :raises InvalidJWT: naming what is wrong.
    """
    try:
        key = JWKRegistry.import_key(dict(jwk))
        claims = jose_jwt.decode(token, key, registry=registry_for([alg])).claims
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise InvalidJWT(f"the signature does not verify ({error!r})") from None
    checks: dict[str, Any] = {"sub": {"essential": True}}
    if issuer is not None:
        checks["iss"] = {"essential": True, "value": issuer}
    if audience is not None:
        option = "values" if isinstance(audience, list) else "value"
        checks["aud"] = {"essential": True, option: audience}
    try:
        jose_jwt.JWTClaimsRegistry(now=now, leeway=0, **checks).validate(claims)
    except JoseError as error:
        raise InvalidJWT(f"the claims do not hold ({error})") from None
    return claims


def verify_jwt(
    token: str,
    jwks: str | JWKS | RemoteJWKS,
    *,
    issuer: str | None,
    audience: str | list[str] | None,
    now: Callable[[], int] | None = None,
) -> dict[str, Any]:
    """The claims of a token the ``jwt`` plugin signed, for another Python service.

    :param jwks: the app's ``/jwks`` URL (fetched each call), a :class:`RemoteJWKS`
        (fetched once and cached: use one per process), or the JWKS itself.
    :param issuer: the ``iss`` the token must have (the app's origin unless the plugin's
        ``jwt.issuer`` says otherwise); ``None`` skips the check.
    :param audience: the ``aud`` it must have (a list: any of them); ``None`` skips it.
    :param now: seconds since the epoch, for tests; the system clock by default.
    :raises InvalidJWT: when it is malformed, signed by no listed key, expired, not yet
        valid, or for another issuer or audience.
    :raises JWKSUnavailable: when the JWKS URL does not answer a JWKS.
    """
    kid = token_kid(token)
    source = RemoteJWKS(jwks, max_age=0) if isinstance(jwks, str) else jwks
    listed = source.keys(kid) if isinstance(source, RemoteJWKS) else source
    jwk = _find(listed, kid)
    if jwk is None:
        raise InvalidJWT(f"no key {kid!r} in the JWKS")
    alg = jwk.get("alg")
    if not isinstance(alg, str):
        raise InvalidJWT(f"the key {kid!r} names no algorithm")
    return check(
        token,
        jwk,
        alg,
        issuer=issuer,
        audience=audience,
        now=now or (lambda: int(time.time())),
    )
