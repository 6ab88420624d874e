"""Organizations: create, check-slug, update, delete, set-active, get, list (spec 11.3)."""

from __future__ import annotations

import json
from typing import Any

from marshmallow.fields import Nested
from marshmallow.validate import Length

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import ConflictError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import StrictBoolean
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import now

from . import store
from . import team_rows as teams
from .common import ObjectField
from .common import PermissionsField
from .common import acting_member
from .common import can
from .schema import INVITATION
from .schema import MEMBER
from .schema import ORGANIZATION
from .schema import ORGANIZATION_ROLE
from .schema import TEAM
from .schema import TEAM_MEMBER
from .settings import settings

NOT_MEMBER = "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION"


class CreateBody(BodySchema):
    """The body of ``POST /organization/create``."""

    name = StrictString(required=True, validate=Length(min=1))
    slug = StrictString(required=True, validate=Length(min=1))
    logo = StrictString(allow_none=True)
    metadata = ObjectField(allow_none=True)
    keepCurrentActiveOrganization = StrictBoolean()
    userId = StrictString()


class SlugBody(BodySchema):
    """The body of ``POST /organization/check-slug``."""

    slug = StrictString(required=True)


class UpdateData(BodySchema):
    """``data`` of ``POST /organization/update``."""

    name = StrictString(validate=Length(min=1))
    slug = StrictString(validate=Length(min=1))
    logo = StrictString(allow_none=True)
    metadata = ObjectField(allow_none=True)


class UpdateBody(BodySchema):
    """The body of ``POST /organization/update``."""

    data = Nested(UpdateData, required=True)
    organizationId = StrictString()


class OrgIdBody(BodySchema):
    """A body naming one organization (``delete``)."""

    organizationId = StrictString(required=True)


class SetActiveBody(BodySchema):
    """The body of ``POST /organization/set-active``."""

    organizationId = StrictString(allow_none=True)
    organizationSlug = StrictString()


class OrgQuery(BodySchema):
    """The query naming an organization (``get-organization``, ``get-full-organization``)."""

    organizationId = StrictString()
    organizationSlug = StrictString()
    membersLimit = StrictString()


class HasPermissionBody(BodySchema):
    """The body of ``POST /organization/has-permission``."""

    permissions = PermissionsField()
    permission = ObjectField()
    organizationId = StrictString()


def _metadata(value: Any) -> str | None:
    return json.dumps(value, separators=(",", ":")) if value is not None else None


@endpoint("/organization/create", body=CreateBody, auth="optional", name="create_organization")
def create_organization(ctx: Context) -> dict[str, Any]:
    """Create an organization; the caller becomes its owner and it becomes active."""
    options = settings(ctx)
    body = ctx.body
    session = ctx.session
    given = body.get("userId")
    if given and not ctx.is_http:
        user = ctx.users.find_by_id(given)
    else:
        user = session.user if session else None
    if user is None:
        raise APIError(401, body=False)
    allowed = options.allow_user_to_create_organization
    if not (allowed(user) if callable(allowed) else allowed):
        raise APIError(403, "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION")
    limit = options.organization_limit
    if callable(limit):
        reached = bool(limit(user))
    else:
        reached = limit is not None and len(store.user_org_ids(ctx, user["id"])) >= limit
    if reached:
        raise APIError(403, "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS")
    if store.find_org(ctx, slug=body["slug"]) is not None:
        raise APIError(400, "ORGANIZATION_ALREADY_EXISTS")
    data = {k: body[k] for k in ("name", "slug", "logo", "metadata") if k in body}
    data = options.changed("before_create_organization", data, organization=data, user=user)
    row = {
        "id": ctx.generate_id(),
        "name": data["name"],
        "slug": data["slug"],
        "logo": data.get("logo"),
        "metadata": _metadata(data.get("metadata")),
        "createdAt": now(),
    }
    values = {"userId": user["id"], "organizationId": row["id"], "role": options.creator_role}
    try:
        with ctx.adapter.transaction():
            org = ctx.adapter.create(ORGANIZATION, row)
            values = options.changed(
                "before_add_member", values, member=values, user=user, organization=org
            )
            member = store.create_member(ctx, values)
    except ConflictError:
        raise APIError(400, "ORGANIZATION_ALREADY_EXISTS") from None
    options.hook("after_add_member", member=member, user=user, organization=org)
    team = None
    if options.teams.enabled and options.teams.default_team:
        data = {"name": org["name"], "organizationId": org["id"]}
        data = options.changed("before_create_team", data, team=data, user=user, organization=org)
        team = teams.create_team(ctx, org["id"], data["name"])
        teams.add_team_member(ctx, team, user["id"])
        options.hook("after_create_team", team=team, user=user, organization=org)
    options.hook("after_create_organization", organization=org, user=user, member=member)
    if session is not None and not body.get("keepCurrentActiveOrganization"):
        # One re-issue of the session cookies with both changes, so a cached get-session
        # right after sees the new organization (Better Auth 1.7.24 does not re-issue
        # here, leaving the cookie cache stale until it expires; its set-active does).
        store.set_active(ctx, org["id"], reissue=team is None)
        if team is not None:
            teams.set_active_team(ctx, team["id"], reissue=True)
    return {**store.org_wire(ctx, org, parsed=True), "members": [store.member_wire(ctx, member)]}


@endpoint("/organization/check-slug", body=SlugBody, auth="session")
def check_organization_slug(ctx: Context) -> dict[str, Any]:
    """Whether a slug is free: ``{"status": true}``, or 400 when taken."""
    if store.find_org(ctx, slug=ctx.body["slug"]) is not None:
        raise APIError(400, "ORGANIZATION_SLUG_ALREADY_TAKEN")
    return {"status": True}


@endpoint("/organization/update", body=UpdateBody, auth="session")
def update_organization(ctx: Context) -> dict[str, Any]:
    """Change an organization's name, slug, logo or metadata (``organization:update``)."""
    _, user = ctx.signed_in
    org_id = store.active_org_id(ctx, ctx.body.get("organizationId"))
    if org_id is None:
        raise APIError(400, "ORGANIZATION_NOT_FOUND")
    refused = (403, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION")
    member = acting_member(ctx, org_id, (400, NOT_MEMBER), {"organization": ["update"]}, refused)
    org = store.find_org(ctx, org_id)
    if org is None:
        raise APIError(400, "ORGANIZATION_NOT_FOUND")
    data = dict(ctx.body["data"])
    slug = data.get("slug")
    if slug and slug != org["slug"] and store.find_org(ctx, slug=slug) is not None:
        raise APIError(400, "ORGANIZATION_SLUG_ALREADY_TAKEN")
    options = settings(ctx)
    data = options.changed(
        "before_update_organization", data, organization=data, user=user, member=member
    )
    if "metadata" in data:
        data["metadata"] = _metadata(data["metadata"])
    if data:
        try:
            ctx.adapter.update_many(ORGANIZATION, {"id": org_id}, data)
        except ConflictError:
            raise APIError(400, "ORGANIZATION_SLUG_ALREADY_TAKEN") from None
        org.update(data)
    options.hook("after_update_organization", organization=org, user=user, member=member)
    return store.org_wire(ctx, org, parsed=True)


@endpoint("/organization/delete", body=OrgIdBody, auth="session")
def delete_organization(ctx: Context) -> Any:
    """Delete an organization with its members and invitations (``organization:delete``)."""
    options = settings(ctx)
    if options.disable_organization_deletion:
        raise APIError(404, "ORGANIZATION_DELETION_DISABLED", "Organization deletion is disabled")
    _, user = ctx.signed_in
    org_id = ctx.body["organizationId"]
    refused = (403, "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION")
    acting_member(ctx, org_id, (400, NOT_MEMBER), {"organization": ["delete"]}, refused)
    org = store.find_org(ctx, org_id)
    if org is None:
        raise APIError(400, "ORGANIZATION_NOT_FOUND")
    options.hook("before_delete_organization", organization=org, user=user)
    with ctx.adapter.transaction():
        if options.teams.enabled:
            for team in ctx.adapter.find_many(TEAM, {"organizationId": org_id}):
                ctx.adapter.delete_many(TEAM_MEMBER, {"teamId": team["id"]})
            ctx.adapter.delete_many(TEAM, {"organizationId": org_id})
        if options.dynamic_access_control.enabled:
            ctx.adapter.delete_many(ORGANIZATION_ROLE, {"organizationId": org_id})
        ctx.adapter.delete_many(INVITATION, {"organizationId": org_id})
        ctx.adapter.delete_many(MEMBER, {"organizationId": org_id})
        ctx.adapter.delete_many(ORGANIZATION, {"id": org_id})
    store.clear_active_if(ctx, org_id)
    options.hook("after_delete_organization", organization=org, user=user)
    return store.org_wire(ctx, org)


@endpoint("/organization/set-active", body=SetActiveBody, auth="session")
def set_active_organization(ctx: Context) -> Any:
    """Make an organization the session's active one (``null`` clears it)."""
    _, user = ctx.signed_in
    body = ctx.body
    if "organizationId" in body and body["organizationId"] is None:
        store.set_active(ctx, None, reissue=True)
        return None
    org_id = body.get("organizationId")
    slug = body.get("organizationSlug")
    if not org_id and not slug:
        active = store.active_org_id(ctx)
        org = store.find_org(ctx, active) if active else None
        if org is None or store.find_member(ctx, org["id"], user["id"]) is None:
            return None
        return store.org_wire(ctx, org)
    org = store.find_org(ctx, org_id, slug)
    if org is None:
        raise APIError(400, "ORGANIZATION_NOT_FOUND")
    if store.find_member(ctx, org["id"], user["id"]) is None:
        store.set_active(ctx, None, reissue=False)
        raise APIError(403, NOT_MEMBER)
    store.set_active(ctx, org["id"], reissue=True)
    return store.org_wire(ctx, org)


def _org_for_query(ctx: Context) -> tuple[dict[str, Any], dict[str, Any]] | None:
    _, user = ctx.signed_in
    query = ctx.query
    org_id = query.get("organizationId")
    slug = query.get("organizationSlug")
    if not org_id and not slug:
        org_id = store.active_org_id(ctx)
        if org_id is None:
            return None
    org = store.find_org(ctx, org_id, slug)
    if org is None:
        raise APIError(400, "ORGANIZATION_NOT_FOUND")
    member = store.find_member(ctx, org["id"], user["id"])
    if member is None:
        store.clear_active_if(ctx, org["id"])
        raise APIError(403, NOT_MEMBER)
    return org, member


@endpoint("/organization/get-organization", method="GET", query=OrgQuery, auth="session")
def get_organization(ctx: Context) -> Any:
    """The named (or active) organization, or ``null``."""
    found = _org_for_query(ctx)
    return store.org_wire(ctx, found[0]) if found else None


@endpoint("/organization/get-full-organization", method="GET", query=OrgQuery, auth="session")
def get_full_organization(ctx: Context) -> Any:
    """The organization with its members (and their users) and, for those who may invite,
    its invitations; ``null`` without one."""
    found = _org_for_query(ctx)
    if found is None:
        return None
    org, member = found
    options = settings(ctx)
    raw_limit = ctx.query.get("membersLimit")
    limit = int(raw_limit) if raw_limit and str(raw_limit).isdigit() else options.membership_limit
    members = store.members_with_users(ctx, {"organizationId": org["id"]}, limit=limit)
    invitations: list[dict[str, Any]] = []
    if can(ctx, member, {"invitation": ["create"]}):
        owner = options.creator_role in str(member.get("role") or "").split(",")
        for row in ctx.adapter.find_many(INVITATION, {"organizationId": org["id"]}):
            if owner or options.creator_role not in str(row.get("role") or "").split(","):
                invitations.append(store.invitation_wire(ctx, row))
    full = {**store.org_wire(ctx, org), "members": members, "invitations": invitations}
    if options.teams.enabled:
        rows = ctx.adapter.find_many(TEAM, {"organizationId": org["id"]})
        full["teams"] = [teams.team_wire(ctx, row) for row in rows]
    return full


@endpoint("/organization/list", method="GET", auth="session", name="list_organizations")
def list_organizations(ctx: Context) -> list[dict[str, Any]]:
    """The organizations the caller is a member of."""
    _, user = ctx.signed_in
    return [store.org_wire(ctx, org) for org in store.list_user_orgs(ctx, user["id"])]


@endpoint("/organization/has-permission", body=HasPermissionBody, auth="session")
def has_organization_permission(ctx: Context) -> dict[str, Any]:
    """Whether the caller's roles in the (active) organization grant ``permissions``."""
    _, user = ctx.signed_in
    org_id = store.active_org_id(ctx, ctx.body.get("organizationId"))
    if org_id is None:
        raise APIError(400, "NO_ACTIVE_ORGANIZATION")
    member = acting_member(ctx, org_id, (401, NOT_MEMBER))
    permissions = ctx.body.get("permissions")
    if not permissions:
        return {"error": None, "success": False}
    return {"error": None, "success": can(ctx, member, permissions)}
