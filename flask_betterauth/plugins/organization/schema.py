"""The tables the organization plugin adds (spec 11.1 and 12)."""

from __future__ import annotations

from typing import Any

ORGANIZATION = "organization"
MEMBER = "member"
INVITATION = "invitation"


def _fk(target: str) -> dict[str, Any]:
    return {"type": "string", "required": True, "references": target, "index": True}


SCHEMA: dict[str, dict[str, Any]] = {
    "session": {"fields": {"activeOrganizationId": {"type": "string", "input": False}}},
    ORGANIZATION: {
        "fields": {
            "name": {"type": "string", "required": True},
            "slug": {"type": "string", "required": True, "unique": True},
            "logo": {"type": "string"},
            "createdAt": {"type": "date", "required": True},
            "metadata": {"type": "string"},
        }
    },
    MEMBER: {
        "fields": {
            "organizationId": _fk("organization.id"),
            "userId": _fk("user.id"),
            "role": {"type": "string", "required": True, "default_value": "member"},
            "createdAt": {"type": "date", "required": True},
        },
        # list-members' sorted pages and role filter stay fast at 10,000 members (not in
        # Better Auth's schema; ``flask auth migrate`` adds them to its databases).
        "indexes": [("organizationId", "createdAt"), ("organizationId", "role")],
    },
    INVITATION: {
        "fields": {
            "organizationId": _fk("organization.id"),
            "email": {"type": "string", "required": True, "index": True},
            "role": {"type": "string"},
            "status": {"type": "string", "required": True, "default_value": "pending"},
            "expiresAt": {"type": "date", "required": True},
            "createdAt": {"type": "date", "required": True},
            "inviterId": {"type": "string", "required": True, "references": "user.id"},
        }
    },
}
