"""More built-in providers of Better Auth 1.7.24 (``packages/core/src/social-providers``):
Spotify, Hugging Face, Slack, LinkedIn, Kick, Figma, Zoom, Reddit, Twitch. Each is plain
OAuth 2.0 (or OpenID Connect read through its user-info API or ID token) and a function
from its options to a :class:`~.providers.Provider`; ``user_info_endpoint`` moves the
user-info call (a test double), ``authorization_endpoint`` / ``token_endpoint`` the other
two. As in Better Auth, none of them sends the ``prompt`` option."""

from __future__ import annotations

import json
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from .oauth import decode_unverified
from .oauth import get_json
from .providers import Provider
from .providers import ProviderOptions


def _user_info(default_url: str) -> Callable[[Provider, Mapping[str, Any]], Any]:
    def read(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
        url = provider.user_info_endpoint or default_url
        found = get_json(provider, url, str(tokens.get("accessToken") or ""))
        return found if isinstance(found, dict) else None

    return read


def _make(
    provider_id: str,
    name: str,
    options: ProviderOptions,
    *,
    authorize: str,
    exchange: str,
    user_info: str,
    scopes: tuple[str, ...],
    mapper: Callable[[Mapping[str, Any]], dict[str, Any]],
    pkce: bool = True,
    profile: Callable[[Provider, Mapping[str, Any]], Any] | None = None,
    token_auth: str = "client_secret_post",  # noqa: S107  (a method name)
    extra_params: Mapping[str, str] | None = None,
) -> Provider:
    return Provider(
        id=provider_id,
        name=name,
        options=options,
        authorization_endpoint=options.authorization_endpoint or authorize,
        token_endpoint=options.token_endpoint or exchange,
        user_info_endpoint=options.user_info_endpoint,
        default_scopes=scopes,
        profile=profile or _user_info(user_info),
        mapper=mapper,
        pkce=pkce,
        token_auth=token_auth,
        extra_params=dict(extra_params or {}),
    )


# -- Spotify --------------------------------------------------------------------------


def _spotify_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    images = profile.get("images")
    first = images[0] if isinstance(images, list) and images else None
    return {
        "id": profile.get("id"),
        "name": profile.get("display_name") or "",
        "email": profile.get("email"),
        "emailVerified": False,
        "image": first.get("url") if isinstance(first, Mapping) else None,
    }


def spotify(options: ProviderOptions) -> Provider:
    """Spotify (``/v1/me``; PKCE; Spotify never says an email is verified)."""
    return _make(
        "spotify",
        "Spotify",
        options,
        authorize="https://accounts.spotify.com/authorize",
        exchange="https://accounts.spotify.com/api/token",
        user_info="https://api.spotify.com/v1/me",
        scopes=("user-read-email",),
        mapper=_spotify_map,
    )


# -- Hugging Face ---------------------------------------------------------------------


def _huggingface_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("sub"),
        "name": profile.get("name") or profile.get("preferred_username") or "",
        "email": profile.get("email"),
        "emailVerified": bool(profile.get("email_verified") or False),
        "image": profile.get("picture"),
    }


def huggingface(options: ProviderOptions) -> Provider:
    """Hugging Face (its OpenID Connect user-info endpoint; PKCE)."""
    return _make(
        "huggingface",
        "Hugging Face",
        options,
        authorize="https://huggingface.co/oauth/authorize",
        exchange="https://huggingface.co/oauth/token",
        user_info="https://huggingface.co/oauth/userinfo",
        scopes=("openid", "profile", "email"),
        mapper=_huggingface_map,
    )


# -- Slack ----------------------------------------------------------------------------


def _slack_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("https://slack.com/user_id"),
        "name": profile.get("name") or "",
        "email": profile.get("email"),
        "emailVerified": bool(profile.get("email_verified") or False),
        "image": profile.get("picture") or profile.get("https://slack.com/user_image_512"),
    }


def slack(options: ProviderOptions) -> Provider:
    """Slack ("Sign in with Slack", OpenID Connect read through ``openid.connect.userInfo``;
    no PKCE; the account id is the ``https://slack.com/user_id`` claim)."""
    return _make(
        "slack",
        "Slack",
        options,
        authorize="https://slack.com/openid/connect/authorize",
        exchange="https://slack.com/api/openid.connect.token",
        user_info="https://slack.com/api/openid.connect.userInfo",
        scopes=("openid", "profile", "email"),
        mapper=_slack_map,
        pkce=False,
    )


# -- LinkedIn -------------------------------------------------------------------------


def _linkedin_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("sub"),
        "name": profile.get("name") or "",
        "email": profile.get("email"),
        "emailVerified": bool(profile.get("email_verified") or False),
        "image": profile.get("picture"),
    }


def linkedin(options: ProviderOptions) -> Provider:
    """LinkedIn ("Sign In with LinkedIn using OpenID Connect", ``/v2/userinfo``; no PKCE)."""
    return _make(
        "linkedin",
        "LinkedIn",
        options,
        authorize="https://www.linkedin.com/oauth/v2/authorization",
        exchange="https://www.linkedin.com/oauth/v2/accessToken",
        user_info="https://api.linkedin.com/v2/userinfo",
        scopes=("profile", "email", "openid"),
        mapper=_linkedin_map,
        pkce=False,
    )


# -- Kick -----------------------------------------------------------------------------


def _kick_profile(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    url = provider.user_info_endpoint or "https://api.kick.com/public/v1/users"
    found = get_json(provider, url, str(tokens.get("accessToken") or ""))
    data = found.get("data") if isinstance(found, dict) else None
    first = data[0] if isinstance(data, list) and data else None
    return dict(first) if isinstance(first, dict) else None


def _kick_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("user_id"),
        "name": profile.get("name") or "",
        "email": profile.get("email"),
        "emailVerified": False,
        "image": profile.get("profile_picture"),
    }


def kick(options: ProviderOptions) -> Provider:
    """Kick (``/public/v1/users``, whose ``data[0]`` is the user; PKCE)."""
    return _make(
        "kick",
        "Kick",
        options,
        authorize="https://id.kick.com/oauth/authorize",
        exchange="https://id.kick.com/oauth/token",
        user_info="https://api.kick.com/public/v1/users",
        scopes=("user:read",),
        mapper=_kick_map,
        profile=_kick_profile,
    )


# -- Figma ----------------------------------------------------------------------------


def _figma_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("id"),
        "name": profile.get("handle") or "",
        "email": profile.get("email"),
        "emailVerified": False,
        "image": profile.get("img_url"),
    }


def figma(options: ProviderOptions) -> Provider:
    """Figma (``/v1/me``; PKCE; the client authenticates with HTTP Basic)."""
    return _make(
        "figma",
        "Figma",
        options,
        authorize="https://www.figma.com/oauth",
        exchange="https://api.figma.com/v1/oauth/token",
        user_info="https://api.figma.com/v1/me",
        scopes=("current_user:read",),
        mapper=_figma_map,
        token_auth="client_secret_basic",  # noqa: S106  (a method name)
    )


# -- Zoom -----------------------------------------------------------------------------


def _zoom_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("id"),
        "name": profile.get("display_name") or "",
        "email": profile.get("email"),
        "emailVerified": bool(profile.get("verified")),
        "image": profile.get("pic_url"),
    }


def zoom(options: ProviderOptions) -> Provider:
    """Zoom (``/v2/users/me``; PKCE; no default scopes: the app's are granted)."""
    return _make(
        "zoom",
        "Zoom",
        options,
        authorize="https://zoom.us/oauth/authorize",
        exchange="https://zoom.us/oauth/token",
        user_info="https://api.zoom.us/v2/users/me",
        scopes=(),
        mapper=_zoom_map,
    )


# -- Reddit ---------------------------------------------------------------------------


def _reddit_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    icon = profile.get("icon_img")
    return {
        "id": profile.get("id"),
        "name": profile.get("name") or "",
        "email": f"{profile.get('id')}@reddit.invalid",
        "emailVerified": False,
        "image": icon.split("?")[0] if isinstance(icon, str) else None,
    }


def reddit(options: ProviderOptions) -> Provider:
    """Reddit (``/api/v1/me``; no PKCE; HTTP Basic client authentication). Reddit gives
    no e-mail: the user's is ``<reddit id>@reddit.invalid`` unless ``map_profile_to_user``
    says otherwise, as in Better Auth."""
    return _make(
        "reddit",
        "Reddit",
        options,
        authorize="https://www.reddit.com/api/v1/authorize",
        exchange="https://www.reddit.com/api/v1/access_token",
        user_info="https://oauth.reddit.com/api/v1/me",
        scopes=("identity",),
        mapper=_reddit_map,
        pkce=False,
        token_auth="client_secret_basic",  # noqa: S106  (a method name)
    )


# -- Twitch ---------------------------------------------------------------------------

#: The ``claims`` request parameter Better Auth sends Twitch (its JSON, byte for byte).
_TWITCH_CLAIMS = json.dumps(
    {"id_token": dict.fromkeys(("email", "email_verified", "preferred_username", "picture"))},
    separators=(",", ":"),
)


def _id_token_claims(provider: Provider, tokens: Mapping[str, Any]) -> dict[str, Any] | None:
    token = tokens.get("idToken")
    return decode_unverified(token) if isinstance(token, str) else None


def _twitch_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    verified = profile.get("email_verified")
    return {
        "id": profile.get("sub"),
        "name": profile.get("preferred_username") or "",
        "email": profile.get("email"),
        "emailVerified": verified is True or verified == "true",
        "image": profile.get("picture"),
    }


def twitch(options: ProviderOptions) -> Provider:
    """Twitch (OpenID Connect; the profile is the token endpoint's ID token, read as
    Better Auth reads it, unverified; no PKCE)."""
    return _make(
        "twitch",
        "Twitch",
        options,
        authorize="https://id.twitch.tv/oauth2/authorize",
        exchange="https://id.twitch.tv/oauth2/token",
        user_info="",
        scopes=("user:read:email", "openid"),
        mapper=_twitch_map,
        pkce=False,
        profile=_id_token_claims,
        extra_params={"claims": _TWITCH_CLAIMS},
    )


#: The factories of this module by id (merged into :data:`.builtin.BUILT_IN`).
MORE: dict[str, Callable[[ProviderOptions], Provider]] = {
    "spotify": spotify,
    "huggingface": huggingface,
    "slack": slack,
    "linkedin": linkedin,
    "kick": kick,
    "figma": figma,
    "zoom": zoom,
    "reddit": reddit,
    "twitch": twitch,
}
