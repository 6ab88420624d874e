"""Dynamic access control (``dynamic_access_control={"enabled": True}``): roles made per
organization and stored in ``organizationRole``: create-role, delete-role, list-roles,
get-role, update-role (read from Better Auth 1.7.24's ``crud-access-control``; every
check in its order, with its codes).

A stored role counts wherever a member's permissions are checked (see
:meth:`~.settings.OrganizationSettings.roles_of`) and may be given to members
(invite-member, update-member-role, add-member).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from marshmallow.fields import Nested

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import ConflictError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Op
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import now

from . import role_rows
from . import roles
from . import store
from .common import PermissionsField
from .common import acting_member
from .schema import MEMBER
from .schema import ORGANIZATION_ROLE
from .settings import settings

NOT_MEMBER = (403, "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION")
TAKEN = "ROLE_NAME_IS_ALREADY_TAKEN"


class CreateRoleBody(BodySchema):
    """The body of ``POST /organization/create-role``."""

    organizationId = StrictString()
    role = StrictString(required=True)
    permission = PermissionsField(required=True)


class RoleRefBody(BodySchema):
    """A body naming a stored role (``delete-role``)."""

    organizationId = StrictString()
    roleName = StrictString()
    roleId = StrictString()


class RoleRefQuery(RoleRefBody):
    """The query of ``get-role`` and ``list-roles``."""


class UpdateRoleData(BodySchema):
    """``data`` of ``POST /organization/update-role``."""

    permission = PermissionsField()
    roleName = StrictString()


class UpdateRoleBody(RoleRefBody):
    """The body of ``POST /organization/update-role``."""

    data = Nested(UpdateRoleData, required=True)


def _org_id(ctx: Context, given: Any, code: str = "NO_ACTIVE_ORGANIZATION") -> str:
    org_id = store.active_org_id(ctx, given)
    if org_id is None:
        raise APIError(400, code)
    return org_id


def _ac(ctx: Context) -> Any:
    ac = settings(ctx).ac
    if ac is None:
        raise APIError(501, "MISSING_AC_INSTANCE")
    return ac


def _name(value: str) -> str:
    """A new role's name, lower-cased as Better Auth does.

    :raises APIError: 400 ``VALIDATION_ERROR`` for an empty name or one with a comma (a
        member's roles are stored comma-joined; our choice, Better Auth takes them).
    """
    name = value.lower()
    if not name.strip() or "," in name:
        raise APIError(400, "VALIDATION_ERROR", "[body.role] Invalid input: a role name")
    return name


def _reference(ctx: Context, given: Mapping[str, Any], where: str) -> dict[str, str]:
    """``{"role": roleName}`` or ``{"id": roleId}`` (the name first, as Better Auth).

    :raises APIError: 400 ``VALIDATION_ERROR`` when neither is given.
    """
    if given.get("roleName"):
        return {"role": given["roleName"]}
    if given.get("roleId"):
        return {"id": given["roleId"]}
    raise APIError(400, "VALIDATION_ERROR", f"[{where}] Invalid input: roleName or roleId")


def _predefined(ctx: Context, name: str, code: str = TAKEN) -> None:
    if name in settings(ctx).roles:
        raise APIError(400, code)


def _taken_in_db(ctx: Context, org_id: str, name: str) -> None:
    if role_rows.find(ctx, org_id, {"role": name}) is not None:
        raise APIError(400, TAKEN)


def _check_resources(ac: Any, permission: Mapping[str, Sequence[str]]) -> None:
    if any(resource not in ac.statements for resource in permission):
        raise APIError(400, "INVALID_RESOURCE")


def _check_caller_holds(
    ctx: Context, member: Mapping[str, Any], permission: Mapping[str, Sequence[str]], code: str
) -> None:
    """A member may only make or change a role with actions its own roles grant.

    :raises APIError: 403 ``code`` with ``missingPermissions`` (``["resource:action"]``).
    """
    found = settings(ctx).roles_of(ctx.adapter, member["organizationId"])
    missing = [
        f"{resource}:{action}"
        for resource, actions in permission.items()
        for action in actions
        if not roles.allows(found, member.get("role"), {resource: [action]})
    ]
    if missing:
        raise APIError(403, code, extra={"missingPermissions": missing})


@endpoint("/organization/create-role", body=CreateRoleBody, auth="session", name="create_org_role")
def create_org_role(ctx: Context) -> dict[str, Any]:
    """Store a new role in the (active) organization (``ac:create``); its actions must be
    ones the caller holds."""
    code = "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE"
    ac = _ac(ctx)
    org_id = _org_id(
        ctx, ctx.body.get("organizationId"), "YOU_MUST_BE_IN_AN_ORGANIZATION_TO_CREATE_A_ROLE"
    )
    name = _name(ctx.body["role"])
    _predefined(ctx, name)
    member = acting_member(ctx, org_id, NOT_MEMBER, {"ac": ["create"]}, (403, code))
    options = settings(ctx)
    stored = ctx.adapter.count(ORGANIZATION_ROLE, {"organizationId": org_id})
    if stored >= options.dynamic_access_control.maximum(org_id):
        raise APIError(400, "TOO_MANY_ROLES")
    permission = ctx.body["permission"]
    _check_resources(ac, permission)
    _check_caller_holds(ctx, member, permission, code)
    _taken_in_db(ctx, org_id, name)
    row = {
        "id": ctx.generate_id(),
        "organizationId": org_id,
        "role": name,
        "permission": json.dumps(permission, separators=(",", ":")),
        "createdAt": now(),
        "updatedAt": None,
    }
    try:
        created = ctx.adapter.create(ORGANIZATION_ROLE, row)
    except ConflictError:  # stored by a request racing this one (the unique index)
        raise APIError(400, TAKEN) from None
    return {
        "success": True,
        "roleData": role_rows.wire(ctx, created),
        "statements": permission,
    }


@endpoint("/organization/delete-role", body=RoleRefBody, auth="session", name="delete_org_role")
def delete_org_role(ctx: Context) -> dict[str, Any]:
    """Delete a stored role (``ac:delete``) that no member holds."""
    reference = _reference(ctx, ctx.body, "body")
    org_id = _org_id(ctx, ctx.body.get("organizationId"))
    acting_member(
        ctx, org_id, NOT_MEMBER, {"ac": ["delete"]}, (403, "YOU_ARE_NOT_ALLOWED_TO_DELETE_A_ROLE")
    )
    if "role" in reference:
        _predefined(ctx, reference["role"], "CANNOT_DELETE_A_PRE_DEFINED_ROLE")
    row = role_rows.find(ctx, org_id, reference)
    if row is None:
        raise APIError(400, "ROLE_NOT_FOUND")
    name = row["role"]
    holders = ctx.adapter.find_many(
        MEMBER, {"organizationId": org_id, "role": Op("contains", name)}
    )
    if any(name in roles.split_roles(holder.get("role")) for holder in holders):
        raise APIError(400, "ROLE_IS_ASSIGNED_TO_MEMBERS")
    ctx.adapter.delete_many(ORGANIZATION_ROLE, {"organizationId": org_id, **reference})
    return {"success": True}


@endpoint(
    "/organization/list-roles",
    method="GET",
    query=RoleRefQuery,
    auth="session",
    name="list_org_roles",
)
def list_org_roles(ctx: Context) -> list[dict[str, Any]]:
    """The roles stored for the (active) organization (``ac:read``)."""
    org_id = _org_id(ctx, ctx.query.get("organizationId"))
    acting_member(
        ctx, org_id, NOT_MEMBER, {"ac": ["read"]}, (403, "YOU_ARE_NOT_ALLOWED_TO_LIST_A_ROLE")
    )
    rows = ctx.adapter.find_many(ORGANIZATION_ROLE, {"organizationId": org_id})
    return [role_rows.wire(ctx, row) for row in rows]


@endpoint(
    "/organization/get-role", method="GET", query=RoleRefQuery, auth="session", name="get_org_role"
)
def get_org_role(ctx: Context) -> dict[str, Any]:
    """One stored role, by ``roleName`` or ``roleId`` (``ac:read``)."""
    reference = _reference(ctx, ctx.query, "query")
    org_id = _org_id(ctx, ctx.query.get("organizationId"))
    acting_member(
        ctx, org_id, NOT_MEMBER, {"ac": ["read"]}, (403, "YOU_ARE_NOT_ALLOWED_TO_READ_A_ROLE")
    )
    row = role_rows.find(ctx, org_id, reference)
    if row is None:
        raise APIError(400, "ROLE_NOT_FOUND")
    return role_rows.wire(ctx, row)


@endpoint("/organization/update-role", body=UpdateRoleBody, auth="session", name="update_org_role")
def update_org_role(ctx: Context) -> dict[str, Any]:
    """Change a stored role's actions or name (``ac:update``). Members holding it keep
    the old name in their ``role`` (as Better Auth)."""
    code = "YOU_ARE_NOT_ALLOWED_TO_UPDATE_A_ROLE"
    reference = _reference(ctx, ctx.body, "body")
    ac = _ac(ctx)
    org_id = _org_id(ctx, ctx.body.get("organizationId"))
    member = acting_member(ctx, org_id, NOT_MEMBER, {"ac": ["update"]}, (403, code))
    row = role_rows.find(ctx, org_id, reference)
    if row is None:
        raise APIError(400, "ROLE_NOT_FOUND")
    data = ctx.body["data"]
    changes: dict[str, Any] = {}
    permission = data.get("permission")
    if permission is not None:  # ``{}`` too: it takes every action away (as Better Auth)
        _check_resources(ac, permission)
        _check_caller_holds(ctx, member, permission, code)
        changes["permission"] = json.dumps(permission, separators=(",", ":"))
    if data.get("roleName"):
        name = _name(data["roleName"])
        _predefined(ctx, name)
        _taken_in_db(ctx, org_id, name)
        changes["role"] = name
    answer = {**role_rows.wire(ctx, row), **changes}
    if permission is None:
        permission = role_rows.parse_permission(row["role"], row["permission"])
    answer["permission"] = permission
    if changes:
        try:
            ctx.adapter.update_many(
                ORGANIZATION_ROLE,
                {"organizationId": org_id, **reference},
                {**changes, "updatedAt": now()},
            )
        except ConflictError:  # a racing request stored that name first
            raise APIError(400, TAKEN) from None
    return {"success": True, "roleData": answer}


ENDPOINTS = (create_org_role, delete_org_role, list_org_roles, get_org_role, update_org_role)
