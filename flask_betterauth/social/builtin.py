"""The built-in providers of Better Auth 1.7.24 (spec section 10): GitHub, Google,
Discord, Microsoft, Apple, GitLab. Each is a function from its options to a
:class:`~.providers.Provider`."""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from .more_providers import MORE
from .oauth import ProviderError
from .oauth import decode_unverified
from .oauth import get_json
from .providers import Provider
from .providers import ProviderOptions


def _claims(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    """The profile in the ID token the token endpoint gave (no user-info call)."""
    token = tokens.get("idToken")
    claims = decode_unverified(token) if isinstance(token, str) else None
    user = tokens.get("_user")
    if claims is not None and isinstance(user, str):
        try:
            claims["user"] = json.loads(user)
        except ValueError:
            pass
    return claims


def _verified(value: Any) -> bool:
    return value is True or value == "true"


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


def github(options: ProviderOptions) -> Provider:
    """GitHub (OAuth 2.0 with the ``/user`` and ``/user/emails`` APIs)."""
    return Provider(
        id="github",
        name="GitHub",
        options=options,
        authorization_endpoint=options.authorization_endpoint
        or "https://github.com/login/oauth/authorize",
        token_endpoint=options.token_endpoint or "https://github.com/login/oauth/access_token",
        user_info_endpoint=options.user_info_endpoint,
        default_scopes=("read:user", "user:email"),
        profile=_github_profile,
        mapper=_github_map,
        slot_params=_slots(options),
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


def _slots(options: ProviderOptions, **more: str | None) -> dict[str, str]:
    found = {"prompt": options.prompt, **more}
    return {k: v for k, v in found.items() if v}


def google(options: ProviderOptions) -> Provider:
    """Google (OpenID Connect; the profile is the ID token's claims)."""
    return Provider(
        id="google",
        name="Google",
        options=options,
        authorization_endpoint=options.authorization_endpoint
        or "https://accounts.google.com/o/oauth2/v2/auth",
        token_endpoint=options.token_endpoint or "https://oauth2.googleapis.com/token",
        user_info_endpoint=None,
        default_scopes=("email", "profile", "openid"),
        profile=_claims,
        mapper=_oidc_map,
        slot_params=_slots(options, hd=options.hd, access_type=options.access_type),
        extra_params={"include_granted_scopes": "true"},
        jwks_uri="https://www.googleapis.com/oauth2/v3/certs",
        id_token_issuers=("https://accounts.google.com", "accounts.google.com"),
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


def _api_profile(default_url: str) -> Callable[[Provider, Mapping[str, Any]], Any]:
    def read(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
        url = provider.user_info_endpoint or default_url
        found = get_json(provider, url, str(tokens.get("accessToken") or ""))
        return found if isinstance(found, dict) else None

    return read


def discord(options: ProviderOptions) -> Provider:
    """Discord (OAuth 2.0, ``/users/@me``; no PKCE)."""
    return Provider(
        id="discord",
        name="Discord",
        options=options,
        authorization_endpoint=options.authorization_endpoint
        or "https://discord.com/api/oauth2/authorize",
        token_endpoint=options.token_endpoint or "https://discord.com/api/oauth2/token",
        user_info_endpoint=options.user_info_endpoint,
        default_scopes=("identify", "email"),
        profile=_api_profile("https://discord.com/api/users/@me"),
        mapper=_discord_map,
        pkce=False,
        slot_params={"prompt": options.prompt or "none"},
        request_scopes_first=True,
    )


# -- Microsoft ------------------------------------------------------------------------


def _microsoft_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    email = profile.get("email") or profile.get("preferred_username")
    verified = _verified(profile.get("email_verified"))
    if not verified and email:
        listed = [
            *(profile.get("verified_primary_email") or []),
            *(profile.get("verified_secondary_email") or []),
        ]
        verified = email in listed
    return {
        "id": profile.get("oid"),
        "name": profile.get("name") or "",
        "email": email,
        "emailVerified": verified,
        "image": None,
    }


def microsoft(options: ProviderOptions) -> Provider:
    """Microsoft Entra ID (OpenID Connect; the profile is the ID token's claims)."""
    root = f"{options.authority.rstrip('/')}/{options.tenant_id}"
    return Provider(
        id="microsoft",
        name="Microsoft",
        options=options,
        authorization_endpoint=options.authorization_endpoint or f"{root}/oauth2/v2.0/authorize",
        token_endpoint=options.token_endpoint or f"{root}/oauth2/v2.0/token",
        user_info_endpoint=None,
        default_scopes=("openid", "profile", "email", "User.Read", "offline_access"),
        profile=_claims,
        mapper=_microsoft_map,
        slot_params=_slots(options),
        jwks_uri=f"{root}/discovery/v2.0/keys",
        id_token_issuers=None
        if options.tenant_id in ("common", "organizations", "consumers")
        else (f"{root}/v2.0",),
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


def apple(options: ProviderOptions) -> Provider:
    """Sign in with Apple (``form_post`` callback; the profile is the ID token's claims;
    ``client_secret`` is the app's ES256 JWT)."""
    return Provider(
        id="apple",
        name="Apple",
        options=options,
        authorization_endpoint=options.authorization_endpoint
        or "https://appleid.apple.com/auth/authorize",
        token_endpoint=options.token_endpoint or "https://appleid.apple.com/auth/token",
        user_info_endpoint=None,
        default_scopes=("email", "name"),
        profile=_claims,
        mapper=_apple_map,
        response_type="code id_token",
        response_mode="form_post",
        jwks_uri="https://appleid.apple.com/auth/keys",
        id_token_issuers=("https://appleid.apple.com",),
    )


# -- GitLab ---------------------------------------------------------------------------


def _gitlab_profile(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    base = (provider.options.issuer or "https://gitlab.com").rstrip("/")
    url = provider.user_info_endpoint or f"{base}/api/v4/user"
    profile = get_json(provider, url, str(tokens.get("accessToken") or ""))
    if not isinstance(profile, dict):
        return None
    if profile.get("state") != "active" or profile.get("locked"):
        raise ProviderError("the GitLab account is not active")
    return profile


def _gitlab_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("id"),
        "name": profile.get("name") or profile.get("username") or "",
        "email": profile.get("email"),
        "emailVerified": bool(profile.get("email_verified") or False),
        "image": profile.get("avatar_url"),
    }


def gitlab(options: ProviderOptions) -> Provider:
    """GitLab (gitlab.com or the instance at ``issuer``)."""
    base = (options.issuer or "https://gitlab.com").rstrip("/")
    return Provider(
        id="gitlab",
        name="GitLab",
        options=options,
        authorization_endpoint=options.authorization_endpoint or f"{base}/oauth/authorize",
        token_endpoint=options.token_endpoint or f"{base}/oauth/token",
        user_info_endpoint=options.user_info_endpoint,
        default_scopes=("read_user",),
        profile=_gitlab_profile,
        mapper=_gitlab_map,
        slot_params=_slots(options),
    )


#: Built-in provider factories by id.
BUILT_IN: dict[str, Callable[[ProviderOptions], Provider]] = {
    "github": github,
    "google": google,
    "discord": discord,
    "microsoft": microsoft,
    "apple": apple,
    "gitlab": gitlab,
    **MORE,
}
