"""The organization roles (spec 11.2): the default statements, ``owner``/``admin``/``member``
made with the access-control module, and whether a member's roles allow an action."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_betterauth.plugins import PermissionRequest
from flask_betterauth.plugins import Role
from flask_betterauth.plugins import create_access_control
from flask_betterauth.plugins import has_permission

#: Better Auth's ``defaultStatements`` of the organization plugin.
DEFAULT_STATEMENTS: dict[str, list[str]] = {
    "organization": ["update", "delete"],
    "member": ["create", "update", "delete"],
    "invitation": ["create", "cancel"],
    "team": ["create", "update", "delete"],
    "ac": ["create", "read", "update", "delete"],
}

#: The access control of :data:`DEFAULT_STATEMENTS`: custom roles are made from it
#: (``default_ac.new_role({"invitation": ["create"]})``) or from a larger one.
default_ac = create_access_control(DEFAULT_STATEMENTS)

OWNER = default_ac.new_role(DEFAULT_STATEMENTS)
ADMIN = default_ac.new_role({**DEFAULT_STATEMENTS, "organization": ["update"]})
MEMBER = default_ac.new_role(
    {"organization": [], "member": [], "invitation": [], "team": [], "ac": ["read"]}
)
DEFAULT_ROLES: dict[str, Role] = {"owner": OWNER, "admin": ADMIN, "member": MEMBER}


def split_roles(role: Any) -> list[str]:
    """A member's role field (``"admin,member"``) or a list of roles, as names (blank
    names dropped)."""
    names = role if isinstance(role, list | tuple) else str(role or "").split(",")
    return [str(name).strip() for name in names if str(name).strip()]


def allows(roles: Mapping[str, Role], role: Any, permissions: PermissionRequest) -> bool:
    """Whether any of the member's roles grants all of ``permissions`` (an empty request
    grants nothing)."""
    return has_permission(split_roles(role), permissions, roles)


def unknown_roles(roles: Mapping[str, Role], role: Any) -> list[str]:
    """The names in ``role`` that are not roles of this app."""
    return [name for name in split_roles(role) if name not in roles]
