"""The admin endpoints on bans and sessions, and ``has-permission``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import now
from flask_betterauth.plugins import to_wire

from .fields import BanUserBody
from .fields import HasPermissionBody
from .fields import RevokeUserSessionBody
from .fields import UserIdBody
from .settings import admin_session
from .settings import require
from .settings import settings_of
from .users import _target


@endpoint("/admin/ban-user", body=BanUserBody, auth="optional")
def ban_user(ctx: Context) -> dict[str, Any]:
    """Ban a user (for ``banExpiresIn`` seconds, or for good) and end their sessions."""
    _, caller = admin_session(ctx)
    require(ctx, caller, {"user": ["ban"]}, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS")
    user_id = ctx.body["userId"]
    target = _target(ctx, user_id)
    if user_id == caller["id"]:
        raise APIError(400, "YOU_CANNOT_BAN_YOURSELF")
    settings = settings_of(ctx)
    seconds = ctx.body.get("banExpiresIn") or settings.default_ban_expires_in
    expires = now() + timedelta(seconds=seconds) if seconds else None
    changes = {
        "banned": True,
        "banReason": ctx.body.get("banReason") or settings.default_ban_reason or "No reason",
        "banExpires": expires,
    }
    updated = ctx.users.update(target, changes)
    ctx.sessions.revoke_user(user_id)
    return {"user": ctx.user_json(updated)}


@endpoint("/admin/unban-user", body=UserIdBody, auth="optional")
def unban_user(ctx: Context) -> dict[str, Any]:
    """Lift a user's ban."""
    _, caller = admin_session(ctx)
    require(ctx, caller, {"user": ["ban"]}, "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS")
    target = _target(ctx, ctx.body["userId"])
    changes = {"banned": False, "banReason": None, "banExpires": None}
    return {"user": ctx.user_json(ctx.users.update(target, changes))}


@endpoint("/admin/list-user-sessions", body=UserIdBody, auth="optional")
def list_user_sessions(ctx: Context) -> dict[str, Any]:
    """A user's unexpired sessions, impersonation sessions included (stored tokens)."""
    _, caller = admin_session(ctx)
    require(ctx, caller, {"session": ["list"]}, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS")
    table = ctx.state.tables["session"]
    listed = ctx.sessions.list_active(ctx.body["userId"])
    return {"sessions": [to_wire(table, session) for session in listed]}


@endpoint("/admin/revoke-user-session", body=RevokeUserSessionBody, auth="optional")
def revoke_user_session(ctx: Context) -> dict[str, bool]:
    """End one session, named by its token (as listed); an unknown token is no error."""
    _, caller = admin_session(ctx)
    require(ctx, caller, {"session": ["revoke"]}, "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS")
    found = ctx.sessions.find_listed(ctx.body["sessionToken"])
    if found is not None:
        ctx.sessions.revoke(found)
    return {"success": True}


@endpoint("/admin/revoke-user-sessions", body=UserIdBody, auth="optional")
def revoke_user_sessions(ctx: Context) -> dict[str, bool]:
    """End every session of a user."""
    _, caller = admin_session(ctx)
    require(ctx, caller, {"session": ["revoke"]}, "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS")
    ctx.sessions.revoke_user(ctx.body["userId"])
    return {"success": True}


def _permissions(value: Any) -> dict[str, list[str]] | None:
    if not isinstance(value, dict):
        return None
    for actions in value.values():
        if not isinstance(actions, list) or not all(isinstance(a, str) for a in actions):
            return None
    return value


@endpoint(
    "/admin/has-permission", body=HasPermissionBody, auth="optional", name="user_has_permission"
)
def has_permission(ctx: Context) -> dict[str, Any]:
    """Whether the signed-in user (or, from the server, ``userId``/``role``) has
    ``permissions``: ``{"error": null, "success": bool}``."""
    body = ctx.body
    if body.get("permissions") is None:
        raise APIError(400, None, "invalid permission check. no permission(s) were passed.")
    permissions = _permissions(body["permissions"])
    if permissions is None:
        raise APIError(400, "VALIDATION_ERROR", "[body.permissions] Invalid input")
    found = ctx.session
    if found is None and ctx.is_http:
        raise APIError(401, "UNAUTHORIZED", body=False)
    if found is not None:
        user_id, role = found.user["id"], found.user.get("role")
    elif body.get("role"):
        user_id, role = body.get("userId") or "", body["role"]
    elif body.get("userId"):
        user = ctx.users.find_by_id(body["userId"])
        if user is None:
            raise APIError(400, None, "user not found")
        user_id, role = user["id"], user.get("role")
    else:
        raise APIError(400, None, "user id or role is required")
    return {"error": None, "success": settings_of(ctx).allows(user_id, role, permissions)}
