"""``private_key_jwt`` client authentication (RFC 7523) at a provider's token endpoint:
the ``client_assertion`` option of a built-in provider (Better Auth 1.7.24's Microsoft
Entra ID ``clientAssertion``) is a function that returns the assertion JWT, and
:func:`private_key_jwt` makes one that signs it with the app's private key."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from ..clock import now
from ..errors import BetterAuthError

#: The ``client_assertion_type`` of a JWT assertion.
CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
#: The asymmetric algorithms an assertion may be signed with (as Better Auth).
ALGORITHMS = (
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)

#: ``getter(context) -> assertion``; ``context`` has ``client_id``, ``token_endpoint``
#: and ``grant_type``.
AssertionGetter = Callable[[Mapping[str, str]], str]


def private_key_jwt(
    private_key: str | Mapping[str, Any],
    *,
    kid: str | None = None,
    algorithm: str | None = None,
    expires_in: int = 120,
) -> AssertionGetter:
    """A ``client_assertion`` getter signing a fresh assertion per token request:
    ``iss`` and ``sub`` the client id, ``aud`` the token endpoint, a ``jti``, and
    ``expires_in`` seconds to live.

    :param private_key: a PKCS#8 PEM or a private JWK (its ``alg`` and ``kid`` count).
    :raises BetterAuthError: at once, for a key or algorithm that cannot sign.
    """
    from joserfc.errors import JoseError
    from joserfc.jwk import JWKRegistry

    found_alg = private_key.get("alg") if isinstance(private_key, Mapping) else None
    if algorithm and found_alg and algorithm != found_alg:
        raise BetterAuthError(f"the JWK's alg {found_alg!r} is not {algorithm!r}")
    alg = str(algorithm or found_alg or "RS256")
    if alg not in ALGORITHMS:
        raise BetterAuthError(
            f"private_key_jwt cannot sign with {alg!r} (use {', '.join(ALGORITHMS)})"
        )
    try:
        if isinstance(private_key, Mapping):
            key: Any = JWKRegistry.import_key(dict(private_key))
        else:
            kind = "OKP" if alg == "EdDSA" else "EC" if alg.startswith("ES") else "RSA"
            key = JWKRegistry.import_key(private_key, kind)
    except (JoseError, ValueError, TypeError) as error:
        raise BetterAuthError(f"private_key_jwt: the key cannot be read ({error})") from error
    if not key.is_private:
        raise BetterAuthError("private_key_jwt needs a private key")
    key_id = kid or (private_key.get("kid") if isinstance(private_key, Mapping) else None)

    def sign(context: Mapping[str, str]) -> str:
        from joserfc import jwt

        moment = int(now().timestamp())
        header = {"alg": alg, "typ": "JWT", **({"kid": key_id} if key_id else {})}
        claims = {
            "iss": context["client_id"],
            "sub": context["client_id"],
            "aud": context["token_endpoint"],
            "iat": moment,
            "exp": moment + expires_in,
            "jti": str(uuid.uuid4()),
        }
        return jwt.encode(header, claims, key, algorithms=[alg])

    return sign


def assertion_auth(getter: AssertionGetter) -> Callable[..., Any]:
    """An Authlib client-authentication method sending ``getter``'s assertion."""
    from authlib.common.urls import add_params_to_qs
    from authlib.common.urls import url_decode

    def encode(client: Any, method: str, uri: str, headers: Any, body: str) -> Any:
        grant = dict(url_decode(body or "")).get("grant_type", "")
        context = {"client_id": client.client_id, "token_endpoint": uri, "grant_type": grant}
        pairs = [
            ("client_id", client.client_id),
            ("client_assertion_type", CLIENT_ASSERTION_TYPE),
            ("client_assertion", getter(context)),
        ]
        body = add_params_to_qs(body or "", pairs)
        if "Content-Length" in headers:
            headers["Content-Length"] = str(len(body))
        return uri, headers, body

    return encode
