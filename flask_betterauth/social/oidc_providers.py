"""Better Auth 1.7.24's remaining providers, mostly OpenID Connect read through a
user-info API or the token endpoint's ID token: Amazon Cognito, Kakao, Naver, LINE,
Salesforce, Vercel, Polar, Paybin, Railway, Cloudflare (WeChat is in
:mod:`.wechat_providers`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote
from urllib.parse import urlencode

from ..errors import BetterAuthError
from .oauth import ProviderError
from .oauth import decode_unverified
from .providers import Provider
from .providers import ProviderOptions
from .table import ProviderSpec
from .table import UserInfoRequest
from .table import check_endpoint_auth
from .table import endpoint_auth_method
from .table import fetch_profile
from .table import id_token_profile
from .table import table
from .table import verified


def _oidc(profile: Mapping[str, Any], name: Any, verified_claim: bool = True) -> dict[str, Any]:
    """The usual OpenID Connect mapping (``sub``, ``email``, ``picture``)."""
    return {
        "id": profile.get("sub"),
        "name": name,
        "email": profile.get("email"),
        "emailVerified": verified(profile.get("email_verified")) if verified_claim else False,
        "image": profile.get("picture"),
    }


def _id_token_or_user_info(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ID token's claims when the token endpoint gave one, else the user-info API's."""
    claims = id_token_profile(provider, tokens)
    if claims is not None:
        return claims
    if not provider.user_info_endpoint:
        return None
    found = fetch_profile(provider, UserInfoRequest(""), str(tokens.get("accessToken") or ""))
    return found if isinstance(found, dict) else None


# -- Amazon Cognito -------------------------------------------------------------------


def _cognito_host(options: ProviderOptions) -> str:
    domain = options.domain or ""
    for scheme in ("https://", "http://"):
        domain = domain.removeprefix(scheme)
    return f"https://{domain}"


def _cognito_pool(options: ProviderOptions) -> str:
    return f"https://cognito-idp.{options.region}.amazonaws.com/{options.user_pool_id}"


def _cognito_check(options: ProviderOptions) -> None:
    if options.require_client_secret and not options.client_secret:
        raise BetterAuthError(
            "option 'social_providers.cognito.client_secret' is required "
            "(require_client_secret is on)"
        )


def _cognito_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    name = profile.get("name") or profile.get("given_name") or profile.get("username") or ""
    return _oidc(profile, name)


def _cognito_query(params: list[tuple[str, str]]) -> str:
    """Better Auth's Cognito query: ``scope`` moved to the end and encoded as
    ``encodeURIComponent`` does (``%20`` for spaces; AWS refuses ``+``)."""
    rest = urlencode([(k, v) for k, v in params if k != "scope"])
    scopes = [v for k, v in params if k == "scope" and v]
    if not scopes:
        return rest
    scope = quote(scopes[0], safe="!~*'()")
    return f"{rest}&scope={scope}" if rest else f"scope={scope}"


COGNITO = ProviderSpec(
    id="cognito",
    name="Cognito",
    authorize=lambda o: f"{_cognito_host(o)}/oauth2/authorize",
    exchange=lambda o: f"{_cognito_host(o)}/oauth2/token",
    scopes=("openid", "profile", "email"),
    mapper=_cognito_map,
    profile=_id_token_or_user_info,
    user_info=UserInfoRequest(lambda o: f"{_cognito_host(o)}/oauth2/userinfo"),
    prompt=True,
    params=lambda o: {"identity_provider": o.identity_provider} if o.identity_provider else {},
    jwks_uri=lambda o: f"{_cognito_pool(o)}/.well-known/jwks.json",
    id_token_issuers=lambda o: (_cognito_pool(o),),
    required=("domain", "region", "user_pool_id"),
    check=_cognito_check,
    encode_query=_cognito_query,
    register="the AWS console: Cognito, the user pool's App clients",
)


# -- Kakao ----------------------------------------------------------------------------


def _kakao_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    account = profile.get("kakao_account") or {}
    own = account.get("profile") or {}
    return {
        "id": profile.get("id"),
        "name": own.get("nickname") or account.get("name") or "",
        "email": account.get("email"),
        "emailVerified": bool(account.get("is_email_valid"))
        and bool(account.get("is_email_verified")),
        "image": own.get("profile_image_url") or own.get("thumbnail_image_url"),
    }


KAKAO = ProviderSpec(
    id="kakao",
    name="Kakao",
    authorize="https://kauth.kakao.com/oauth/authorize",
    exchange="https://kauth.kakao.com/oauth/token",
    scopes=("account_email", "profile_image", "profile_nickname"),
    mapper=_kakao_map,
    user_info=UserInfoRequest("https://kapi.kakao.com/v2/user/me"),
    pkce=False,
    login_hint=True,
    register="https://developers.kakao.com/console/app",
)


# -- Naver ----------------------------------------------------------------------------


def _naver_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    found = profile.get("response") or {}
    return {
        "id": found.get("id"),
        "name": found.get("name") or found.get("nickname") or "",
        "email": found.get("email"),
        "emailVerified": False,
        "image": found.get("profile_image"),
    }


NAVER = ProviderSpec(
    id="naver",
    name="Naver",
    authorize="https://nid.naver.com/oauth2.0/authorize",
    exchange="https://nid.naver.com/oauth2.0/token",
    scopes=("profile", "email"),
    mapper=_naver_map,
    user_info=UserInfoRequest(
        "https://openapi.naver.com/v1/nid/me",
        pick=lambda found: (
            found if isinstance(found, Mapping) and found.get("resultcode") == "00" else None
        ),
    ),
    pkce=False,
    register="https://developers.naver.com/apps",
)


# -- LINE -----------------------------------------------------------------------------


def line_verify_endpoint(provider: Provider) -> str:
    """LINE's ``/verify`` endpoint, beside its token endpoint
    (``https://api.line.me/oauth2/v2.1/verify``)."""
    return provider.token_endpoint.rsplit("/", 1)[0] + "/verify"


def _line_verify(
    provider: Provider, token: str, nonce: str | None, access_token: str | None
) -> dict[str, Any]:
    """Better Auth's LINE ID-token check: LINE's ``/verify`` endpoint (a form ``POST``
    of ``id_token``, ``client_id`` and the ``nonce``) must accept it, its ``aud`` be
    the client id and its ``nonce``, if any, the one given; the claims are then the
    token's own.

    :raises ProviderError: when LINE refuses the token or the answer does not match.
    """
    import requests

    client_id = provider.options.first_client_id
    form = {"id_token": token, "client_id": client_id}
    if nonce:
        form["nonce"] = nonce
    try:
        answer = requests.post(
            line_verify_endpoint(provider),
            data=form,
            timeout=provider.options.timeout,
            allow_redirects=False,
        )
        if not 200 <= answer.status_code < 300:
            raise ProviderError(f"LINE refused the ID token ({answer.status_code})")
        found = answer.json()
    except (requests.RequestException, ValueError) as error:
        raise ProviderError(str(error)) from error
    if not isinstance(found, Mapping) or found.get("aud") != client_id:
        raise ProviderError("the ID token is not this channel's")
    if found.get("nonce") and found.get("nonce") != nonce:
        raise ProviderError("the ID token's nonce does not match")
    claims = decode_unverified(token)
    if claims is None:
        raise ProviderError("the ID token is not a JWT")
    return claims


LINE = ProviderSpec(
    id="line",
    name="LINE",
    authorize="https://access.line.me/oauth2/v2.1/authorize",
    exchange="https://api.line.me/oauth2/v2.1/token",
    scopes=("openid", "profile", "email"),
    mapper=lambda p: _oidc(p, p.get("name") or "", verified_claim=False),
    profile=_id_token_or_user_info,
    user_info=UserInfoRequest("https://api.line.me/oauth2/v2.1/userinfo"),
    verify_id_token=_line_verify,
    login_hint=True,
    register="https://developers.line.biz/console/ (a LINE Login channel)",
)


# -- Salesforce -----------------------------------------------------------------------


def _salesforce_host(options: ProviderOptions) -> str:
    if options.login_url:
        return f"https://{options.login_url}"
    sandbox = (options.environment or "production") == "sandbox"
    return "https://test.salesforce.com" if sandbox else "https://login.salesforce.com"


def _salesforce_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    photos = profile.get("photos") or {}
    return {
        "id": profile.get("user_id"),
        "name": profile.get("name"),
        "email": profile.get("email"),
        "emailVerified": verified(profile.get("email_verified")),
        "image": photos.get("picture") or photos.get("thumbnail"),
    }


SALESFORCE = ProviderSpec(
    id="salesforce",
    name="Salesforce",
    authorize=lambda o: f"{_salesforce_host(o)}/services/oauth2/authorize",
    exchange=lambda o: f"{_salesforce_host(o)}/services/oauth2/token",
    scopes=("openid", "email", "profile"),
    mapper=_salesforce_map,
    user_info=UserInfoRequest(lambda o: f"{_salesforce_host(o)}/services/oauth2/userinfo"),
    required=("client_secret",),
    register="Salesforce Setup: App Manager, a connected app",
)


# -- Vercel, Polar, Paybin, Railway ---------------------------------------------------

_VERCEL_METHODS = ("none", "client_secret_basic", "client_secret_post", "private_key_jwt")


def _vercel_auth(options: ProviderOptions) -> str:
    """Better Auth's default: ``client_secret_post`` with a secret, else ``none``."""
    return "client_secret_post" if options.client_secret else "none"


def _cloudflare_auth(options: ProviderOptions) -> str:
    """Better Auth's default: ``client_secret_basic`` with a secret, else ``none``."""
    return "client_secret_basic" if options.client_secret else "none"


VERCEL = ProviderSpec(
    id="vercel",
    name="Vercel",
    authorize="https://vercel.com/oauth/authorize",
    exchange="https://api.vercel.com/login/oauth/token",
    scopes=(),  # none unless the app or the request names some
    mapper=lambda p: _oidc(p, p.get("name") or p.get("preferred_username") or ""),
    user_info=UserInfoRequest("https://api.vercel.com/login/oauth/userinfo"),
    token_auth=lambda o: endpoint_auth_method(o, _vercel_auth(o)),
    check=lambda o: check_endpoint_auth("vercel", _VERCEL_METHODS, _vercel_auth(o))(o),
    register="https://vercel.com/dashboard (Settings, Apps)",
)


def _polar_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("id"),
        "name": profile.get("public_name") or profile.get("username") or "",
        "email": profile.get("email"),
        "emailVerified": verified(profile.get("email_verified")),
        "image": profile.get("avatar_url"),
    }


POLAR = ProviderSpec(
    id="polar",
    name="Polar",
    authorize="https://polar.sh/oauth2/authorize",
    exchange="https://api.polar.sh/v1/oauth2/token",
    scopes=("openid", "profile", "email"),
    mapper=_polar_map,
    user_info=UserInfoRequest("https://api.polar.sh/v1/oauth2/userinfo"),
    prompt=True,
    register="https://polar.sh/settings (OAuth applications)",
)


def _paybin(options: ProviderOptions) -> str:
    return (options.issuer or "https://idp.paybin.io").rstrip("/")


PAYBIN = ProviderSpec(
    id="paybin",
    name="Paybin",
    authorize=lambda o: f"{_paybin(o)}/oauth2/authorize",
    exchange=lambda o: f"{_paybin(o)}/oauth2/token",
    scopes=("openid", "email", "profile"),
    mapper=lambda p: _oidc(p, p.get("name") or p.get("preferred_username") or ""),
    profile=id_token_profile,
    prompt=True,
    login_hint=True,
    required=("client_secret",),
    register="https://paybin.io (the merchant dashboard)",
)

RAILWAY = ProviderSpec(
    id="railway",
    name="Railway",
    authorize="https://backboard.railway.com/oauth/auth",
    exchange="https://backboard.railway.com/oauth/token",
    scopes=("openid", "email", "profile"),
    mapper=lambda p: _oidc(p, p.get("name"), verified_claim=False),
    user_info=UserInfoRequest("https://backboard.railway.com/oauth/me"),
    token_auth="client_secret_basic",  # noqa: S106  (a method name)
    register="https://railway.com/account/oauth",
)


# -- Cloudflare -----------------------------------------------------------------------


def _cloudflare_result(found: Any) -> Mapping[str, Any] | None:
    if not isinstance(found, Mapping) or not found.get("success"):
        return None
    result = found.get("result")
    return result if isinstance(result, Mapping) else None


def _cloudflare_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    parts = [profile.get("first_name"), profile.get("last_name")]
    return {
        "id": profile.get("id"),
        "name": " ".join(p for p in parts if p) or profile.get("email"),
        "email": profile.get("email"),
        "emailVerified": False,
        "image": None,
    }


def _cloudflare_query(
    params: list[tuple[str, str]], options: ProviderOptions
) -> list[tuple[str, str]]:
    """Better Auth builds Cloudflare's URL without the request's ``additionalParams``."""
    kept = ("response_type", "client_id", "state", "scope", "redirect_uri")
    return [(k, v) for k, v in params if k in kept or k.startswith("code_challenge")]


_CLOUDFLARE_METHODS = ("none", "client_secret_basic", "client_secret_post")

CLOUDFLARE = ProviderSpec(
    id="cloudflare",
    name="Cloudflare",
    authorize="https://dash.cloudflare.com/oauth2/auth",
    exchange="https://dash.cloudflare.com/oauth2/token",
    scopes=("user-details.read",),
    mapper=_cloudflare_map,
    user_info=UserInfoRequest("https://api.cloudflare.com/client/v4/user", pick=_cloudflare_result),
    token_auth=lambda o: endpoint_auth_method(o, _cloudflare_auth(o)),
    reshape=_cloudflare_query,
    check=lambda o: check_endpoint_auth("cloudflare", _CLOUDFLARE_METHODS, _cloudflare_auth(o))(o),
    register="https://dash.cloudflare.com (Manage account, OAuth apps)",
)


#: This module's specs by id (merged into :data:`.builtin.SPECS`).
OIDC: dict[str, ProviderSpec] = table(
    COGNITO, KAKAO, NAVER, LINE, SALESFORCE, VERCEL, POLAR, PAYBIN, RAILWAY, CLOUDFLARE
)
