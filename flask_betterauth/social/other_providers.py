"""Better Auth 1.7.24's providers with a special request or answer shape: Facebook
(token check by ``debug_token``), X (Twitter, two calls), TikTok (``client_key``), VK ID
(a form POST), PayPal (ID token and user info must agree). Each is a
:class:`~.table.ProviderSpec`; their user-info URL (and what is derived from it) moves
with ``user_info_endpoint``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .oauth import ProviderError
from .oauth import verify_jwt
from .providers import RESERVED_PARAMS
from .providers import Provider
from .providers import ProviderOptions
from .table import ProviderSpec
from .table import UserInfoRequest
from .table import fetch_profile
from .table import id_token_profile
from .table import placeholder_email
from .table import table
from .table import verified


def _get(profile: Any, *path: str) -> Any:
    """``profile[path[0]][path[1]]...``, or ``None`` when a step is missing."""
    for key in path:
        if not isinstance(profile, Mapping):
            return None
        profile = profile.get(key)
    return profile


# -- Facebook -------------------------------------------------------------------------


def _facebook_token_user(provider: Provider, access_token: str) -> str | None:
    """The user id of ``access_token`` when Facebook's ``debug_token`` says it is valid
    and issued to this app (a token of another app must not sign anyone in)."""
    options = provider.options
    if not options.client_secret:
        return None
    base = (provider.user_info_endpoint or "").split("?")[0].rsplit("/", 1)[0]
    app_token = f"{options.first_client_id}|{options.client_secret}"
    import requests

    try:
        answer = requests.get(
            f"{base}/debug_token",
            params={"input_token": access_token, "access_token": app_token},
            timeout=options.timeout,
        )
        answer.raise_for_status()
        found = answer.json()
    except (requests.RequestException, ValueError):
        return None
    data = found.get("data") if isinstance(found, Mapping) else None
    if not isinstance(data, Mapping) or data.get("is_valid") is not True:
        return None
    user_id = data.get("user_id")
    if not user_id or str(data.get("app_id") or "") not in options.client_ids:
        return None
    return str(user_id)


def _facebook_profile(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    token = tokens.get("idToken")
    if isinstance(token, str) and token.count(".") == 2:
        return id_token_profile(provider, tokens)
    access = str(tokens.get("accessToken") or "")
    user_id = _facebook_token_user(provider, access) if access else None
    if user_id is None:
        return None
    fields = ",".join(["id", "name", "email", "picture", *provider.options.fields])
    request = UserInfoRequest("", query=f"?fields={fields}")
    profile = fetch_profile(provider, request, access)
    if not isinstance(profile, dict) or str(profile.get("id")) != user_id:
        return None
    return profile


def _facebook_verify(
    provider: Provider, token: str, nonce: str | None, access_token: str | None
) -> dict[str, Any]:
    """Better Auth's Facebook ID-token sign-in: a Limited Login JWT is checked on
    Facebook's JWKS; an opaque token is let through (``allowOpaqueToken``) and the
    profile is then the Graph ``/me`` of the request's ``accessToken``, once
    ``debug_token`` says that token is this app's. Without one, or when it is refused,
    the claims are empty (``401 FAILED_TO_GET_USER_INFO``, as Better Auth).

    :raises ProviderError: when a JWT does not verify.
    """
    if token.count(".") == 2:
        issuers = provider.id_token_issuers
        return verify_jwt(provider, token, nonce=nonce, issuers=issuers, max_age=3600)
    tokens = {"idToken": token, "accessToken": access_token}
    profile = _facebook_profile(provider, tokens) if access_token else None
    if profile is None:
        return {}
    return {**profile, "sub": profile.get("id"), "_graph": True}


def _facebook_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    if "sub" in profile and not profile.get("_graph"):  # a Limited Login ID token
        return {
            "id": profile.get("sub"),
            "name": profile.get("name"),
            "email": profile.get("email"),
            "emailVerified": False,
            "image": profile.get("picture"),
        }
    return {
        "id": profile.get("id"),
        "name": profile.get("name"),
        "email": profile.get("email"),
        "emailVerified": bool(profile.get("email_verified") or False),
        "image": _get(profile, "picture", "data", "url"),
    }


FACEBOOK = ProviderSpec(
    id="facebook",
    name="Facebook",
    authorize="https://www.facebook.com/v24.0/dialog/oauth",
    exchange="https://graph.facebook.com/v24.0/oauth/access_token",
    scopes=("email", "public_profile"),
    mapper=_facebook_map,
    profile=_facebook_profile,
    user_info=UserInfoRequest("https://graph.facebook.com/me"),
    pkce=False,
    login_hint=True,
    params=lambda o: {"config_id": o.config_id} if o.config_id else {},
    jwks_uri="https://limited.facebook.com/.well-known/oauth/openid/jwks/",
    id_token_issuers=("https://www.facebook.com",),
    verify_id_token=_facebook_verify,
    required=("client_secret",),
    register="https://developers.facebook.com/apps",
)


# -- X (Twitter) ----------------------------------------------------------------------


def _twitter_profile(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    access = str(tokens.get("accessToken") or "")
    profile = fetch_profile(
        provider, UserInfoRequest("", query="?user.fields=profile_image_url"), access
    )
    if not isinstance(profile, dict) or not isinstance(profile.get("data"), dict):
        return None
    try:
        email = fetch_profile(
            provider, UserInfoRequest("", query="?user.fields=confirmed_email"), access
        )
    except ProviderError:
        email = None
    confirmed = _get(email, "data", "confirmed_email")
    profile["_email_verified"] = bool(confirmed)
    if confirmed:
        profile["data"]["email"] = confirmed
    return profile


def _twitter_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    data = profile.get("data") or {}
    return {
        "id": data.get("id"),
        "name": data.get("name"),
        "email": data.get("email") or placeholder_email(data.get("id"), "twitter"),
        "emailVerified": bool(profile.get("_email_verified")),
        "image": data.get("profile_image_url"),
    }


TWITTER = ProviderSpec(
    id="twitter",
    name="Twitter",
    authorize="https://x.com/i/oauth2/authorize",
    exchange="https://api.x.com/2/oauth2/token",
    scopes=("users.read", "tweet.read", "offline.access", "users.email"),
    mapper=_twitter_map,
    profile=_twitter_profile,
    user_info=UserInfoRequest("https://api.x.com/2/users/me"),
    token_auth="client_secret_basic",  # noqa: S106  (a method name)
    register="https://developer.x.com/en/portal/dashboard",
)


# -- TikTok ---------------------------------------------------------------------------

#: TikTok names the client ``client_key``: one more parameter the extras may not repeat.
_RESERVED = frozenset({*RESERVED_PARAMS, "client_key"})


def _tiktok_url(params: list[tuple[str, str]], options: ProviderOptions) -> list[tuple[str, str]]:
    """TikTok's authorization query: comma-separated scopes, ``client_key`` for
    ``client_id``, no PKCE challenge, then the extra parameters (Better Auth's order)."""
    found = dict(params)
    shaped = [
        ("scope", ",".join(found.get("scope", "").split())),
        ("response_type", "code"),
        ("client_key", options.client_key or ""),
        ("redirect_uri", found.get("redirect_uri", "")),
        ("state", found.get("state", "")),
    ]
    return shaped + [(k, v) for k, v in params if k not in _RESERVED]


def _tiktok_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    user = _get(profile, "data", "user") or {}
    return {
        "id": user.get("open_id"),
        "name": user.get("display_name") or user.get("username") or "",
        "email": user.get("email") or placeholder_email(user.get("open_id"), "tiktok"),
        "emailVerified": False,
        "image": user.get("avatar_large_url"),
    }


TIKTOK = ProviderSpec(
    id="tiktok",
    name="TikTok",
    authorize="https://www.tiktok.com/v2/auth/authorize",
    exchange="https://open.tiktokapis.com/v2/oauth/token/",
    scopes=("user.info.profile",),
    mapper=_tiktok_map,
    user_info=UserInfoRequest(
        "https://open.tiktokapis.com/v2/user/info/",
        query="?fields=open_id,avatar_large_url,display_name,username",
    ),
    token_auth="client_key",  # noqa: S106  (a method name)
    reshape=_tiktok_url,
    required=("client_key", "client_secret"),
    register="https://developers.tiktok.com/apps",
)


# -- VK ID ----------------------------------------------------------------------------


def _vk_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    user = profile.get("user") or {}
    return {
        "id": user.get("user_id"),
        "name": f"{user.get('first_name')} {user.get('last_name')}",
        "email": user.get("email"),
        "emailVerified": False,
        "image": user.get("avatar"),
    }


VK = ProviderSpec(
    id="vk",
    name="VK",
    authorize="https://id.vk.com/authorize",
    exchange="https://id.vk.com/oauth2/auth",
    scopes=("email", "phone"),
    mapper=_vk_map,
    user_info=UserInfoRequest(
        "https://id.vk.com/oauth2/user_info",
        method="POST",
        form=lambda o, token: {"access_token": token, "client_id": o.first_client_id},
        pick=lambda found: found if isinstance(_get(found, "user"), Mapping) else None,
    ),
    device_id=True,
    register="https://id.vk.com/about/business/go",
)


# -- PayPal ---------------------------------------------------------------------------


def _paypal_host(options: ProviderOptions, live: str, sandbox: str) -> str:
    return sandbox if (options.environment or "sandbox") == "sandbox" else live


def _paypal_profile(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    request = UserInfoRequest("", query="?schema=paypalv1.1")
    profile = fetch_profile(provider, request, str(tokens.get("accessToken") or ""))
    if not isinstance(profile, dict):
        return None
    if tokens.get("idToken"):
        claims = id_token_profile(provider, tokens)
        subject = profile.get("sub") or profile.get("user_id")
        if not claims or not claims.get("sub") or claims["sub"] != subject:
            return None  # the ID token and the user info name two different people
    return profile


def _paypal_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("user_id"),
        "name": profile.get("name"),
        "email": profile.get("email"),
        "emailVerified": verified(profile.get("email_verified")),
        "image": profile.get("picture"),
    }


PAYPAL = ProviderSpec(
    id="paypal",
    name="PayPal",
    authorize=lambda o: _paypal_host(
        o,
        "https://www.paypal.com/signin/authorize",
        "https://www.sandbox.paypal.com/signin/authorize",
    ),
    exchange=lambda o: _paypal_host(
        o,
        "https://api-m.paypal.com/v1/oauth2/token",
        "https://api-m.sandbox.paypal.com/v1/oauth2/token",
    ),
    scopes=(),
    mapper=_paypal_map,
    profile=_paypal_profile,
    user_info=UserInfoRequest(
        lambda o: _paypal_host(
            o,
            "https://api-m.paypal.com/v1/identity/oauth2/userinfo",
            "https://api-m.sandbox.paypal.com/v1/identity/oauth2/userinfo",
        )
    ),
    token_auth="client_secret_basic",  # noqa: S106  (a method name)
    prompt=True,
    # Better Auth asks PayPal for no scope at all (the app's are granted).
    reshape=lambda params, options: [(k, v) for k, v in params if k != "scope"],
    required=("client_secret",),
    register="https://developer.paypal.com/dashboard/applications",
)


#: This module's specs by id (merged into :data:`.builtin.SPECS`).
OTHER: dict[str, ProviderSpec] = table(FACEBOOK, TWITTER, TIKTOK, VK, PAYPAL)
