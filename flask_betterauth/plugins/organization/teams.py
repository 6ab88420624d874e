"""Teams (``teams={"enabled": True}``): create, list, update, remove, the active team,
team members (spec 11.3, read from Better Auth 1.7.24's ``crud-team``); the rows are
kept by :mod:`.team_rows`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow.fields import Nested
from marshmallow.validate import Length

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Op
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import now

from . import store
from .common import acting_member
from .common import require
from .schema import INVITATION
from .schema import TEAM
from .schema import TEAM_MEMBER
from .settings import settings
from .team_rows import add_team_member
from .team_rows import create_team
from .team_rows import find_team
from .team_rows import member_wire
from .team_rows import set_active_team
from .team_rows import team_wire

NOT_ORG_MEMBER = "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION"


class CreateTeamBody(BodySchema):
    """The body of ``POST /organization/create-team``."""

    name = StrictString(required=True, validate=Length(min=1))
    organizationId = StrictString()


class TeamIdBody(BodySchema):
    """A body naming a team (``remove-team``)."""

    teamId = StrictString(required=True)
    organizationId = StrictString()


class UpdateTeamData(BodySchema):
    """``data`` of ``POST /organization/update-team``."""

    name = StrictString(validate=Length(min=1))
    organizationId = StrictString()


class UpdateTeamBody(BodySchema):
    """The body of ``POST /organization/update-team``."""

    teamId = StrictString(required=True)
    data = Nested(UpdateTeamData, required=True)


class ActiveTeamBody(BodySchema):
    """The body of ``POST /organization/set-active-team``."""

    teamId = StrictString(allow_none=True)


class TeamMemberBody(BodySchema):
    """The body of ``add-team-member`` and ``remove-team-member``."""

    teamId = StrictString(required=True)
    userId = StrictString(required=True)
    organizationId = StrictString()


class OrgQuery(BodySchema):
    """``organizationId`` (and ``userId``) in a query."""

    organizationId = StrictString()
    userId = StrictString()
    teamId = StrictString()


def _caller_member(
    ctx: Context,
    given: Any,
    missing: tuple[int, str],
    permissions: dict[str, list[str]] | None = None,
    refused: str = "",
) -> tuple[str, dict[str, Any]]:
    """The (active) organization's id and the caller's membership, checked to grant
    ``permissions`` (else ``403 refused``)."""
    org_id = store.active_org_id(ctx, given)
    if org_id is None:
        raise APIError(400, "NO_ACTIVE_ORGANIZATION")
    return org_id, acting_member(ctx, org_id, missing, permissions, (403, refused))


@endpoint("/organization/create-team", body=CreateTeamBody, auth="session")
def create_organization_team(ctx: Context) -> dict[str, Any]:
    """A new team in the (active) organization (``team:create``)."""
    code = "YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION"
    org_id, _ = _caller_member(
        ctx,
        ctx.body.get("organizationId"),
        (403, "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION"),
        {"team": ["create"]},
        code,
    )
    maximum = settings(ctx).teams.maximum_teams
    if maximum is not None and ctx.adapter.count(TEAM, {"organizationId": org_id}) >= maximum:
        raise APIError(400, "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS")
    org = store.find_org(ctx, org_id)
    if org is None:
        raise APIError(400, "ORGANIZATION_NOT_FOUND")
    options = settings(ctx)
    _, user = ctx.signed_in
    data = {"name": ctx.body["name"], "organizationId": org_id}
    data = options.changed("before_create_team", data, team=data, user=user, organization=org)
    team = create_team(ctx, org_id, data["name"])
    options.hook("after_create_team", team=team, user=user, organization=org)
    return team_wire(ctx, team)


@endpoint("/organization/list-teams", method="GET", query=OrgQuery, auth="session")
def list_organization_teams(ctx: Context) -> list[dict[str, Any]]:
    """The teams of the (active) organization."""
    refused = (403, "YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION")
    org_id, _ = _caller_member(ctx, ctx.query.get("organizationId"), refused)
    return [team_wire(ctx, row) for row in ctx.adapter.find_many(TEAM, {"organizationId": org_id})]


@endpoint("/organization/update-team", body=UpdateTeamBody, auth="session")
def update_organization_team(ctx: Context) -> dict[str, Any]:
    """Rename a team (``team:update``)."""
    data = dict(ctx.body["data"])
    code = "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM"
    org_id, _ = _caller_member(
        ctx, data.pop("organizationId", None), (403, code), {"team": ["update"]}, code
    )
    team = find_team(ctx, ctx.body["teamId"], org_id)
    if team is None:
        raise APIError(400, "TEAM_NOT_FOUND")
    org = store.find_org(ctx, org_id)
    if org is None:
        raise APIError(400, "ORGANIZATION_NOT_FOUND")
    options = settings(ctx)
    _, user = ctx.signed_in
    # as Better Auth: a before hook's {"data": ...} replaces the updates
    answer = options.hook(
        "before_update_team", team=dict(team), updates=dict(data), user=user, organization=org
    )
    if isinstance(answer, Mapping) and isinstance(answer.get("data"), Mapping):
        data = dict(answer["data"])
    changes = {**data, "updatedAt": now()}
    ctx.adapter.update_many(TEAM, {"id": team["id"]}, changes)
    team.update(changes)
    options.hook("after_update_team", team=team, user=user, organization=org)
    return team_wire(ctx, team)


@endpoint("/organization/remove-team", body=TeamIdBody, auth="session")
def remove_organization_team(ctx: Context) -> dict[str, Any]:
    """Delete a team (``team:delete``); the last one stays unless
    ``allow_removing_all_teams``."""
    code = "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM"
    org_id, _ = _caller_member(
        ctx,
        ctx.body.get("organizationId"),
        (403, code),
        {"team": ["delete"]},
        "YOU_ARE_NOT_ALLOWED_TO_DELETE_TEAMS_IN_THIS_ORGANIZATION",
    )
    team = find_team(ctx, ctx.body["teamId"], org_id)
    if team is None:
        raise APIError(400, "TEAM_NOT_FOUND")
    options = settings(ctx)
    if not options.teams.allow_removing_all_teams:
        if ctx.adapter.count(TEAM, {"organizationId": org_id}) <= 1:
            raise APIError(400, "UNABLE_TO_REMOVE_LAST_TEAM")
    org = store.find_org(ctx, org_id)
    if org is None:
        raise APIError(400, "ORGANIZATION_NOT_FOUND")
    _, user = ctx.signed_in
    options.hook("before_delete_team", team=team, user=user, organization=org)
    with ctx.adapter.transaction():
        ctx.adapter.delete_many(TEAM_MEMBER, {"teamId": team["id"]})
        ctx.adapter.delete_many(TEAM, {"id": team["id"]})
        # pending invitations to it stay good, without the team (none left: to the org)
        for invitation in store.pending_invitations(ctx, org_id):
            ids = str(invitation.get("teamId") or "").split(",")
            if team["id"] in ids:
                left = ",".join(i for i in ids if i and i != team["id"]) or None
                ctx.adapter.update_many(INVITATION, {"id": invitation["id"]}, {"teamId": left})
    options.hook("after_delete_team", team=team, user=user, organization=org)
    return {"message": "Team removed successfully."}


@endpoint("/organization/set-active-team", body=ActiveTeamBody, auth="session")
def set_active_team_endpoint(ctx: Context) -> Any:
    """Make a team of the active organization the session's active team (``null``
    clears it)."""
    session, user = ctx.signed_in
    given = ctx.body.get("teamId")
    if "teamId" in ctx.body and given is None:
        if session.get("activeTeamId"):
            set_active_team(ctx, None, reissue=True)
        return None
    team_id = given or session.get("activeTeamId")
    if not team_id:
        return None
    org_id = session.get("activeOrganizationId")
    if not org_id:
        raise APIError(400, "NO_ACTIVE_ORGANIZATION")
    team = find_team(ctx, team_id, org_id)
    if team is None:
        raise APIError(400, "TEAM_NOT_FOUND")
    if ctx.adapter.find_one(TEAM_MEMBER, {"teamId": team["id"], "userId": user["id"]}) is None:
        raise APIError(403, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM")
    set_active_team(ctx, team["id"], reissue=True)
    return team_wire(ctx, team)


def _teams_of(ctx: Context, user_id: str, org_id: str | None) -> list[dict[str, Any]]:
    ids = [row["teamId"] for row in ctx.adapter.find_many(TEAM_MEMBER, {"userId": user_id})]
    if not ids:
        return []
    where: dict[str, Any] = {"id": Op("in", ids)}
    if org_id is not None:
        where["organizationId"] = org_id
    return ctx.adapter.find_many(TEAM, where)


@endpoint("/organization/list-user-teams", method="GET", query=OrgQuery, auth="session")
def list_user_teams(ctx: Context) -> list[dict[str, Any]]:
    """The teams the caller (or, for those who may update members, ``userId``) is in."""
    _, user = ctx.signed_in
    target = ctx.query.get("userId") or user["id"]
    given = ctx.query.get("organizationId")
    if target != user["id"] or given:
        not_member = "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION"
        org_id, member = _caller_member(ctx, given, (403, not_member))
        if target != user["id"]:
            require(
                ctx, member, {"member": ["update"]}, "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER"
            )
            if store.find_member(ctx, org_id, target) is None:
                raise APIError(400, NOT_ORG_MEMBER)
        return [team_wire(ctx, t) for t in _teams_of(ctx, target, org_id)]
    mine = set(store.user_org_ids(ctx, user["id"]))
    return [
        team_wire(ctx, t) for t in _teams_of(ctx, user["id"], None) if t["organizationId"] in mine
    ]


@endpoint("/organization/list-team-members", method="GET", query=OrgQuery, auth="session")
def list_team_members(ctx: Context) -> list[dict[str, Any]]:
    """The members of a team (or the active team) the caller is in."""
    session, user = ctx.signed_in
    team_id = ctx.query.get("teamId") or session.get("activeTeamId")
    if not team_id:
        raise APIError(400, "YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM")
    team = find_team(ctx, team_id)
    if team is None:
        raise APIError(400, "TEAM_NOT_FOUND")
    in_org = store.find_member(ctx, team["organizationId"], user["id"]) is not None
    mine = ctx.adapter.find_one(TEAM_MEMBER, {"teamId": team["id"], "userId": user["id"]})
    if not in_org or mine is None:
        raise APIError(400, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM")
    return [
        member_wire(ctx, row) for row in ctx.adapter.find_many(TEAM_MEMBER, {"teamId": team["id"]})
    ]


def _team_member_request(ctx: Context, permission: str, code: str) -> tuple[str, dict[str, Any]]:
    org_id, _ = _caller_member(
        ctx, ctx.body.get("organizationId"), (400, NOT_ORG_MEMBER), {"member": [permission]}, code
    )
    if store.find_member(ctx, org_id, ctx.body["userId"]) is None:
        raise APIError(400, NOT_ORG_MEMBER)
    team = find_team(ctx, ctx.body["teamId"], org_id)
    if team is None:
        raise APIError(400, "TEAM_NOT_FOUND")
    return org_id, team


@endpoint("/organization/add-team-member", body=TeamMemberBody, auth="session")
def add_organization_team_member(ctx: Context) -> dict[str, Any]:
    """Put a member of the organization in one of its teams (``member:update``)."""
    _, team = _team_member_request(ctx, "update", "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER")
    options = settings(ctx)
    options.hook("before_add_team_member", team=team, user_id=ctx.body["userId"])
    member = add_team_member(ctx, team, ctx.body["userId"])
    options.hook("after_add_team_member", team=team, team_member=member)
    return member_wire(ctx, member)


@endpoint("/organization/remove-team-member", body=TeamMemberBody, auth="session")
def remove_organization_team_member(ctx: Context) -> dict[str, Any]:
    """Take a member out of a team (``member:delete``)."""
    org_id, team = _team_member_request(
        ctx, "delete", "YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER"
    )
    where = {"teamId": team["id"], "userId": ctx.body["userId"]}
    team_member = ctx.adapter.find_one(TEAM_MEMBER, where)
    if team_member is None:
        raise APIError(400, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM")
    org = store.find_org(ctx, org_id)
    removed = ctx.adapter.find_one("user", {"id": ctx.body["userId"]})
    options = settings(ctx)
    seen = {"team_member": team_member, "team": team, "user": removed, "organization": org}
    options.hook("before_remove_team_member", **seen)
    with ctx.adapter.transaction():
        if ctx.adapter.delete_many(TEAM_MEMBER, where) == 0:
            raise APIError(400, "USER_IS_NOT_A_MEMBER_OF_THE_TEAM")
        count = ctx.adapter.count(TEAM_MEMBER, {"teamId": team["id"]})
        ctx.adapter.update_many(TEAM, {"id": team["id"]}, {"memberCount": count})
    options.hook("after_remove_team_member", **seen)
    return {"message": "Team member removed successfully."}


ENDPOINTS = (
    create_organization_team,
    list_organization_teams,
    update_organization_team,
    remove_organization_team,
    set_active_team_endpoint,
    list_user_teams,
    list_team_members,
    add_organization_team_member,
    remove_organization_team_member,
)
