"""Better Auth 1.7.24's providers read through one user-info request of their own
shape: Dropbox (a POST), Notion (``Notion-Version``), Roblox (a placeholder e-mail),
Linear (GraphQL), Atlassian. Each is a :class:`~.table.ProviderSpec`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .table import ProviderSpec
from .table import UserInfoRequest
from .table import placeholder_email
from .table import table


def _get(profile: Any, *path: str) -> Any:
    """``profile[path[0]][path[1]]...``, or ``None`` when a step is missing."""
    for key in path:
        if not isinstance(profile, Mapping):
            return None
        profile = profile.get(key)
    return profile


# -- Dropbox --------------------------------------------------------------------------


def _dropbox_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("account_id"),
        "name": _get(profile, "name", "display_name"),
        "email": profile.get("email"),
        "emailVerified": bool(profile.get("email_verified") or False),
        "image": profile.get("profile_photo_url"),
    }


DROPBOX = ProviderSpec(
    id="dropbox",
    name="Dropbox",
    authorize="https://www.dropbox.com/oauth2/authorize",
    exchange="https://api.dropboxapi.com/oauth2/token",
    scopes=("account_info.read",),
    mapper=_dropbox_map,
    user_info=UserInfoRequest(
        "https://api.dropboxapi.com/2/users/get_current_account", method="POST"
    ),
    params=lambda o: {"token_access_type": o.access_type} if o.access_type else {},
    register="https://www.dropbox.com/developers/apps",
)


# -- Notion ---------------------------------------------------------------------------


def _notion_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("id"),
        "name": profile.get("name") or "",
        "email": _get(profile, "person", "email"),
        "emailVerified": False,
        "image": profile.get("avatar_url"),
    }


NOTION = ProviderSpec(
    id="notion",
    name="Notion",
    authorize="https://api.notion.com/v1/oauth/authorize",
    exchange="https://api.notion.com/v1/oauth/token",
    scopes=(),
    mapper=_notion_map,
    user_info=UserInfoRequest(
        "https://api.notion.com/v1/users/me",
        headers={"Notion-Version": "2022-06-28"},
        pick=lambda found: _get(found, "bot", "owner", "user"),
    ),
    pkce=False,
    login_hint=True,
    token_auth="client_secret_basic",  # noqa: S106  (a method name)
    params={"owner": "user"},
    register="https://www.notion.so/profile/integrations",
)


# -- Roblox ---------------------------------------------------------------------------


def _roblox_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("sub"),
        "name": profile.get("nickname") or profile.get("preferred_username") or "",
        "email": placeholder_email(profile.get("sub"), "roblox"),
        "emailVerified": False,
        "image": profile.get("picture"),
    }


ROBLOX = ProviderSpec(
    id="roblox",
    name="Roblox",
    authorize="https://apis.roblox.com/oauth/v1/authorize",
    exchange="https://apis.roblox.com/oauth/v1/token",
    scopes=("openid", "profile"),
    mapper=_roblox_map,
    user_info=UserInfoRequest("https://apis.roblox.com/oauth/v1/userinfo"),
    pkce=False,
    prompt="select_account consent",
    register="https://create.roblox.com/dashboard/credentials",
)


# -- Linear ---------------------------------------------------------------------------

#: Better Auth's GraphQL query for the signed-in Linear user.
LINEAR_QUERY = "query { viewer { id name email avatarUrl active createdAt updatedAt } }"


def _linear_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("id"),
        "name": profile.get("name"),
        "email": profile.get("email"),
        "emailVerified": False,
        "image": profile.get("avatarUrl"),
    }


LINEAR = ProviderSpec(
    id="linear",
    name="Linear",
    authorize="https://linear.app/oauth/authorize",
    exchange="https://api.linear.app/oauth/token",
    scopes=("read",),
    mapper=_linear_map,
    user_info=UserInfoRequest(
        "https://api.linear.app/graphql",
        method="POST",
        json={"query": LINEAR_QUERY},
        pick=lambda found: _get(found, "data", "viewer"),
    ),
    pkce=False,
    login_hint=True,
    register="https://linear.app/settings/api/applications/new",
)


# -- Atlassian ------------------------------------------------------------------------


def _atlassian_map(profile: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": profile.get("account_id"),
        "name": profile.get("name"),
        "email": profile.get("email"),
        "emailVerified": False,
        "image": profile.get("picture"),
    }


ATLASSIAN = ProviderSpec(
    id="atlassian",
    name="Atlassian",
    authorize="https://auth.atlassian.com/authorize",
    exchange="https://auth.atlassian.com/oauth/token",
    scopes=("read:jira-user", "offline_access"),
    mapper=_atlassian_map,
    user_info=UserInfoRequest("https://api.atlassian.com/me"),
    prompt=True,
    params={"audience": "api.atlassian.com"},
    required=("client_secret",),
    register="https://developer.atlassian.com/console/myapps/",
)


#: This module's specs by id (merged into :data:`.builtin.SPECS`).
PLAIN: dict[str, ProviderSpec] = table(DROPBOX, NOTION, ROBLOX, LINEAR, ATLASSIAN)
