"""Reading and writing organizations, members and invitations, and their wire shapes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Op
from flask_betterauth.plugins import now
from flask_betterauth.plugins import reissue_cookies
from flask_betterauth.plugins import to_wire

from .schema import INVITATION
from .schema import MEMBER
from .schema import ORGANIZATION

Row = dict[str, Any]
USER_FIELDS = ("id", "name", "email", "image")


# -- wire shapes ---------------------------------------------------------------------------


def org_wire(ctx: Context, row: Row, *, parsed: bool = False) -> dict[str, Any]:
    """An organization on the wire; ``parsed`` sends ``metadata`` as an object (create and
    update answers) instead of the stored JSON string (every other answer)."""
    out = to_wire(ctx.state.tables[ORGANIZATION], row)
    if parsed:
        out["metadata"] = parse_metadata(out.get("metadata"))
    return out


def parse_metadata(value: Any) -> Any:
    """Stored metadata (a JSON string) as an object; anything else as it is."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def member_wire(ctx: Context, row: Row, user: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A member on the wire, with ``user`` ({id, name, email, image}) when given."""
    out = to_wire(ctx.state.tables[MEMBER], row)
    if user is not None:
        out["user"] = {name: user.get(name) for name in USER_FIELDS}
    return out


def invitation_wire(ctx: Context, row: Row) -> dict[str, Any]:
    """An invitation on the wire."""
    return to_wire(ctx.state.tables[INVITATION], row)


# -- organizations -------------------------------------------------------------------------


def find_org(ctx: Context, org_id: Any = None, slug: Any = None) -> Row | None:
    """The organization with ``org_id`` (else ``slug``), if any."""
    if isinstance(org_id, str) and org_id:
        return ctx.adapter.find_one(ORGANIZATION, {"id": org_id})
    if isinstance(slug, str) and slug:
        return ctx.adapter.find_one(ORGANIZATION, {"slug": slug})
    return None


def user_org_ids(ctx: Context, user_id: str) -> list[str]:
    """The ids of the organizations ``user_id`` is a member of."""
    return [m["organizationId"] for m in ctx.adapter.find_many(MEMBER, {"userId": user_id})]


def list_user_orgs(ctx: Context, user_id: str) -> list[Row]:
    """The organizations ``user_id`` is a member of."""
    ids = user_org_ids(ctx, user_id)
    if not ids:
        return []
    return ctx.adapter.find_many(ORGANIZATION, {"id": Op("in", ids)})


def active_org_id(ctx: Context, given: Any = None) -> str | None:
    """``given`` (a body or query ``organizationId``), else the session's active one."""
    if isinstance(given, str) and given:
        return given
    session = ctx.session
    active = session.session.get("activeOrganizationId") if session else None
    return active if isinstance(active, str) and active else None


def set_active(ctx: Context, org_id: str | None, *, reissue: bool) -> None:
    """Store ``org_id`` as the caller's active organization (``reissue``: send the session
    cookies again, as set-active does)."""
    current = ctx.session
    if current is None:
        return
    updated = ctx.sessions.update(current.session, {"activeOrganizationId": org_id})
    if updated is None:
        return
    ctx.session = current._replace(session=updated)
    if reissue:
        reissue_cookies(ctx, updated, current.user)


def clear_active_if(ctx: Context, org_id: str) -> None:
    """Clear the caller's active organization when it is ``org_id``."""
    if ctx.session and ctx.session.session.get("activeOrganizationId") == org_id:
        set_active(ctx, None, reissue=False)


# -- members -------------------------------------------------------------------------------


def find_member(ctx: Context, org_id: str, user_id: str) -> Row | None:
    """The membership of ``user_id`` in ``org_id``, if any."""
    return ctx.adapter.find_one(MEMBER, {"organizationId": org_id, "userId": user_id})


def create_member(ctx: Context, values: Mapping[str, Any]) -> Row:
    """Add a member row (``organizationId``, ``userId``, ``role``)."""
    row = {"id": ctx.generate_id(), "createdAt": now(), **values}
    return ctx.adapter.create(MEMBER, row)


def users_by_id(ctx: Context, ids: list[str]) -> dict[str, Row]:
    """The users with these ids, by id (one query)."""
    if not ids:
        return {}
    found = ctx.adapter.find_many("user", {"id": Op("in", list(set(ids)))})
    return {user["id"]: user for user in found}


def members_with_users(
    ctx: Context,
    where: Mapping[str, Any],
    *,
    limit: int | None = None,
    offset: int | None = None,
    sort_by: tuple[str, str] | None = None,
) -> list[dict[str, Any]]:
    """Members matching ``where`` on the wire, each with its ``user``."""
    rows = ctx.adapter.find_many(MEMBER, where, limit=limit, offset=offset, sort_by=sort_by)
    users = users_by_id(ctx, [row["userId"] for row in rows])
    return [member_wire(ctx, row, users.get(row["userId"], {})) for row in rows]


def owner_count(ctx: Context, org_id: str, creator_role: str) -> int:
    """How many members of ``org_id`` hold the creator (owner) role."""
    rows = ctx.adapter.find_many(MEMBER, {"organizationId": org_id})
    return sum(1 for row in rows if creator_role in str(row.get("role") or "").split(","))


# -- invitations ---------------------------------------------------------------------------


def pending_invitations(ctx: Context, org_id: str, email: str | None = None) -> list[Row]:
    """The pending invitations of ``org_id`` (to ``email`` only, when given)."""
    where: dict[str, Any] = {"organizationId": org_id, "status": "pending"}
    if email is not None:
        where["email"] = email
    return ctx.adapter.find_many(INVITATION, where)


def live_invitation(ctx: Context, invitation_id: Any) -> Row | None:
    """The invitation ``invitation_id`` if it is pending and not expired."""
    if not isinstance(invitation_id, str) or not invitation_id:
        return None
    row = ctx.adapter.find_one(INVITATION, {"id": invitation_id})
    if row is None or row.get("status") != "pending" or row["expiresAt"] <= now():
        return None
    return row


def mark(ctx: Context, invitation: Row, status: str) -> bool:
    """Move a pending invitation to ``status``; ``False`` when another call moved it first
    (compare-and-set on ``pending``)."""
    where = {"id": invitation["id"], "status": "pending"}
    if ctx.adapter.update_many(INVITATION, where, {"status": status}) != 1:
        return False
    invitation["status"] = status
    return True
