"""The tables the organization plugin adds (spec 11.1 and 12)."""

from __future__ import annotations

from typing import Any

ORGANIZATION = "organization"
MEMBER = "member"
INVITATION = "invitation"
TEAM = "team"
TEAM_MEMBER = "teamMember"
ORGANIZATION_ROLE = "organizationRole"


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


TEAM_SCHEMA: dict[str, dict[str, Any]] = {
    "session": {"fields": {"activeTeamId": {"type": "string", "input": False}}},
    TEAM: {
        "fields": {
            "name": {"type": "string", "required": True},
            "memberCount": {
                "type": "number",
                "required": True,
                "default_value": 0,
                "input": False,
                "returned": False,
            },
            "organizationId": {
                "type": "string",
                "required": True,
                "references": "organization.id",
                "index": True,
            },
            "createdAt": {"type": "date", "required": True},
            "updatedAt": {"type": "date"},
        }
    },
    TEAM_MEMBER: {
        "fields": {
            "teamId": {"type": "string", "required": True, "references": "team.id", "index": True},
            "userId": {"type": "string", "required": True, "references": "user.id", "index": True},
            "membershipKey": {"type": "string", "unique": True, "input": False, "returned": False},
            "createdAt": {"type": "date"},
        }
    },
}


#: Dynamic access control's table: roles made per organization (``permission`` is the
#: JSON text of ``{resource: [action, ...]}``). The unique index on
#: ``(organizationId, role)`` is ours (Better Auth's schema has none): two requests
#: storing one name at once leave one role, the other is refused as a taken name.
ROLE_SCHEMA: dict[str, dict[str, Any]] = {
    ORGANIZATION_ROLE: {
        "fields": {
            "organizationId": _fk("organization.id"),
            "role": {"type": "string", "required": True, "index": True},
            "permission": {"type": "string", "required": True},
            "createdAt": {"type": "date", "required": True},
            "updatedAt": {"type": "date"},
        },
        "unique_indexes": [("organizationId", "role")],
    }
}


def schema_with(*, teams: bool, dynamic_roles: bool = False) -> dict[str, dict[str, Any]]:
    """The plugin's schema; with ``teams``, the team tables, ``session.activeTeamId`` and
    ``invitation.teamId`` too; with ``dynamic_roles``, the ``organizationRole`` table."""
    if not teams and not dynamic_roles:
        return SCHEMA
    result = {name: {**spec, "fields": dict(spec["fields"])} for name, spec in SCHEMA.items()}
    if teams:
        result["session"]["fields"].update(TEAM_SCHEMA["session"]["fields"])
        result[INVITATION]["fields"]["teamId"] = {"type": "string"}
        result.update({k: v for k, v in TEAM_SCHEMA.items() if k != "session"})
    if dynamic_roles:
        result.update(ROLE_SCHEMA)
    return result
