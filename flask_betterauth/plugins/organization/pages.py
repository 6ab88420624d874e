"""The organization pages: a switcher (your organizations, make one active, create one),
the members page of the active organization (invite by e-mail, change a role, remove,
cancel an invitation), the page a mailed invitation link opens (accept or decline) and,
with teams, the teams page (:mod:`.team_pages`); with dynamic access control, the roles
page (:mod:`.role_pages`).

Mounted with the ready-made pages (``pages=True``); the templates are
``betterauth/pages/organization/*.html``, which an app overrides by name.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask import url_for

from flask_betterauth import APIError
from flask_betterauth import current_user
from flask_betterauth import login_required
from flask_betterauth.pages import PageKit
from flask_betterauth.pages import View
from flask_betterauth.pages import call_api
from flask_betterauth.pages import message_for
from flask_betterauth.pages import redirect_with
from flask_betterauth.pages import refuse_without_csrf
from flask_betterauth.pages import render_page
from flask_betterauth.plugins import current_state

from . import role_pages
from . import team_pages
from .settings import PLUGIN_ID
from .settings import OrganizationSettings

MESSAGES = {
    "ORGANIZATION_ALREADY_EXISTS": "An organization with this slug exists. Choose another.",
    "INVALID_EMAIL": "That e-mail address is not valid.",
    "USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION": "This address has a pending invitation.",
    "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION": "This person is a member already.",
    "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION": "Only owners and admins invite.",
    "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER": "You may not remove members.",
    "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER": "You may not change this member's role.",
    "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER": "The only owner can not go.",
    "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER": "The organization needs an owner.",
    "INVITATION_NOT_FOUND": "This invitation was used, withdrawn or has expired.",
    "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION": (
        "This invitation is for another e-mail address. Sign in with that one."
    ),
}
ROLES = ("member", "admin", "owner")


def _fail(template: str, error: APIError, **context: Any) -> View:
    return render_page(template, error.status, error=message_for(error), **context)


@login_required
def organizations() -> View:
    """Your organizations: make one active, or create one."""
    template = "organization/switcher.html"

    def context() -> dict[str, Any]:
        listed = call_api("list_organizations").response or []
        active = (call_api("get_session").response or {}).get("session", {})
        return {"organizations": listed, "active_id": active.get("activeOrganizationId")}

    if request.method == "GET":
        return render_page(template, **context())
    refused = refuse_without_csrf(template, **context())
    if refused is not None:
        return refused
    action = request.form.get("action")
    try:
        if action == "create":
            body = {"name": request.form.get("name", ""), "slug": request.form.get("slug", "")}
            result = call_api("create_organization", body)
            return redirect_with(url_for(".organizations", notice="organization-created"), result)
        result = call_api(
            "set_active_organization", {"organizationId": request.form.get("organization_id")}
        )
    except APIError as error:
        return render_page(template, error.status, error=message_for(error), **context())
    return redirect_with(url_for(".organization_members", notice="organization-active"), result)


def _role_names() -> list[str]:
    """The roles a member may be given here: the default ones first, the app's own, and
    (dynamic access control) the organization's stored ones the caller may read."""
    options = current_state().plugin_states[PLUGIN_ID]
    assert isinstance(options, OrganizationSettings)
    names = [*ROLES, *(name for name in options.roles if name not in ROLES)]
    if options.dynamic_access_control.enabled:
        try:
            stored = call_api("list_org_roles").response or []
        except APIError:
            stored = []
        names += [row["role"] for row in stored if row["role"] not in names]
    return names


def _members_context() -> dict[str, Any]:
    full = call_api("get_full_organization").response
    if not full:
        return {"organization": None}
    me = next((m for m in full["members"] if m["userId"] == current_user["id"]), None)
    pending = [i for i in full.get("invitations", []) if i["status"] == "pending"]
    return {
        "organization": full,
        "me": me,
        "invitations": pending,
        "roles": _role_names(),
        "roles_page": _stored_roles(),
    }


def _stored_roles() -> bool:
    options = current_state().plugin_states[PLUGIN_ID]
    return isinstance(options, OrganizationSettings) and options.dynamic_access_control.enabled


@login_required
def members() -> View:
    """The active organization's members and invitations."""
    template = "organization/members.html"
    if request.method == "GET":
        return render_page(template, **_members_context())
    refused = refuse_without_csrf(template, **_members_context())
    if refused is not None:
        return refused
    action = request.form.get("action")
    form = request.form
    try:
        if action == "invite":
            call_api("invite_member", {"email": form.get("email", ""), "role": form.get("role")})
            notice = "invitation-sent"
        elif action == "role":
            body = {"memberId": form.get("member_id", ""), "role": form.get("role", "")}
            call_api("update_member_role", body)
            notice = "role-changed"
        elif action == "remove":
            call_api("remove_member", {"memberIdOrEmail": form.get("member_id", "")})
            notice = "member-removed"
        elif action == "cancel":
            call_api("cancel_invitation", {"invitationId": form.get("invitation_id", "")})
            notice = "invitation-canceled"
        else:
            raise APIError(400, "VALIDATION_ERROR", "This form is not known here.")
    except APIError as error:
        return _fail(template, error, **_members_context())
    return redirect_with(url_for(".organization_members", notice=notice), None)


@login_required
def accept_invitation(invitation_id: str) -> View:
    """What a mailed invitation link opens: the invitation, to accept or decline."""
    template = "organization/invitation.html"
    try:
        invitation = call_api("get_invitation", query={"id": invitation_id}).response
    except APIError as error:
        return _fail(template, error, invitation=None)
    if request.method == "GET":
        return render_page(template, invitation=invitation)
    refused = refuse_without_csrf(template, invitation=invitation)
    if refused is not None:
        return refused
    body = {"invitationId": invitation_id}
    try:
        if request.form.get("action") == "reject":
            call_api("reject_invitation", body)
            return redirect_with(url_for(".organizations", notice="invitation-declined"), None)
        result = call_api("accept_invitation", body)
    except APIError as error:
        return _fail(template, error, invitation=invitation)
    return redirect_with(url_for(".organization_members", notice="invitation-accepted"), result)


def register(kit: PageKit, *, teams: bool = False, roles: bool = False) -> None:
    """Add the organization pages to the ready-made pages (with ``teams``, the teams
    page too; with ``roles``, the stored roles' page)."""
    if teams:
        team_pages.register(kit)
    if roles:
        role_pages.register(kit)
    kit.add_page("/organizations", "organizations", organizations, ("GET", "POST"))
    kit.add_page("/organization/members", "organization_members", members, ("GET", "POST"))
    kit.add_page(
        "/accept-invitation/<invitation_id>",
        "accept_invitation",
        accept_invitation,
        ("GET", "POST"),
    )
    kit.add_notice("organization-created", "The organization was created.")
    kit.add_notice("organization-active", "This is now your active organization.")
    kit.add_notice("invitation-sent", "The invitation was sent.")
    kit.add_notice("role-changed", "The role was changed.")
    kit.add_notice("member-removed", "The member was removed.")
    kit.add_notice("invitation-canceled", "The invitation was withdrawn.")
    kit.add_notice("invitation-accepted", "Welcome! You joined the organization.")
    kit.add_notice("invitation-declined", "You declined the invitation.")
    kit.add_messages(MESSAGES)
