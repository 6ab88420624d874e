"""The admin plugin's default access control: its statements and roles ``admin``, ``user``.

As Better Auth 1.7.24's ``better-auth/plugins/admin/access``. A custom ``ac`` adds
resources of its own beside these (spread ``DEFAULT_STATEMENTS`` into it).
"""

from __future__ import annotations

from flask_betterauth.plugins import Role
from flask_betterauth.plugins import create_access_control

__all__ = ["ADMIN_ROLE", "DEFAULT_ROLES", "DEFAULT_STATEMENTS", "USER_ROLE", "default_ac"]

#: Every resource and action the admin endpoints check.
DEFAULT_STATEMENTS: dict[str, list[str]] = {
    "user": [
        "create",
        "list",
        "set-role",
        "ban",
        "impersonate",
        "impersonate-admins",
        "delete",
        "set-password",
        "set-email",
        "set-phone",
        "get",
        "update",
    ],
    "session": ["list", "revoke", "delete"],
}

default_ac = create_access_control(DEFAULT_STATEMENTS)

#: ``admin``: everything but ``user:impersonate-admins``.
ADMIN_ROLE = default_ac.new_role(
    {
        "user": [a for a in DEFAULT_STATEMENTS["user"] if a != "impersonate-admins"],
        "session": list(DEFAULT_STATEMENTS["session"]),
    }
)
#: ``user``: nothing.
USER_ROLE = default_ac.new_role({"user": [], "session": []})

DEFAULT_ROLES: dict[str, Role] = {"admin": ADMIN_ROLE, "user": USER_ROLE}
