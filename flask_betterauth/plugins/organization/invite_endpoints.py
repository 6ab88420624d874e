"""Invitations: invite, accept, reject, cancel, get, list, list-user-invitations (11.3)."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

from flask_betterauth.plugins import APIError
from flask_betterauth.plugins import BodySchema
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Op
from flask_betterauth.plugins import Record
from flask_betterauth.plugins import StrictBoolean
from flask_betterauth.plugins import StrictString
from flask_betterauth.plugins import endpoint
from flask_betterauth.plugins import now

from . import store
from . import team_rows as teams
from .common import RoleField
from .common import TeamIdsField
from .common import acting_member
from .common import check_roles
from .common import is_creator
from .schema import INVITATION
from .schema import MEMBER
from .schema import TEAM_MEMBER
from .settings import INVITATION_MAIL
from .settings import INVITATION_TEMPLATE
from .settings import settings

logger = logging.getLogger(__name__)
NOT_FOUND = "INVITATION_NOT_FOUND"
NO_MEMBER = (400, "MEMBER_NOT_FOUND")
EMAIL_PATTERN = r"^[^\s@]+@[^\s@]+\.[^\s@]+$"


class InviteBody(BodySchema):
    """The body of ``POST /organization/invite-member``."""

    email = StrictString(required=True)
    role = RoleField(required=True)
    organizationId = StrictString()
    resend = StrictBoolean()
    teamId = TeamIdsField()


class InvitationIdBody(BodySchema):
    """A body naming an invitation (accept, reject, cancel)."""

    invitationId = StrictString(required=True)


class IdQuery(BodySchema):
    """The query of ``GET /organization/get-invitation``."""

    id = StrictString(required=True)


class OrgIdQuery(BodySchema):
    """The query of ``GET /organization/list-invitations``."""

    organizationId = StrictString()


class EmailQuery(BodySchema):
    """The query of ``GET /organization/list-user-invitations``."""

    email = StrictString()


def _valid_email(email: str) -> bool:
    return len(email) <= 320 and re.match(EMAIL_PATTERN, email) is not None


def _send(ctx: Context, invitation: dict[str, Any], org: dict[str, Any], inviter: Any) -> None:
    """Mail the invitation through the app's function or the built-in sender."""
    options = settings(ctx)
    sender = options.send_invitation_email
    url = options.invitation_url.replace("{id}", invitation["id"])
    if url.startswith("/"):
        url = ctx.origin + url
    member, user = inviter
    if callable(sender):
        data = {
            "id": invitation["id"],
            "role": invitation["role"],
            "email": invitation["email"],
            "organization": store.org_wire(ctx, org),
            "inviter": {**store.member_wire(ctx, member), "user": ctx.user_json(user)},
            "invitation": store.invitation_wire(ctx, invitation),
            "url": url,
        }
        try:
            sender(data)
        except APIError:
            raise
        except Exception:
            logger.exception("could not send the invitation to %s", invitation["email"])
            raise APIError(503, "EMAIL_SEND_FAILED") from None
        return
    if sender is True and ctx.mailer.can_send(INVITATION_MAIL):
        expires_in = int((invitation["expiresAt"] - now()).total_seconds())
        ctx.mailer.send(
            INVITATION_MAIL,
            INVITATION_TEMPLATE,
            user=Record({"email": invitation["email"], "name": None}),
            url=url,
            token=invitation["id"],
            expires_in=max(expires_in, 0),
            extra={
                "organization_name": org["name"],
                "inviter_name": user.get("name"),
                "inviter_email": user.get("email"),
                "role": invitation["role"],
            },
        )


@endpoint("/organization/invite-member", body=InviteBody, auth="session")
def invite_member(ctx: Context) -> dict[str, Any]:
    """Invite an e-mail address to the (active) organization with a role."""
    _, user = ctx.signed_in
    options = settings(ctx)
    email = ctx.body["email"].lower()
    if not _valid_email(email):
        raise APIError(400, "INVALID_EMAIL")
    org_id = store.active_org_id(ctx, ctx.body.get("organizationId"))
    if org_id is None:
        raise APIError(400, "NO_ACTIVE_ORGANIZATION")
    refused = (403, "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION")
    member = acting_member(ctx, org_id, NO_MEMBER, {"invitation": ["create"]}, refused)
    role = check_roles(ctx, ctx.body["role"], org_id)
    if is_creator(ctx, role) and not is_creator(ctx, member.get("role")):
        raise APIError(403, "YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE")
    invitee = ctx.users.find_by_email(email)
    if invitee is not None and store.find_member(ctx, org_id, invitee["id"]) is not None:
        raise APIError(400, "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION")
    org = store.find_org(ctx, org_id)
    if org is None:
        raise APIError(400, "ORGANIZATION_NOT_FOUND")
    team_ids = _team_ids(ctx, org_id)
    expires = now() + timedelta(seconds=options.invitation_expires_in)
    pending = [
        row for row in store.pending_invitations(ctx, org_id, email) if row["expiresAt"] > now()
    ]
    if pending:
        if ctx.body.get("resend"):
            existing = pending[0]
            if is_creator(ctx, existing.get("role")) and not is_creator(ctx, member.get("role")):
                raise APIError(403, "YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE")
            ctx.adapter.update_many(INVITATION, {"id": existing["id"]}, {"expiresAt": expires})
            existing["expiresAt"] = expires
            _send(ctx, existing, org, (member, user))
            return store.invitation_wire(ctx, existing)
        if not options.cancel_pending_invitations_on_re_invite:
            raise APIError(400, "USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION")
        for row in pending:
            store.mark(ctx, row, "canceled")
    if len(store.pending_invitations(ctx, org_id)) >= options.invitation_limit:
        raise APIError(403, "INVITATION_LIMIT_REACHED")
    values = {
        "organizationId": org_id,
        "email": email,
        "role": role,
        "status": "pending",
        "expiresAt": expires,
        "createdAt": now(),
        "inviterId": user["id"],
    }
    if team_ids:
        values["teamId"] = ",".join(team_ids)
    values = options.changed(
        "before_create_invitation", values, invitation=values, inviter=user, organization=org
    )
    invitation = ctx.adapter.create(INVITATION, {"id": ctx.generate_id(), **values})
    _send(ctx, invitation, org, (member, user))
    options.hook("after_create_invitation", invitation=invitation, inviter=user, organization=org)
    return store.invitation_wire(ctx, invitation)


def _team_ids(ctx: Context, org_id: str) -> list[str]:
    """The body's ``teamId`` (one or a list), each a team of ``org_id``.

    :raises APIError: 400 ``INVALID_TEAM_ID`` for an id with a comma, ``TEAM_NOT_FOUND``.
    """
    given = ctx.body.get("teamId")
    if not given:
        return []
    options = settings(ctx).teams
    if not options.enabled:
        raise APIError(400, None, "Teams are not enabled")
    ids = [given] if isinstance(given, str) else list(given)
    if any("," in team_id for team_id in ids):
        raise APIError(400, "INVALID_TEAM_ID")
    for team_id in ids:
        team = teams.find_team(ctx, team_id, org_id)
        if team is None:
            raise APIError(400, "TEAM_NOT_FOUND")
        limit = options.maximum_members_per_team
        if limit is not None and ctx.adapter.count(TEAM_MEMBER, {"teamId": team_id}) >= limit:
            raise APIError(403, "TEAM_MEMBER_LIMIT_REACHED")
    return ids


def _verification_required(ctx: Context) -> bool:
    """``require_email_verification_on_invitation``; unset, it is on when ids are not the
    built-in random ones (``advanced.generate_id`` a function, or ``"serial"``): a
    guessable invitation id must not let anyone who signs up with the address in."""
    chosen = settings(ctx).require_email_verification_on_invitation
    if chosen is not None:
        return chosen
    generate = ctx.options.advanced.generate_id
    return callable(generate) or (isinstance(generate, str) and generate != "uuid")


def _recipient(ctx: Context, invitation: dict[str, Any] | None, message: str | None = None) -> Any:
    """The caller, checked to be the invitation's recipient."""
    _, user = ctx.signed_in
    if invitation is None:
        raise APIError(400, NOT_FOUND, message)
    if str(invitation["email"]).lower() != str(user["email"]).lower():
        raise APIError(403, "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION")
    if _verification_required(ctx) and not user.get("emailVerified"):
        raise APIError(403, "EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION")
    return user


@endpoint("/organization/accept-invitation", body=InvitationIdBody, auth="session")
def accept_invitation(ctx: Context) -> dict[str, Any]:
    """Join the organization of an invitation sent to the caller's e-mail."""
    invitation = store.live_invitation(ctx, ctx.body["invitationId"])
    user = _recipient(ctx, invitation)
    assert invitation is not None
    options = settings(ctx)
    org_id = invitation["organizationId"]
    org = store.find_org(ctx, org_id)
    if ctx.adapter.count(MEMBER, {"organizationId": org_id}) >= options.membership_limit:
        raise APIError(403, "ORGANIZATION_MEMBERSHIP_LIMIT_REACHED")
    options.hook("before_accept_invitation", invitation=invitation, user=user, organization=org)
    with ctx.adapter.transaction():
        if not store.mark(ctx, invitation, "accepted"):
            raise APIError(400, NOT_FOUND)
        member = store.find_member(ctx, org_id, user["id"])
        if member is None:
            values = {"organizationId": org_id, "userId": user["id"], "role": invitation["role"]}
            values = options.changed(
                "before_add_member", values, member=values, user=user, organization=org
            )
            member = store.create_member(ctx, values)
    options.hook("after_add_member", member=member, user=user, organization=org)
    store.set_active(ctx, org_id, reissue=False)
    team_ids = str(invitation.get("teamId") or "").split(",") if options.teams.enabled else []
    team_ids = [team_id for team_id in team_ids if team_id]
    for team_id in team_ids:
        team = teams.find_team(ctx, team_id, org_id)
        if team is None:
            raise APIError(400, "TEAM_NOT_FOUND")
        teams.add_team_member(ctx, team, user["id"])
    if len(team_ids) == 1:
        teams.set_active_team(ctx, team_ids[0], reissue=False)
    options.hook(
        "after_accept_invitation", invitation=invitation, member=member, user=user, organization=org
    )
    return {
        "invitation": store.invitation_wire(ctx, invitation),
        "member": store.member_wire(ctx, member),
    }


@endpoint("/organization/reject-invitation", body=InvitationIdBody, auth="session")
def reject_invitation(ctx: Context) -> dict[str, Any]:
    """Turn down an invitation sent to the caller's e-mail."""
    invitation = store.live_invitation(ctx, ctx.body["invitationId"])
    user = _recipient(ctx, invitation, "Invitation not found!")
    assert invitation is not None
    options = settings(ctx)
    org = store.find_org(ctx, invitation["organizationId"])
    options.hook("before_reject_invitation", invitation=invitation, user=user, organization=org)
    if not store.mark(ctx, invitation, "rejected"):
        raise APIError(400, NOT_FOUND, "Invitation not found!")
    options.hook("after_reject_invitation", invitation=invitation, user=user, organization=org)
    return {"invitation": store.invitation_wire(ctx, invitation), "member": None}


@endpoint("/organization/cancel-invitation", body=InvitationIdBody, auth="session")
def cancel_invitation(ctx: Context) -> dict[str, Any]:
    """Cancel a pending invitation (``invitation:cancel``)."""
    _, user = ctx.signed_in
    invitation = ctx.adapter.find_one(INVITATION, {"id": ctx.body["invitationId"]})
    if invitation is None:
        raise APIError(400, NOT_FOUND)
    org_id = invitation["organizationId"]
    refused = (403, "YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION")
    acting_member(ctx, org_id, NO_MEMBER, {"invitation": ["cancel"]}, refused)
    options = settings(ctx)
    org = store.find_org(ctx, org_id)
    options.hook("before_cancel_invitation", invitation=invitation, user=user, organization=org)
    if invitation["status"] == "pending":
        store.mark(ctx, invitation, "canceled")
    invitation = ctx.adapter.find_one(INVITATION, {"id": invitation["id"]}) or invitation
    options.hook("after_cancel_invitation", invitation=invitation, user=user, organization=org)
    return store.invitation_wire(ctx, invitation)


@endpoint("/organization/get-invitation", method="GET", query=IdQuery, auth="optional")
def get_invitation(ctx: Context) -> dict[str, Any]:
    """A pending invitation to the caller, with its organization's name and slug and the
    inviter's e-mail."""
    if ctx.session is None:
        raise APIError(401, None, "Not authenticated")
    invitation = store.live_invitation(ctx, ctx.query["id"])
    _recipient(ctx, invitation)
    assert invitation is not None
    org = store.find_org(ctx, invitation["organizationId"])
    if org is None:
        raise APIError(400, "ORGANIZATION_NOT_FOUND")
    inviter = store.find_member(ctx, org["id"], invitation["inviterId"])
    if inviter is None:
        raise APIError(400, "INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION")
    inviter_user = ctx.users.find_by_id(invitation["inviterId"])
    return {
        **store.invitation_wire(ctx, invitation),
        "organizationName": org["name"],
        "organizationSlug": org["slug"],
        "inviterEmail": inviter_user["email"] if inviter_user else None,
    }


@endpoint("/organization/list-invitations", method="GET", query=OrgIdQuery, auth="session")
def list_invitations(ctx: Context) -> list[dict[str, Any]]:
    """Every invitation of the organization (any status), for those who may invite."""
    org_id = store.active_org_id(ctx, ctx.query.get("organizationId"))
    if org_id is None:
        raise APIError(400, None, "Organization ID is required")
    acting_member(
        ctx,
        org_id,
        (403, None, "You are not a member of this organization"),
        {"invitation": ["create"]},
        (403, "YOU_ARE_NOT_ALLOWED_TO_LIST_INVITATIONS", "You are not allowed to list invitations"),
    )
    rows = ctx.adapter.find_many(INVITATION, {"organizationId": org_id})
    return [store.invitation_wire(ctx, row) for row in rows]


@endpoint("/organization/list-user-invitations", method="GET", query=EmailQuery, auth="optional")
def list_user_invitations(ctx: Context) -> list[dict[str, Any]]:
    """The pending invitations to the caller's e-mail (or ``email`` on the server)."""
    given = ctx.query.get("email")
    if given and ctx.is_http:
        raise APIError(400, None, "User email cannot be passed for client side API calls.")
    if given:
        email = given.lower()
    else:
        _, user = ctx.signed_in
        if not user.get("emailVerified"):
            raise APIError(403, "EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION")
        email = str(user["email"]).lower()
    rows = ctx.adapter.find_many(INVITATION, {"email": email, "status": "pending"})
    orgs = {}
    if rows:
        found = ctx.adapter.find_many(
            "organization", {"id": Op("in", list({r["organizationId"] for r in rows}))}
        )
        orgs = {org["id"]: org for org in found}
    return [
        {
            **store.invitation_wire(ctx, row),
            "organizationName": orgs.get(row["organizationId"], {}).get("name"),
        }
        for row in rows
    ]
