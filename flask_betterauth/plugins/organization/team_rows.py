"""Team rows: create a team, add and drop team members, the active team, finding a
team, and their wire forms (used by the teams, members and invitations endpoints).

A team's ``memberCount`` and a team member's ``membershipKey`` (base64url of SHA-256 of
``["<teamId>","<userId>"]``, unique) are kept as Better Auth keeps them, so either can
serve the other's database; neither is sent on the wire.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import ConflictError
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import now
from flask_betterauth.plugins import reissue_cookies
from flask_betterauth.plugins import to_wire

from .schema import TEAM
from .schema import TEAM_MEMBER
from .settings import settings


def membership_key(team_id: str, user_id: str) -> str:
    """Better Auth's ``membershipKey`` of a team member."""
    text = json.dumps([team_id, user_id], separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(text.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def team_wire(ctx: Context, row: dict[str, Any]) -> dict[str, Any]:
    """A team on the wire."""
    return to_wire(ctx.state.tables[TEAM], row)


def member_wire(ctx: Context, row: dict[str, Any]) -> dict[str, Any]:
    """A team member on the wire."""
    return to_wire(ctx.state.tables[TEAM_MEMBER], row)


def create_team(ctx: Context, org_id: str, name: str) -> dict[str, Any]:
    """A new team of ``org_id``."""
    moment = now()
    row = {
        "id": ctx.generate_id(),
        "name": name,
        "organizationId": org_id,
        "memberCount": 0,
        "createdAt": moment,
        "updatedAt": moment,
    }
    return ctx.adapter.create(TEAM, row)


def add_team_member(ctx: Context, team: dict[str, Any], user_id: str) -> dict[str, Any]:
    """Put ``user_id`` in ``team`` (once: an existing membership is returned).

    :raises APIError: 403 ``TEAM_MEMBER_LIMIT_REACHED``.
    """
    key = membership_key(team["id"], user_id)
    existing = ctx.adapter.find_one(TEAM_MEMBER, {"teamId": team["id"], "userId": user_id})
    if existing is not None:
        return existing
    limit = settings(ctx).teams.maximum_members_per_team
    with ctx.adapter.transaction():
        count = ctx.adapter.count(TEAM_MEMBER, {"teamId": team["id"]})
        if limit is not None and count >= limit:
            raise APIError(403, "TEAM_MEMBER_LIMIT_REACHED")
        row = {"id": ctx.generate_id(), "teamId": team["id"], "userId": user_id}
        try:
            created = ctx.adapter.create(
                TEAM_MEMBER, {**row, "membershipKey": key, "createdAt": now()}
            )
        except ConflictError:
            found = ctx.adapter.find_one(TEAM_MEMBER, {"membershipKey": key})
            if found is None:
                raise
            return found
        ctx.adapter.update_many(TEAM, {"id": team["id"]}, {"memberCount": count + 1})
    return created


def drop_from_teams(ctx: Context, org_id: str, user_id: str) -> None:
    """Take ``user_id`` out of every team of ``org_id`` (they left the organization)."""
    if not settings(ctx).teams.enabled:
        return
    for team in ctx.adapter.find_many(TEAM, {"organizationId": org_id}):
        if ctx.adapter.delete_many(TEAM_MEMBER, {"teamId": team["id"], "userId": user_id}):
            count = ctx.adapter.count(TEAM_MEMBER, {"teamId": team["id"]})
            ctx.adapter.update_many(TEAM, {"id": team["id"]}, {"memberCount": count})


def set_active_team(ctx: Context, team_id: str | None, *, reissue: bool) -> None:
    """Store ``team_id`` as the caller's active team."""
    current = ctx.session
    if current is None:
        return
    updated = ctx.sessions.update(current.session, {"activeTeamId": team_id})
    if updated is None:
        return
    ctx.session = current._replace(session=updated)
    if reissue:
        reissue_cookies(ctx, updated, current.user)


def find_team(ctx: Context, team_id: Any, org_id: str | None = None) -> dict[str, Any] | None:
    """The team ``team_id`` (of ``org_id`` when given), if any."""
    if not isinstance(team_id, str) or not team_id:
        return None
    where: dict[str, Any] = {"id": team_id}
    if org_id is not None:
        where["organizationId"] = org_id
    return ctx.adapter.find_one(TEAM, where)
