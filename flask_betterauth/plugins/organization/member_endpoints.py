"""Members: add (server), remove, update-member-role, get-active-member(-role), leave,
list-members (spec 11.3)."""

from __future__ import annotations

from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Op
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import endpoint

from . import store
from . import team_rows as teams
from .common import RoleField
from .common import acting_member
from .common import check_roles
from .common import is_creator
from .common import require
from .schema import MEMBER
from .settings import settings

MEMBER_NOT_FOUND = "MEMBER_NOT_FOUND"
ONLY_OWNER = "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER"
NOT_ALLOWED_UPDATE = "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER"
SORTABLE = ("id", "userId", "role", "createdAt")
FILTERABLE = ("id", "userId", "role")
OPERATORS = {"eq": "=", "ne": "!=", "lt": "<", "lte": "<=", "gt": ">", "gte": ">=", "in": "in"}


class AddMemberBody(BodySchema):
    """The body of the server-only ``add_member``."""

    userId = StrictString(required=True)
    role = RoleField(required=True)
    organizationId = StrictString()


class RemoveBody(BodySchema):
    """The body of ``POST /organization/remove-member``."""

    memberIdOrEmail = StrictString(required=True)
    organizationId = StrictString()


class RoleBody(BodySchema):
    """The body of ``POST /organization/update-member-role``."""

    memberId = StrictString(required=True)
    role = RoleField(required=True)
    organizationId = StrictString()


class LeaveBody(BodySchema):
    """The body of ``POST /organization/leave``."""

    organizationId = StrictString(required=True)


class RoleQuery(BodySchema):
    """The query of ``GET /organization/get-active-member-role``."""

    userId = StrictString()
    organizationId = StrictString()
    organizationSlug = StrictString()


class ListQuery(BodySchema):
    """The query of ``GET /organization/list-members``."""

    organizationId = StrictString()
    organizationSlug = StrictString()
    limit = StrictString()
    offset = StrictString()
    sortBy = StrictString()
    sortDirection = StrictString()
    filterField = StrictString()
    filterOperator = StrictString()
    filterValue = StrictString()


def _owners(ctx: Context, org_id: str) -> int:
    return store.owner_count(ctx, org_id, settings(ctx).creator_role)


@endpoint("/organization/add-member", server_only=True, body=AddMemberBody, auth="optional")
def add_member(ctx: Context) -> dict[str, Any]:
    """Add a user to an organization with a role (server only, no permission check)."""
    body = ctx.body
    org_id = store.active_org_id(ctx, body.get("organizationId"))
    if org_id is None:
        raise APIError(400, "NO_ACTIVE_ORGANIZATION")
    user = ctx.users.find_by_id(body["userId"])
    if user is None:
        raise APIError(400, "USER_NOT_FOUND")
    if store.find_member(ctx, org_id, user["id"]) is not None:
        raise APIError(400, "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION")
    org = store.find_org(ctx, org_id)
    if org is None:
        raise APIError(400, "ORGANIZATION_NOT_FOUND")
    options = settings(ctx)
    if ctx.adapter.count(MEMBER, {"organizationId": org_id}) >= options.membership_limit:
        raise APIError(403, "ORGANIZATION_MEMBERSHIP_LIMIT_REACHED")
    values = {
        "organizationId": org_id,
        "userId": user["id"],
        "role": check_roles(ctx, body["role"], org_id),
    }
    values = options.changed(
        "before_add_member", values, member=values, user=user, organization=org
    )
    member = store.create_member(ctx, values)
    options.hook("after_add_member", member=member, user=user, organization=org)
    return store.member_wire(ctx, member)


@endpoint("/organization/remove-member", body=RemoveBody, auth="session")
def remove_member(ctx: Context) -> dict[str, Any]:
    """Remove a member by id or e-mail (``member:delete``; answers 401 without it)."""
    _, user = ctx.signed_in
    org_id = store.active_org_id(ctx, ctx.body.get("organizationId"))
    if org_id is None:
        raise APIError(400, "NO_ACTIVE_ORGANIZATION")
    caller = acting_member(ctx, org_id, (400, MEMBER_NOT_FOUND))
    key = ctx.body["memberIdOrEmail"]
    target: dict[str, Any] | None
    if "@" in key:
        found = ctx.users.find_by_email(key.lower())
        target = store.find_member(ctx, org_id, found["id"]) if found else None
    else:
        target = ctx.adapter.find_one(MEMBER, {"id": key})
    if target is None:
        raise APIError(400, MEMBER_NOT_FOUND)
    if is_creator(ctx, target.get("role")):
        if not is_creator(ctx, caller.get("role")) or _owners(ctx, org_id) <= 1:
            raise APIError(400, ONLY_OWNER)
    require(ctx, caller, {"member": ["delete"]}, "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER", 401)
    if target["organizationId"] != org_id:
        raise APIError(400, MEMBER_NOT_FOUND)
    org = store.find_org(ctx, org_id)
    options = settings(ctx)
    removed_user = ctx.users.find_by_id(target["userId"])
    options.hook("before_remove_member", member=target, user=removed_user, organization=org)
    with ctx.adapter.transaction():
        ctx.adapter.delete_many(MEMBER, {"id": target["id"]})
        teams.drop_from_teams(ctx, org_id, target["userId"])
    if target["userId"] == user["id"]:
        store.clear_active_if(ctx, org_id)
    options.hook("after_remove_member", member=target, user=removed_user, organization=org)
    return {"member": store.member_wire(ctx, target)}


@endpoint("/organization/update-member-role", body=RoleBody, auth="session")
def update_member_role(ctx: Context) -> dict[str, Any]:
    """Change a member's roles; only an owner may touch an owner or grant ownership."""
    _, user = ctx.signed_in
    roles_to_set = ctx.body["role"]
    if not roles_to_set:
        raise APIError(400, body=False)
    org_id = store.active_org_id(ctx, ctx.body.get("organizationId"))
    if org_id is None:
        raise APIError(400, "NO_ACTIVE_ORGANIZATION")
    caller = acting_member(ctx, org_id, (400, MEMBER_NOT_FOUND))
    target = ctx.adapter.find_one(MEMBER, {"id": ctx.body["memberId"]})
    if target is None:
        raise APIError(400, MEMBER_NOT_FOUND)
    if target["organizationId"] != org_id:
        raise APIError(403, NOT_ALLOWED_UPDATE)
    caller_owner = is_creator(ctx, caller.get("role"))
    setting_owner = is_creator(ctx, roles_to_set)
    if (is_creator(ctx, target.get("role")) or setting_owner) and not caller_owner:
        raise APIError(403, NOT_ALLOWED_UPDATE)
    if caller_owner and caller["id"] == target["id"] and not setting_owner:
        if _owners(ctx, org_id) <= 1:
            raise APIError(400, "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER")
    if not caller_owner:
        require(ctx, caller, {"member": ["update"]}, NOT_ALLOWED_UPDATE)
    try:
        role = check_roles(ctx, roles_to_set, org_id)
    except APIError as error:
        if error.code is None:
            raise APIError(400, "ROLE_NOT_FOUND", error.message) from None
        raise
    options = settings(ctx)
    org = store.find_org(ctx, org_id)
    changes = options.changed(
        "before_update_member_role",
        {"role": role},
        member=target,
        new_role=role,
        user=user,
        organization=org,
    )
    ctx.adapter.update_many(MEMBER, {"id": target["id"]}, changes)
    previous = target.get("role")
    target.update(changes)
    options.hook(
        "after_update_member_role",
        member=target,
        previous_role=previous,
        user=user,
        organization=org,
    )
    return store.member_wire(ctx, target)


@endpoint("/organization/get-active-member", method="GET", auth="session")
def get_active_member(ctx: Context) -> dict[str, Any]:
    """The caller's membership in the active organization, with its user."""
    _, user = ctx.signed_in
    org_id = store.active_org_id(ctx)
    if org_id is None:
        raise APIError(400, "NO_ACTIVE_ORGANIZATION")
    member = acting_member(ctx, org_id, (400, MEMBER_NOT_FOUND))
    return store.member_wire(ctx, member, user)


def _listed_org(ctx: Context) -> str:
    """The organization a list/role query names (slug, id, or the active one), the caller
    a member of it."""
    slug = ctx.query.get("organizationSlug")
    org_id: str | None
    if slug:
        org = store.find_org(ctx, slug=slug)
        if org is None:
            raise APIError(400, "ORGANIZATION_NOT_FOUND")
        org_id = org["id"]
    else:
        org_id = store.active_org_id(ctx, ctx.query.get("organizationId"))
    if org_id is None:
        raise APIError(400, "NO_ACTIVE_ORGANIZATION")
    acting_member(ctx, org_id, (403, "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION"))
    return org_id


@endpoint("/organization/get-active-member-role", method="GET", query=RoleQuery, auth="session")
def get_active_member_role(ctx: Context) -> dict[str, Any]:
    """``{"role"}`` of the caller (or ``userId``) in the organization."""
    _, user = ctx.signed_in
    org_id = _listed_org(ctx)
    user_id = ctx.query.get("userId") or user["id"]
    member = store.find_member(ctx, org_id, user_id)
    if member is None:
        raise APIError(403, "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION")
    return {"role": member["role"]}


@endpoint("/organization/leave", body=LeaveBody, auth="session", name="leave_organization")
def leave_organization(ctx: Context) -> dict[str, Any]:
    """Leave an organization (not as its only owner)."""
    _, user = ctx.signed_in
    org_id = ctx.body["organizationId"]
    member = acting_member(ctx, org_id, (400, MEMBER_NOT_FOUND))
    if is_creator(ctx, member.get("role")) and _owners(ctx, org_id) <= 1:
        raise APIError(400, ONLY_OWNER)
    with ctx.adapter.transaction():
        ctx.adapter.delete_many(MEMBER, {"id": member["id"]})
        teams.drop_from_teams(ctx, org_id, user["id"])
    store.clear_active_if(ctx, org_id)
    return store.member_wire(ctx, member, user)


def _number(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise APIError(400, "VALIDATION_ERROR", f"[query.{name}] Invalid input: expected number")
    return int(value)


@endpoint("/organization/list-members", method="GET", query=ListQuery, auth="session")
def list_members(ctx: Context) -> dict[str, Any]:
    """``{"members", "total"}``: a page of the organization's members with their users."""
    org_id = _listed_org(ctx)
    query = ctx.query
    limit = _number(query.get("limit"), "limit") or settings(ctx).membership_limit
    offset = _number(query.get("offset"), "offset")
    sort_by = None
    if query.get("sortBy"):
        if query["sortBy"] not in SORTABLE:
            raise APIError(400, "VALIDATION_ERROR", "[query.sortBy] Invalid input: unknown field")
        direction = "desc" if query.get("sortDirection") == "desc" else "asc"
        sort_by = (query["sortBy"], direction)
    where: dict[str, Any] = {"organizationId": org_id}
    field = query.get("filterField")
    if field:
        operator = OPERATORS.get(query.get("filterOperator") or "eq")
        if field not in FILTERABLE or operator is None:
            raise APIError(400, "VALIDATION_ERROR", "[query.filterField] Invalid input")
        value: Any = query.get("filterValue")
        if operator == "in":
            value = str(value or "").split(",")
        where[field] = Op(operator, value)
    members = store.members_with_users(ctx, where, limit=limit, offset=offset, sort_by=sort_by)
    return {"members": members, "total": ctx.adapter.count(MEMBER, where)}
