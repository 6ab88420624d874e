"""The organization roles (spec 11.2): the default statements, ``owner``/``admin``/``member``,
and whether a member's roles allow an action."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: Better Auth's ``defaultStatements`` of the organization plugin.
DEFAULT_STATEMENTS: dict[str, tuple[str, ...]] = {
    "organization": ("update", "delete"),
    "member": ("create", "update", "delete"),
    "invitation": ("create", "cancel"),
    "team": ("create", "update", "delete"),
    "ac": ("create", "read", "update", "delete"),
}


@dataclass(frozen=True)
class Role:
    """A role: the actions it grants on each resource."""

    statements: Mapping[str, Sequence[str]]

    def allows(self, permissions: Mapping[str, Sequence[str]]) -> bool:
        """Whether this role grants every action of ``permissions``."""
        for resource, actions in permissions.items():
            granted = self.statements.get(resource)
            if granted is None or any(action not in granted for action in actions):
                return False
        return True


def _role(statements: Mapping[str, Sequence[str]]) -> Role:
    return Role({resource: tuple(actions) for resource, actions in statements.items()})


OWNER = _role(DEFAULT_STATEMENTS)
ADMIN = _role({**DEFAULT_STATEMENTS, "organization": ("update",)})
MEMBER = _role({"organization": (), "member": (), "invitation": (), "team": (), "ac": ("read",)})
DEFAULT_ROLES: dict[str, Role] = {"owner": OWNER, "admin": ADMIN, "member": MEMBER}


def split_roles(role: Any) -> list[str]:
    """A member's role field (``"admin,member"``) or a list of roles, as names."""
    names = role if isinstance(role, list | tuple) else str(role or "").split(",")
    return [str(name).strip() for name in names if str(name).strip()]


def allows(roles: Mapping[str, Any], role: Any, permissions: Mapping[str, Sequence[str]]) -> bool:
    """Whether any of the member's roles grants all of ``permissions`` (an empty request
    is granted by any known role)."""
    for name in split_roles(role):
        found = roles.get(name)
        if found is not None and _grants(found, permissions):
            return True
    return False


def _grants(role: Any, permissions: Mapping[str, Sequence[str]]) -> bool:
    if isinstance(role, Role):
        return role.allows(permissions)
    authorization = role.authorize(permissions)
    return bool(getattr(authorization, "success", authorization))


def unknown_roles(roles: Mapping[str, Any], role: Any) -> list[str]:
    """The names in ``role`` that are not roles of this app."""
    return [name for name in split_roles(role) if name not in roles]
