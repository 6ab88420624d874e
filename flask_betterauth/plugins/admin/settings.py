"""The admin plugin's settings (its per-app state), error codes and permission check."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import PermissionRequest
from flask_betterauth.plugins import Record
from flask_betterauth.plugins import Role
from flask_betterauth.plugins import has_permission

PLUGIN_ID = "admin"
BANNED_MESSAGE = (
    "You have been banned from this application. "
    "Please contact support if you believe this is an error."
)

_NOT_ALLOWED = "You are not allowed to "
#: ``ADMIN_ERROR_CODES`` of Better Auth 1.7.24, messages verbatim.
ERROR_CODES = {
    "FAILED_TO_CREATE_USER": "Failed to create user",
    "USER_ALREADY_EXISTS": "User already exists.",
    "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL": "User already exists. Use another email.",
    "YOU_CANNOT_BAN_YOURSELF": "You cannot ban yourself",
    "YOU_ARE_NOT_ALLOWED_TO_CHANGE_USERS_ROLE": _NOT_ALLOWED + "change users role",
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_USERS": _NOT_ALLOWED + "create users",
    "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS": _NOT_ALLOWED + "list users",
    "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS_SESSIONS": _NOT_ALLOWED + "list users sessions",
    "YOU_ARE_NOT_ALLOWED_TO_BAN_USERS": _NOT_ALLOWED + "ban users",
    "YOU_ARE_NOT_ALLOWED_TO_IMPERSONATE_USERS": _NOT_ALLOWED + "impersonate users",
    "YOU_ARE_NOT_ALLOWED_TO_REVOKE_USERS_SESSIONS": _NOT_ALLOWED + "revoke users sessions",
    "YOU_ARE_NOT_ALLOWED_TO_DELETE_USERS": _NOT_ALLOWED + "delete users",
    "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PASSWORD": _NOT_ALLOWED + "set users password",
    "BANNED_USER": "You have been banned from this application",
    "YOU_ARE_NOT_ALLOWED_TO_GET_USER": _NOT_ALLOWED + "get user",
    "NO_DATA_TO_UPDATE": "No data to update",
    "YOU_ARE_NOT_ALLOWED_TO_UPDATE_USERS": _NOT_ALLOWED + "update users",
    "YOU_CANNOT_REMOVE_YOURSELF": "You cannot remove yourself",
    "YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE": _NOT_ALLOWED + "set a non-existent role value",
    "YOU_CANNOT_IMPERSONATE_ADMINS": "You cannot impersonate admins",
    "INVALID_ROLE_TYPE": "Invalid role type",
    "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_EMAIL": _NOT_ALLOWED + "update users email",
    "YOU_ARE_NOT_ALLOWED_TO_SET_USERS_PHONE_NUMBER": _NOT_ALLOWED + "update users phone number",
    "PASSWORD_CANNOT_BE_UPDATED_VIA_UPDATE_USER": (
        "Password cannot be updated through update-user. Use the set-user-password endpoint instead"
    ),
    "USER_ID_CANNOT_BE_UPDATED": "User id cannot be updated",
}


@dataclass(frozen=True)
class AdminSettings:
    """The options of one app's admin plugin; also what ``permission_required`` asks.

    :ivar roles: role name -> :class:`~flask_betterauth.access.Role`.
    :ivar custom_roles: whether ``roles`` was configured (then unknown role names are
        refused by ``set-role`` and ``create-user``).
    """

    default_role: str
    admin_roles: tuple[str, ...]
    admin_user_ids: frozenset[str]
    roles: Mapping[str, Role]
    custom_roles: bool
    impersonation_session_duration: int
    allow_impersonating_admins: bool
    default_ban_reason: str | None
    default_ban_expires_in: int | None
    banned_user_message: str | Callable[[Record], str]

    def allows(self, user_id: str | None, role: str | None, permissions: PermissionRequest) -> bool:
        """Better Auth's ``hasPermission``: an id in ``admin_user_ids`` may do anything;
        else any one of the roles (``role`` or the default role) must grant all."""
        if user_id and user_id in self.admin_user_ids:
            return True
        if not permissions:
            return False
        return has_permission(role or self.default_role, permissions, self.roles)

    def user_has_permission(self, user: Record, permissions: PermissionRequest) -> bool:
        """Whether ``user`` (its ``role`` field, its id) has ``permissions``."""
        return self.allows(user.get("id"), user.get("role"), permissions)

    def is_admin(self, user: Mapping[str, Any]) -> bool:
        """Whether ``user`` holds an admin role or is in ``admin_user_ids``."""
        roles = (user.get("role") or self.default_role).split(",")
        return user.get("id") in self.admin_user_ids or any(
            role in self.admin_roles for role in roles
        )

    def check_role_names(self, roles: Sequence[Any]) -> None:
        """400 ``INVALID_ROLE_TYPE`` for a non-string; with custom roles, 400
        ``YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE`` for an unknown name."""
        for role in roles:
            if not isinstance(role, str):
                raise APIError(400, "INVALID_ROLE_TYPE")
            if self.custom_roles and role not in self.roles:
                raise APIError(400, "YOU_ARE_NOT_ALLOWED_TO_SET_NON_EXISTENT_VALUE")


def settings_of(ctx: Context) -> AdminSettings:
    """The app's admin settings."""
    return ctx.plugin_state(PLUGIN_ID, AdminSettings)


def require(ctx: Context, user: Record, permissions: PermissionRequest, code: str) -> None:
    """403 ``code`` unless ``user`` has ``permissions``."""
    if not settings_of(ctx).user_has_permission(user, permissions):
        raise APIError(403, code)


def admin_session(ctx: Context) -> tuple[Record, Record]:
    """The caller's ``(session, user)``, read from its store (never the cookie cache).

    :raises APIError: 401 with an empty body when there is none (as Better Auth).
    """
    found = ctx.session
    if found is None:
        raise APIError(401, "UNAUTHORIZED", body=False)
    return found.session, found.user


def roles_text(role: str | Sequence[str]) -> str:
    """Several roles stored as Better Auth does: comma-joined."""
    return role if isinstance(role, str) else ",".join(role)
