"""More built-in providers of Better Auth 1.7.24 (``packages/core/src/social-providers``):
Spotify, Hugging Face, Slack, LinkedIn, Kick, Figma, Zoom, Reddit, Twitch, each a
:class:`~.table.ProviderSpec`. Each is plain OAuth 2.0 (or OpenID Connect read through
its user-info API or ID token); ``user_info_endpoint`` moves the user-info call (a test
double), ``authorization_endpoint`` / ``token_endpoint`` the other two. As in Better
Auth, none of them sends the ``prompt`` option."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .providers import ProviderOptions
from .table import ProviderSpec
from .table import UserInfoRequest
from .table import id_token_profile
from .table import placeholder_email
from .table import table
from .table import verified

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


#: Spotify (``/v1/me``; PKCE; Spotify never says an email is verified).
SPOTIFY = ProviderSpec(
    id="spotify",
    name="Spotify",
    authorize="https://accounts.spotify.com/authorize",
    exchange="https://accounts.spotify.com/api/token",
    user_info=UserInfoRequest("https://api.spotify.com/v1/me"),
    scopes=("user-read-email",),
    mapper=_spotify_map,
    register="https://developer.spotify.com/dashboard",
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


#: Hugging Face (its OpenID Connect user-info endpoint; PKCE).
HUGGINGFACE = ProviderSpec(
    id="huggingface",
    name="Hugging Face",
    authorize="https://huggingface.co/oauth/authorize",
    exchange="https://huggingface.co/oauth/token",
    user_info=UserInfoRequest("https://huggingface.co/oauth/userinfo"),
    scopes=("openid", "profile", "email"),
    mapper=_huggingface_map,
    register="https://huggingface.co/settings/applications",
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


#: Slack ("Sign in with Slack", OpenID Connect read through ``openid.connect.userInfo``; no
#: PKCE; the account id is the ``https://slack.com/user_id`` claim).
SLACK = ProviderSpec(
    id="slack",
    name="Slack",
    authorize="https://slack.com/openid/connect/authorize",
    exchange="https://slack.com/api/openid.connect.token",
    user_info=UserInfoRequest("https://slack.com/api/openid.connect.userInfo"),
    scopes=("openid", "profile", "email"),
    mapper=_slack_map,
    pkce=False,
    register="https://api.slack.com/apps",
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


#: LinkedIn ("Sign In with LinkedIn using OpenID Connect", ``/v2/userinfo``; no PKCE).
LINKEDIN = ProviderSpec(
    id="linkedin",
    name="LinkedIn",
    authorize="https://www.linkedin.com/oauth/v2/authorization",
    exchange="https://www.linkedin.com/oauth/v2/accessToken",
    user_info=UserInfoRequest("https://api.linkedin.com/v2/userinfo"),
    scopes=("profile", "email", "openid"),
    mapper=_linkedin_map,
    pkce=False,
    login_hint=True,
    register="https://www.linkedin.com/developers/apps",
)


# -- Kick -----------------------------------------------------------------------------


def _kick_first(found: Any) -> Mapping[str, Any] | None:
    data = found.get("data") if isinstance(found, Mapping) else None
    first = data[0] if isinstance(data, list) and data else None
    return first if isinstance(first, Mapping) else None


def _kick_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("user_id"),
        "name": profile.get("name") or "",
        "email": profile.get("email"),
        "emailVerified": False,
        "image": profile.get("profile_picture"),
    }


#: Kick (``/public/v1/users``, whose ``data[0]`` is the user; PKCE).
KICK = ProviderSpec(
    id="kick",
    name="Kick",
    authorize="https://id.kick.com/oauth/authorize",
    exchange="https://id.kick.com/oauth/token",
    user_info=UserInfoRequest("https://api.kick.com/public/v1/users", pick=_kick_first),
    scopes=("user:read",),
    mapper=_kick_map,
    register="https://kick.com/settings/developer",
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


#: Figma (``/v1/me``; PKCE; the client authenticates with HTTP Basic).
FIGMA = ProviderSpec(
    id="figma",
    name="Figma",
    authorize="https://www.figma.com/oauth",
    exchange="https://api.figma.com/v1/oauth/token",
    user_info=UserInfoRequest("https://api.figma.com/v1/me"),
    scopes=("current_user:read",),
    mapper=_figma_map,
    token_auth="client_secret_basic",  # noqa: S106  (a method name)
    register="https://www.figma.com/developers/apps",
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


#: Zoom (``/v2/users/me``; PKCE; no default scopes: the app's are granted).
ZOOM = ProviderSpec(
    id="zoom",
    name="Zoom",
    authorize="https://zoom.us/oauth/authorize",
    exchange="https://zoom.us/oauth/token",
    user_info=UserInfoRequest("https://api.zoom.us/v2/users/me"),
    scopes=(),
    mapper=_zoom_map,
    register="https://marketplace.zoom.us/develop/create",
)


# -- Reddit ---------------------------------------------------------------------------


def _reddit_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    icon = profile.get("icon_img")
    return {
        "id": profile.get("id"),
        "name": profile.get("name") or "",
        "email": placeholder_email(profile.get("id"), "reddit"),
        "emailVerified": False,
        "image": icon.split("?")[0] if isinstance(icon, str) else None,
    }


#: Reddit (``/api/v1/me``; no PKCE; HTTP Basic client authentication). Reddit gives no e-mail:
#: the user's is ``<reddit id>@reddit.placeholder.invalid`` unless ``map_profile_to_user`` says
#: otherwise, as in Better Auth.
REDDIT = ProviderSpec(
    id="reddit",
    name="Reddit",
    authorize="https://www.reddit.com/api/v1/authorize",
    exchange="https://www.reddit.com/api/v1/access_token",
    user_info=UserInfoRequest("https://oauth.reddit.com/api/v1/me"),
    scopes=("identity",),
    mapper=_reddit_map,
    pkce=False,
    token_auth="client_secret_basic",  # noqa: S106  (a method name)
    params=lambda o: {"duration": o.duration} if o.duration else {},
    register="https://www.reddit.com/prefs/apps",
)


# -- Twitch ---------------------------------------------------------------------------

#: The ``claims`` request parameter Better Auth sends Twitch (its JSON, byte for byte).
_TWITCH_DEFAULT_CLAIMS = ("email", "email_verified", "preferred_username", "picture")


def _twitch_claims(options: ProviderOptions) -> dict[str, str]:
    """Better Auth's ``claims`` parameter (its JSON, byte for byte): ``email`` and
    ``email_verified`` always, then the ``claims`` option's (or the default ones)."""
    wanted = ["email", "email_verified", *(options.claims or _TWITCH_DEFAULT_CLAIMS)]
    claims = {"id_token": dict.fromkeys(wanted)}
    return {"claims": json.dumps(claims, separators=(",", ":"))}


def _twitch_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("sub"),
        "name": profile.get("preferred_username") or "",
        "email": profile.get("email"),
        "emailVerified": verified(profile.get("email_verified")),
        "image": profile.get("picture"),
    }


#: Twitch (OpenID Connect; the profile is the token endpoint's ID token, read as Better Auth
#: reads it, unverified; no PKCE).
TWITCH = ProviderSpec(
    id="twitch",
    name="Twitch",
    authorize="https://id.twitch.tv/oauth2/authorize",
    exchange="https://id.twitch.tv/oauth2/token",
    scopes=("user:read:email", "openid"),
    mapper=_twitch_map,
    pkce=False,
    profile=id_token_profile,
    params=_twitch_claims,
    register="https://dev.twitch.tv/console/apps",
)

#: This module's specs by id (merged into :data:`.builtin.SPECS`).
MORE: dict[str, ProviderSpec] = table(
    SPOTIFY, HUGGINGFACE, SLACK, LINKEDIN, KICK, FIGMA, ZOOM, REDDIT, TWITCH
)
