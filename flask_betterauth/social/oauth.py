"""The HTTP legs of OAuth 2.0 / OpenID Connect, through Authlib and joserfc: the code
exchange, the refresh, JSON reads of user-info APIs, ID-token verification by JWKS.

Every failure is a :class:`ProviderError` (a refused code, a provider that answers an
error or not at all, a bad token); callers turn it into the spec's redirect or code.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from ..clock import now
from .providers import Provider

#: JWKS documents are kept this long (seconds) before they are fetched again.
JWKS_TTL = 3600.0
#: ID-token clock tolerance (seconds), as Better Auth.
LEEWAY = 30

_jwks_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_jwks_lock = threading.Lock()


class ProviderError(Exception):
    """The provider refused, failed or could not be reached."""


def _session(provider: Provider) -> Any:
    from authlib.integrations.requests_client import OAuth2Session

    from .assertion import assertion_auth

    options = provider.options
    secret = provider.client_secret()
    key = provider.token_auth == "client_key"  # noqa: S105  (a method name)
    method = provider.token_auth if secret or key else "none"
    if options.client_assertion is not None:
        method = "private_key_jwt"
    session = OAuth2Session(
        client_id=options.client_key if key else options.first_client_id,
        client_secret=secret,
        token_endpoint_auth_method=method,
        default_timeout=options.timeout,
    )
    if key:
        session.register_client_auth_method(("client_key", _client_key_auth))
    if options.client_assertion is not None:
        auth = assertion_auth(options.client_assertion)
        session.register_client_auth_method(("private_key_jwt", auth))
    return session


def _client_key_auth(client: Any, method: str, uri: str, headers: Any, body: str) -> Any:
    """TikTok's token client authentication: ``client_key`` and ``client_secret`` in
    the form, no ``client_id``."""
    from authlib.common.urls import add_params_to_qs

    pairs = [("client_key", client.client_id or ""), ("client_secret", client.client_secret or "")]
    body = add_params_to_qs(body or "", pairs)
    if "Content-Length" in headers:
        headers["Content-Length"] = str(len(body))
    return uri, headers, body


def _requests_errors() -> tuple[type[BaseException], ...]:
    import requests
    from authlib.common.errors import AuthlibBaseError

    return (AuthlibBaseError, requests.RequestException, ValueError, KeyError, TypeError)


def exchange_code(
    provider: Provider,
    code: str,
    verifier: str | None,
    redirect_uri: str,
    device_id: str | None = None,
) -> dict[str, Any]:
    """Trade an authorization code for tokens (Better Auth's field names, spec 4.3);
    the callback's ``device_id`` goes along to providers that want it (VK ID).

    :raises ProviderError: when the provider refuses or cannot be reached.
    """
    if provider.exchange is not None:
        return provider.exchange(provider, code, verifier, redirect_uri)
    params: dict[str, Any] = {"code": code, "redirect_uri": redirect_uri}
    if verifier and provider.pkce:
        params["code_verifier"] = verifier
    if device_id and provider.device_id:
        params["device_id"] = device_id
    try:
        with _session(provider) as session:
            raw = session.fetch_token(
                provider.token_endpoint, grant_type="authorization_code", **params
            )
    except _requests_errors() as error:
        raise ProviderError(str(error)) from error
    return _tokens(provider, dict(raw))


def refresh(provider: Provider, refresh_token: str) -> dict[str, Any]:
    """New tokens for ``refresh_token``.

    :raises ProviderError: when the provider refuses or cannot be reached.
    """
    if provider.refresher is not None:
        return provider.refresher(provider, refresh_token)
    try:
        with _session(provider) as session:
            extra = {"scope": " ".join(provider.scopes(None))} if provider.refresh_scope else {}
            raw = session.refresh_token(
                provider.token_endpoint, refresh_token=refresh_token, **extra
            )
    except _requests_errors() as error:
        raise ProviderError(str(error)) from error
    return _tokens(provider, dict(raw))


def _tokens(
    provider: Provider, raw: Mapping[str, Any], separator: str | None = None
) -> dict[str, Any]:
    if raw.get("error") or not raw.get("access_token"):
        raise ProviderError(str(raw.get("error") or "no access token"))
    moment = now()
    expires_in = raw.get("expires_in") or provider.access_token_expires_in
    refresh_in = raw.get("refresh_token_expires_in")
    scope = raw.get("scope")
    scopes = scope.split(separator) if isinstance(scope, str) else list(scope or [])
    return {
        "accessToken": raw.get("access_token"),
        "refreshToken": raw.get("refresh_token"),
        "idToken": raw.get("id_token"),
        "accessTokenExpiresAt": moment + timedelta(seconds=int(expires_in)) if expires_in else None,
        "refreshTokenExpiresAt": moment + timedelta(seconds=int(refresh_in))
        if refresh_in
        else None,
        "scopes": scopes,
        "tokenType": raw.get("token_type"),
    }


def tokens_of(
    provider: Provider, raw: Mapping[str, Any], separator: str | None = None
) -> dict[str, Any]:
    """A token endpoint's answer ``raw`` in Better Auth's field names (``accessToken``,
    ``accessTokenExpiresAt`` from ``expires_in``, ``scopes`` split on ``separator``,
    whitespace by default), for a provider's own :attr:`~.Provider.exchange`.

    :raises ProviderError: when ``raw`` is an error or has no access token.
    """
    return _tokens(provider, raw, separator)


def get_json(provider: Provider, url: str, access_token: str) -> Any:
    """GET ``url`` with the access token as a bearer token; its JSON.

    :raises ProviderError: on a non-2xx answer, a timeout, or a body that is not JSON.
    """
    import requests

    headers = {
        "Authorization": f"Bearer {access_token}",
        "Accept": "application/json",
        "User-Agent": "better-auth",
    }
    try:
        answer = requests.get(url, headers=headers, timeout=provider.options.timeout)
        answer.raise_for_status()
        return answer.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderError(str(error)) from error


def decode_unverified(token: str) -> dict[str, Any] | None:
    """The claims of a JWT received straight from the token endpoint, unverified (as
    Better Auth reads Google's, Microsoft's and Apple's); ``None`` when malformed."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    return claims if isinstance(claims, dict) else None


def _jwks(provider: Provider) -> dict[str, Any]:
    import requests

    url = provider.jwks_uri or ""
    with _jwks_lock:
        cached = _jwks_cache.get(url)
        if cached is not None and time.monotonic() - cached[0] < JWKS_TTL:
            return cached[1]
    try:
        answer = requests.get(url, timeout=provider.options.timeout)
        answer.raise_for_status()
        document = answer.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderError(f"cannot read the keys: {error}") from error
    if not isinstance(document, dict):
        raise ProviderError("the keys are not a JWK set")
    with _jwks_lock:
        _jwks_cache[url] = (time.monotonic(), document)
    return document


def verify_id_token(
    provider: Provider,
    token: str,
    *,
    nonce: str | None,
    issuers: tuple[str, ...] | None = None,
    max_age: int | None = None,
    access_token: str | None = None,
) -> dict[str, Any]:
    """The claims of an ID token signed in with: the provider's own
    :attr:`~.Provider.id_token_verifier` (given the request's ``access_token`` too)
    when it has one, else :func:`verify_jwt`.

    :raises ProviderError: naming what failed.
    """
    if provider.id_token_verifier is not None:
        return provider.id_token_verifier(provider, token, nonce, access_token)
    return verify_jwt(provider, token, nonce=nonce, issuers=issuers, max_age=max_age)


def verify_jwt(
    provider: Provider,
    token: str,
    *,
    nonce: str | None,
    issuers: tuple[str, ...] | None = None,
    max_age: int | None = None,
) -> dict[str, Any]:
    """The claims of ``token`` once its signature (the provider's JWKS), issuer,
    audience (any client id), expiry (30 s leeway) and, given one, ``nonce`` check out.

    :raises ProviderError: naming what failed.
    """
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    accepted = issuers or ((provider.issuer,) if provider.issuer else ())
    if not accepted or not provider.jwks_uri:
        raise ProviderError("this provider's ID tokens cannot be verified")
    try:
        keys = KeySet.import_key_set(_jwks(provider))  # type: ignore[arg-type]
        decoded = jwt.decode(token, keys, algorithms=list(provider.id_token_algorithms))
        options: dict[str, Any] = {
            "iss": {"essential": True, "values": list(accepted)},
            "aud": {"essential": True, "values": provider.options.audiences},
            "sub": {"essential": True},
            "exp": {"essential": True},
            "iat": {"essential": True},
        }
        if nonce is not None:
            options["nonce"] = {"essential": True, "value": nonce}
        registry = jwt.JWTClaimsRegistry(
            now=lambda: int(now().timestamp()), leeway=LEEWAY, **options
        )
        registry.validate(decoded.claims)
    except (JoseError, ValueError, TypeError, KeyError) as error:
        raise ProviderError(f"invalid ID token: {error}") from error
    claims = dict(decoded.claims)
    if max_age is not None and int(now().timestamp()) - int(claims["iat"]) > max_age + LEEWAY:
        raise ProviderError("invalid ID token: too old")
    return claims
