"""The ``admin`` plugin: manage users (roles, bans, sessions, impersonation), as Better
Auth's ``admin()``.

Adds ``user.role``, ``user.banned``, ``user.banReason``, ``user.banExpires`` and
``session.impersonatedBy``; the ``/admin/*`` endpoints; the ban check on every new
session; and the roles :func:`~flask_betterauth.permission_required` checks.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from flask_betterauth import BetterAuthError
from flask_betterauth.plugins import AccessControl
from flask_betterauth.plugins import Hook
from flask_betterauth.plugins import Plugin
from flask_betterauth.plugins import Record
from flask_betterauth.plugins import Role

from .access import ADMIN_ROLE as ADMIN_ROLE
from .access import DEFAULT_ROLES as DEFAULT_ROLES
from .access import DEFAULT_STATEMENTS as DEFAULT_STATEMENTS
from .access import USER_ROLE as USER_ROLE
from .access import default_ac as default_ac
from .bans import ban_user
from .bans import has_permission
from .bans import list_user_sessions
from .bans import revoke_user_session
from .bans import revoke_user_sessions
from .bans import unban_user
from .hooks import database_hooks
from .hooks import hide_impersonations
from .impersonation import ADMIN_COOKIE
from .impersonation import impersonate_user
from .impersonation import stop_impersonating
from .listing import list_users
from .pages import add_pages
from .settings import BANNED_MESSAGE
from .settings import ERROR_CODES
from .settings import PLUGIN_ID
from .settings import AdminSettings
from .users import create_user
from .users import get_user
from .users import remove_user
from .users import set_role
from .users import set_user_password
from .users import update_user

__all__ = [
    "ADMIN_ROLE",
    "DEFAULT_ROLES",
    "DEFAULT_STATEMENTS",
    "ERROR_CODES",
    "USER_ROLE",
    "AdminSettings",
    "admin",
    "default_ac",
]

ENDPOINTS = (
    create_user,
    list_users,
    get_user,
    update_user,
    set_role,
    set_user_password,
    ban_user,
    unban_user,
    list_user_sessions,
    revoke_user_session,
    revoke_user_sessions,
    impersonate_user,
    stop_impersonating,
    remove_user,
    has_permission,
)

SCHEMA: dict[str, dict[str, Any]] = {
    "user": {
        "fields": {
            "role": {"type": "string", "required": False, "input": False, "index": True},
            "banned": {
                "type": "boolean",
                "required": False,
                "default_value": False,
                "input": False,
            },
            "banReason": {"type": "string", "required": False, "input": False},
            "banExpires": {"type": "date", "required": False, "input": False},
        },
        # list-users pages newest first (an admin page's default order) or by name
        # (``email`` is unique, so indexed already): without an index PostgreSQL sorts
        # every row for a page sorted by name (15-30 ms at 100,000 users).
        "indexes": ["createdAt", "name"],
    },
    "session": {"fields": {"impersonatedBy": {"type": "string", "required": False}}},
}


def admin(
    *,
    default_role: str = "user",
    admin_roles: str | Sequence[str] = ("admin",),
    admin_user_ids: Sequence[str] = (),
    ac: AccessControl | None = None,
    roles: Mapping[str, Role] | None = None,
    impersonation_session_duration: int = 3600,
    allow_impersonating_admins: bool = False,
    default_ban_reason: str | None = None,
    default_ban_expires_in: int | None = None,
    banned_user_message: str | Callable[[Record], str] = BANNED_MESSAGE,
) -> Plugin:
    """Manage users from an admin account.

    :param default_role: the role of a new user (and of a user without one).
    :param admin_roles: the roles that count as admin (not impersonable unless allowed);
        each must be one of ``roles``.
    :param admin_user_ids: users allowed everything, whatever their role.
    :param ac: the access control ``roles`` were made from (kept for reference).
    :param roles: role name -> :class:`~flask_betterauth.access.Role`; default
        ``admin`` and ``user`` (:data:`DEFAULT_ROLES`). With custom roles, setting a
        role not among them is refused.
    :param impersonation_session_duration: seconds an impersonation session lasts.
    :param allow_impersonating_admins: let admins impersonate admins.
    :param default_ban_reason: the reason of a ban given none (``"No reason"``).
    :param default_ban_expires_in: seconds a ban given no expiry lasts (none: for good).
    :param banned_user_message: the message a banned user's sign-in gets, or
        ``message(user) -> str``.
    :raises BetterAuthError: for an admin role not among ``roles``.
    """
    del ac
    admin_role_names = admin_roles.split(",") if isinstance(admin_roles, str) else list(admin_roles)
    known = {name.lower() for name in (roles or DEFAULT_ROLES)}
    invalid = [name for name in admin_role_names if name.strip().lower() not in known]
    if invalid:
        raise BetterAuthError(
            f"Invalid admin roles: {', '.join(invalid)}. "
            "Admin roles must be defined in the 'roles' configuration."
        )
    settings = AdminSettings(
        default_role=default_role,
        admin_roles=tuple(name.strip() for name in admin_role_names),
        admin_user_ids=frozenset(admin_user_ids),
        roles=dict(roles or DEFAULT_ROLES),
        custom_roles=roles is not None,
        impersonation_session_duration=impersonation_session_duration,
        allow_impersonating_admins=allow_impersonating_admins,
        default_ban_reason=default_ban_reason,
        default_ban_expires_in=default_ban_expires_in,
        banned_user_message=banned_user_message,
    )
    return Plugin(
        id=PLUGIN_ID,
        endpoints=ENDPOINTS,
        schema=SCHEMA,
        hooks={"after": [Hook(hide_impersonations, endpoints=frozenset({"list_sessions"}))]},
        database_hooks=database_hooks(settings),
        error_codes=ERROR_CODES,
        cookies=(ADMIN_COOKIE,),
        state=lambda options: settings,
        pages=add_pages,
    )
