"""Generic OAuth 2.0 / OpenID Connect providers (the ``generic_oauth`` plugin's
``config`` entries, spec section 9): endpoints given or read from a discovery
document, which is fetched on first use and again after a failure."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from ..errors import BetterAuthError
from .oauth import ProviderError
from .oauth import get_json
from .oauth import verify_id_token
from .providers import Provider
from .providers import ProviderOptions
from .providers import ProviderSource


@dataclass(frozen=True)
class GenericOAuthConfig:
    """One generic provider (Better Auth's ``GenericOAuthConfig``, snake_case)."""

    provider_id: str
    client_id: str
    client_secret: str | None = None
    name: str | None = None
    discovery_url: str | None = None
    authorization_url: str | None = None
    token_url: str | None = None
    user_info_url: str | None = None
    scopes: list[str] = field(default_factory=list)
    redirect_uri: str | None = None
    response_type: str = "code"
    response_mode: str | None = None
    prompt: str | None = None
    pkce: bool = True
    access_type: str | None = None
    access_token_expires_in: int | None = None
    authorization_url_params: dict[str, str] = field(default_factory=dict)
    #: ``post`` (``client_secret_post``, the default) or ``basic``.
    authentication: str = "post"
    get_user_info: Callable[[Mapping[str, Any]], Any] | None = None
    map_profile_to_user: Callable[[Mapping[str, Any]], Any] | None = None
    disable_id_token_nonce_binding: bool = False
    disable_implicit_sign_up: bool = False
    disable_sign_up: bool = False
    override_user_info: bool = False
    #: No session while the local user's e-mail is unverified (as the built-ins').
    require_email_verification: bool = False
    #: A callback with a code but no ``state`` (a flow the provider started) restarts
    #: the sign-in with a fresh state instead of failing with ``state_not_found``.
    allow_idp_initiated: bool = False
    timeout: float = 10.0


def parse_config(raw: Any) -> GenericOAuthConfig:
    """Check one ``config`` entry.

    :raises BetterAuthError: naming an unknown key or a missing required one.
    """
    if isinstance(raw, GenericOAuthConfig):
        return raw
    if not isinstance(raw, Mapping):
        raise BetterAuthError("each generic_oauth config entry must be a mapping")
    known = {f.name for f in dataclasses.fields(GenericOAuthConfig)}
    for key in raw:
        if key not in known:
            raise BetterAuthError(f"unknown generic_oauth option {key!r}")
    try:
        config = GenericOAuthConfig(**dict(raw))
    except TypeError as error:
        raise BetterAuthError(f"generic_oauth config is incomplete: {error}") from error
    if not config.discovery_url and not (config.authorization_url and config.token_url):
        raise BetterAuthError(
            f"generic_oauth provider {config.provider_id!r} needs discovery_url, or "
            "authorization_url and token_url"
        )
    if config.authentication not in ("post", "basic"):
        raise BetterAuthError("generic_oauth authentication must be 'post' or 'basic'")
    return config


def _profile(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    """Spec 9.5: the verified ID token's claims when they have ``sub`` and ``email``,
    else the user-info endpoint (whose ``sub`` must match the ID token's)."""
    id_claims: dict[str, Any] | None = None
    token = tokens.get("idToken")
    if isinstance(token, str) and provider.jwks_uri and provider.issuer:
        nonce = tokens.get("_nonce")
        id_claims = verify_id_token(
            provider, token, nonce=nonce if isinstance(nonce, str) else None
        )
        if id_claims.get("sub") and id_claims.get("email"):
            return {**id_claims, "id": id_claims["sub"], "_idTokenSub": id_claims["sub"]}
    if not provider.user_info_endpoint:
        return id_claims
    found = get_json(provider, provider.user_info_endpoint, str(tokens.get("accessToken") or ""))
    if not isinstance(found, dict):
        return None
    if id_claims and found.get("sub") and found["sub"] != id_claims.get("sub"):
        raise ProviderError("the user-info subject is not the ID token's")
    sub = (id_claims or {}).get("sub") or found.get("sub")
    return {**found, "id": found.get("id") or sub, "_idTokenSub": (id_claims or {}).get("sub")}


def _map(profile: Mapping[str, Any]) -> dict[str, Any]:
    verified = profile.get("email_verified")
    return {
        "id": profile.get("_idTokenSub") or profile.get("id") or profile.get("sub"),
        "name": profile.get("name") or "",
        "email": profile.get("email"),
        "emailVerified": verified is True or verified == "true",
        "image": profile.get("picture"),
    }


class GenericProviders(ProviderSource):
    """The providers of one ``generic_oauth`` plugin; discovery documents are read on
    first use and kept (a failed read is tried again on the next request)."""

    def __init__(self, configs: list[GenericOAuthConfig]) -> None:
        self.configs = configs
        self._built: dict[str, Provider] = {}
        self._lock = threading.Lock()

    def providers(self) -> list[Provider]:
        found = []
        for config in self.configs:
            provider = self._provider(config)
            if provider is not None:
                found.append(provider)
        return found

    def ids(self) -> list[str]:
        """The configured provider ids (discovered or not)."""
        return [config.provider_id for config in self.configs]

    def _provider(self, config: GenericOAuthConfig) -> Provider | None:
        with self._lock:
            built = self._built.get(config.provider_id)
        if built is not None:
            return built
        document: dict[str, Any] = {}
        if config.discovery_url:
            try:
                document = _discover(config)
            except ProviderError:
                return None
        provider = _build(config, document)
        with self._lock:
            self._built[config.provider_id] = provider
        return provider


def _discover(config: GenericOAuthConfig) -> dict[str, Any]:
    import requests

    try:
        answer = requests.get(str(config.discovery_url), timeout=config.timeout)
        answer.raise_for_status()
        document = answer.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderError(f"discovery failed: {error}") from error
    if not isinstance(document, dict):
        raise ProviderError("the discovery document is not an object")
    return document


def _build(config: GenericOAuthConfig, document: Mapping[str, Any]) -> Provider:
    algorithms = document.get("id_token_signing_alg_values_supported")
    oidc = isinstance(algorithms, list) and bool(algorithms)
    issuer = document.get("issuer") if isinstance(document.get("issuer"), str) else None
    jwks_uri = document.get("jwks_uri") if isinstance(document.get("jwks_uri"), str) else None
    verifies = bool(oidc and issuer and jwks_uri)
    scopes = list(config.scopes)
    if oidc and "openid" not in scopes:
        scopes.insert(0, "openid")
    options = ProviderOptions(
        client_id=config.client_id,
        client_secret=config.client_secret,
        redirect_uri=config.redirect_uri,
        map_profile_to_user=config.map_profile_to_user,
        get_user_info=config.get_user_info,
        disable_implicit_sign_up=config.disable_implicit_sign_up,
        disable_sign_up=config.disable_sign_up,
        override_user_info_on_sign_in=config.override_user_info,
        require_email_verification=config.require_email_verification,
        disable_id_token_sign_in=not verifies,
        timeout=config.timeout,
    )
    slots = {"prompt": config.prompt, "access_type": config.access_type}
    return Provider(
        id=config.provider_id,
        name=config.name or config.provider_id,
        options=options,
        authorization_endpoint=config.authorization_url
        or str(document.get("authorization_endpoint") or ""),
        token_endpoint=config.token_url or str(document.get("token_endpoint") or ""),
        user_info_endpoint=config.user_info_url or document.get("userinfo_endpoint"),
        default_scopes=tuple(scopes),
        profile=_profile,
        mapper=_map,
        pkce=config.pkce,
        response_type=config.response_type,
        response_mode=config.response_mode,
        slot_params={k: v for k, v in slots.items() if v},
        extra_params=dict(config.authorization_url_params),
        issuer=issuer,
        jwks_uri=jwks_uri,
        id_token_algorithms=tuple(str(a) for a in algorithms or ()) if oidc else ("RS256",),
        id_token_issuers=(issuer,) if verifies and issuer else None,
        nonce=verifies and not config.disable_id_token_nonce_binding,
        allow_idp_initiated=config.allow_idp_initiated,
        request_scopes_first=True,
        oidc=oidc,
        access_token_expires_in=config.access_token_expires_in,
        token_auth="client_secret_basic"
        if config.authentication == "basic"
        else "client_secret_post",
    )
