"""The built-in providers of Better Auth 1.7.24 (spec section 10): GitHub, Google,
Discord, Microsoft, Apple, GitLab, as :class:`~.table.ProviderSpec` entries; and
:data:`BUILT_IN`, every built-in provider's factory by id (these, :mod:`.more_providers`
and :mod:`.other_providers`)."""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from .apple import apple_secret
from .apple import check_apple
from .more_providers import MORE
from .oauth import ProviderError
from .oauth import decode_unverified
from .oauth import get_json
from .oauth import verify_jwt
from .oidc_providers import OIDC
from .other_providers import OTHER
from .plain_providers import PLAIN
from .providers import Provider
from .providers import ProviderOptions
from .table import ProviderSpec
from .table import UserInfoRequest
from .table import table
from .table import verified as _verified
from .wechat_providers import WECHAT_SPECS


def _claims(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    """The profile in the ID token the token endpoint gave (no user-info call); Apple's
    first sign-in also posts the ``user`` (its name) with the code."""
    token = tokens.get("idToken")
    claims = decode_unverified(token) if isinstance(token, str) else None
    user = tokens.get("_user")
    if claims is not None and isinstance(user, str):
        try:
            claims["user"] = json.loads(user)
        except ValueError:
            pass
    return claims


# -- GitHub ---------------------------------------------------------------------------


def _github_profile(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    access = str(tokens.get("accessToken") or "")
    base = provider.user_info_endpoint or "https://api.github.com/user"
    profile = get_json(provider, base, access)
    if not isinstance(profile, dict):
        return None
    emails = get_json(provider, base.rstrip("/") + "/emails", access)
    if isinstance(emails, list) and emails:
        entries = [e for e in emails if isinstance(e, dict)]
        chosen = next((e for e in entries if e.get("email") == profile.get("email")), None)
        chosen = chosen or next((e for e in entries if e.get("primary")), None) or entries[0]
        if not profile.get("email"):
            profile["email"] = chosen.get("email")
        profile["email_verified"] = bool(chosen.get("verified"))
    return profile


def _github_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("id"),
        "name": profile.get("name") or profile.get("login") or "",
        "email": profile.get("email"),
        "emailVerified": bool(profile.get("email_verified")),
        "image": profile.get("avatar_url"),
    }


GITHUB = ProviderSpec(
    id="github",
    name="GitHub",
    authorize="https://github.com/login/oauth/authorize",
    exchange="https://github.com/login/oauth/access_token",
    scopes=("read:user", "user:email"),
    mapper=_github_map,
    profile=_github_profile,
    prompt=True,
    login_hint=True,
    register="https://github.com/settings/developers",
)


# -- Google ---------------------------------------------------------------------------


def _oidc_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("sub"),
        "name": profile.get("name") or "",
        "email": profile.get("email"),
        "emailVerified": _verified(profile.get("email_verified")),
        "image": profile.get("picture"),
    }


GOOGLE = ProviderSpec(
    id="google",
    name="Google",
    authorize="https://accounts.google.com/o/oauth2/v2/auth",
    exchange="https://oauth2.googleapis.com/token",
    scopes=("email", "profile", "openid"),
    mapper=_oidc_map,
    profile=_claims,
    prompt=True,
    login_hint=True,
    slots=lambda options: {"hd": options.hd, "access_type": options.access_type},
    params={"include_granted_scopes": "true"},
    jwks_uri="https://www.googleapis.com/oauth2/v3/certs",
    id_token_issuers=("https://accounts.google.com", "accounts.google.com"),
    register="https://console.cloud.google.com/apis/credentials",
)


# -- Discord --------------------------------------------------------------------------


def _discord_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    user_id = profile.get("id")
    avatar = profile.get("avatar")
    if avatar:
        kind = "gif" if str(avatar).startswith("a_") else "png"
        image = f"https://cdn.discordapp.com/avatars/{user_id}/{avatar}.{kind}"
    else:
        index = (int(str(user_id)) >> 22) % 6 if str(user_id).isdigit() else 0
        image = f"https://cdn.discordapp.com/embed/avatars/{index}.png"
    return {
        "id": user_id,
        "name": profile.get("global_name") or profile.get("username") or "",
        "email": profile.get("email"),
        "emailVerified": bool(profile.get("verified")),
        "image": image,
    }


DISCORD = ProviderSpec(
    id="discord",
    name="Discord",
    authorize="https://discord.com/api/oauth2/authorize",
    exchange="https://discord.com/api/oauth2/token",
    scopes=("identify", "email"),
    mapper=_discord_map,
    user_info=UserInfoRequest("https://discord.com/api/users/@me"),
    pkce=False,
    prompt="none",
    request_scopes_first=True,
    register="https://discord.com/developers/applications",
)


# -- Microsoft ------------------------------------------------------------------------


def _microsoft_profile(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    """The ID token's claims, with the Graph profile photo as a ``data:`` URL (as Better
    Auth: ``picture``; skipped with ``disable_profile_photo``, or when Graph refuses)."""
    claims = _claims(provider, tokens)
    access = tokens.get("accessToken")
    if claims is None or not access:
        return claims
    return _with_photo(provider, claims, str(access))


def _microsoft_verify(
    provider: Provider, token: str, nonce: str | None, access_token: str | None
) -> dict[str, Any]:
    """ID-token sign-in: the token checked on the tenant's keys, then (as Better Auth's
    ``getUserInfo``) the Graph photo read with the request's ``accessToken``, if any."""
    issuers = provider.id_token_issuers
    if provider.options.tenant_id in MS_MULTI_TENANT:
        issuers = _tenant_issuer(provider.options, token)
    claims = verify_jwt(provider, token, nonce=nonce, issuers=issuers, max_age=3600)
    return _with_photo(provider, claims, access_token) if access_token else claims


#: The tenants that name no one directory: a token's issuer is its own tenant's.
MS_MULTI_TENANT = ("common", "organizations", "consumers")
#: The tenant of personal Microsoft accounts.
MS_CONSUMERS_TID = "9188040d-6c67-4c5b-b112-36a304b66dad"


def _tenant_issuer(options: ProviderOptions, token: str) -> tuple[str, ...]:
    """The one issuer a token from a multi-tenant app may carry, as Better Auth
    1.7.24's ``verifyClaims``: ``{authority}/{tid}/v2.0`` for the token's own ``tid``
    (read before the signature is checked, which then covers it); ``consumers`` takes
    only the personal-account tenant, ``organizations`` every tenant but that one.

    :raises ProviderError: no ``tid``, or a tenant of the wrong account class.
    """
    claims = decode_unverified(token)
    tid = claims.get("tid") if claims else None
    if not isinstance(tid, str) or not tid or "/" in tid:
        raise ProviderError("invalid ID token: no tenant (tid)")
    if options.tenant_id == "consumers" and tid != MS_CONSUMERS_TID:
        raise ProviderError("invalid ID token: not a personal-account tenant")
    if options.tenant_id == "organizations" and tid == MS_CONSUMERS_TID:
        raise ProviderError("invalid ID token: a personal-account tenant")
    return (f"{options.authority.rstrip('/')}/{tid}/v2.0",)


def _with_photo(provider: Provider, claims: dict[str, Any], access: str) -> dict[str, Any]:
    """``claims`` with the Graph profile photo as ``picture`` (a ``data:`` URL)."""
    import base64

    import requests

    options = provider.options
    if options.disable_profile_photo:
        return claims
    size = options.profile_photo_size
    url = f"{provider.user_info_endpoint}/photos/{size}x{size}/$value"
    try:
        answer = requests.get(
            url, headers={"Authorization": f"Bearer {access}"}, timeout=options.timeout
        )
    except requests.RequestException:
        return claims
    if answer.ok:
        claims["picture"] = "data:image/jpeg;base64, " + base64.b64encode(answer.content).decode()
    return claims


def _microsoft_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    email = profile.get("email")
    if "email_verified" in profile:
        verified = _verified(profile.get("email_verified"))
    elif email:
        listed = [
            *(profile.get("verified_primary_email") or []),
            *(profile.get("verified_secondary_email") or []),
        ]
        verified = email in listed
    else:
        verified = False
    return {
        "id": profile.get("oid"),
        "name": profile.get("name") or "",
        "email": email,
        "emailVerified": verified,
        "image": profile.get("picture"),
    }


def _ms_root(options: ProviderOptions) -> str:
    return f"{options.authority.rstrip('/')}/{options.tenant_id}"


MICROSOFT = ProviderSpec(
    id="microsoft",
    name="Microsoft",
    authorize=lambda o: f"{_ms_root(o)}/oauth2/v2.0/authorize",
    exchange=lambda o: f"{_ms_root(o)}/oauth2/v2.0/token",
    scopes=("openid", "profile", "email", "User.Read", "offline_access"),
    mapper=_microsoft_map,
    profile=_microsoft_profile,
    refresh_scope=True,
    user_info=UserInfoRequest("https://graph.microsoft.com/v1.0/me"),
    prompt=True,
    login_hint=True,
    jwks_uri=lambda o: f"{_ms_root(o)}/discovery/v2.0/keys",
    verify_id_token=_microsoft_verify,
    # Multi-tenant: a placeholder; ``_microsoft_verify`` puts the token's tenant in.
    id_token_issuers=lambda o: (f"{_ms_root(o)}/v2.0",),
    register="https://entra.microsoft.com (App registrations)",
)


# -- Apple ----------------------------------------------------------------------------


def _apple_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    user = profile.get("user")
    name = ""
    if isinstance(user, Mapping) and isinstance(user.get("name"), Mapping):
        parts = (user["name"].get("firstName"), user["name"].get("lastName"))
        name = " ".join(p for p in parts if p)
    return {
        "id": profile.get("sub"),
        "name": name or profile.get("name") or "",
        "email": profile.get("email"),
        "emailVerified": _verified(profile.get("email_verified")),
        "image": None,
    }


APPLE = ProviderSpec(
    id="apple",
    name="Apple",
    authorize="https://appleid.apple.com/auth/authorize",
    exchange="https://appleid.apple.com/auth/token",
    scopes=("email", "name"),
    mapper=_apple_map,
    profile=_claims,
    response_type="code id_token",
    response_mode="form_post",
    jwks_uri="https://appleid.apple.com/auth/keys",
    id_token_issuers=("https://appleid.apple.com",),
    secret=apple_secret,
    check=check_apple,
    register="https://developer.apple.com/account/resources/identifiers (a Services ID)",
)


# -- GitLab ---------------------------------------------------------------------------


def _gitlab_active(found: Any) -> Mapping[str, Any] | None:
    if not isinstance(found, Mapping):
        return None
    if found.get("state") != "active" or found.get("locked"):
        raise ProviderError("the GitLab account is not active")
    return found


def _gitlab_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("id"),
        "name": profile.get("name") or profile.get("username") or "",
        "email": profile.get("email"),
        "emailVerified": bool(profile.get("email_verified") or False),
        "image": profile.get("avatar_url"),
    }


def _gitlab_base(options: ProviderOptions) -> str:
    return (options.issuer or "https://gitlab.com").rstrip("/")


GITLAB = ProviderSpec(
    id="gitlab",
    name="GitLab",
    authorize=lambda o: f"{_gitlab_base(o)}/oauth/authorize",
    exchange=lambda o: f"{_gitlab_base(o)}/oauth/token",
    scopes=("read_user",),
    mapper=_gitlab_map,
    user_info=UserInfoRequest(lambda o: f"{_gitlab_base(o)}/api/v4/user", pick=_gitlab_active),
    login_hint=True,
    register="https://gitlab.com/-/user_settings/applications (or the instance's)",
)


#: Every built-in provider's spec by id.
SPECS: dict[str, ProviderSpec] = {
    **table(GITHUB, GOOGLE, DISCORD, MICROSOFT, APPLE, GITLAB),
    **MORE,
    **OTHER,
    **PLAIN,
    **OIDC,
    **WECHAT_SPECS,
}

#: Built-in provider factories by id.
BUILT_IN: dict[str, Callable[[ProviderOptions], Provider]] = {
    provider_id: spec.build for provider_id, spec in SPECS.items()
}
