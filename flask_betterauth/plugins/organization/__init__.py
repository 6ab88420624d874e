"""The ``organization`` plugin: organizations, members, invitations and roles,
wire-compatible with Better Auth's ``organization`` plugin and its ``organizationClient``.

The caller's active organization lives on the session (``activeOrganizationId``, in
``get-session``); members hold comma-joined roles whose permissions come from the
``roles`` given (Better Auth's ``owner``, ``admin`` and ``member`` by default).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from functools import partial
from typing import Any

from jinja2 import PackageLoader

from flask_betterauth import BetterAuthError
from flask_betterauth.plugins import AccessControl
from flask_betterauth.plugins import MailPurpose
from flask_betterauth.plugins import Plugin
from flask_betterauth.plugins import Role

from . import invite_endpoints as invites
from . import member_endpoints as members
from . import org_endpoints as orgs
from .pages import register as register_pages
from .role_endpoints import ENDPOINTS as role_endpoints
from .roles import DEFAULT_ROLES
from .roles import DEFAULT_STATEMENTS
from .roles import default_ac
from .schema import schema_with
from .settings import ERROR_CODES
from .settings import HOOK_NAMES
from .settings import INVITATION_MAIL
from .settings import INVITATION_TEMPLATE
from .settings import PLUGIN_ID
from .settings import DynamicAccessControl
from .settings import OrganizationSettings
from .settings import TeamOptions
from .teams import ENDPOINTS as team_endpoints

__all__ = [
    "DEFAULT_ROLES",
    "DEFAULT_STATEMENTS",
    "DynamicAccessControl",
    "TeamOptions",
    "default_ac",
    "organization",
]

ENDPOINTS = (
    orgs.create_organization,
    orgs.check_organization_slug,
    orgs.update_organization,
    orgs.delete_organization,
    orgs.set_active_organization,
    orgs.get_organization,
    orgs.get_full_organization,
    orgs.list_organizations,
    orgs.has_organization_permission,
    members.add_member,
    members.remove_member,
    members.update_member_role,
    members.get_active_member,
    members.get_active_member_role,
    members.leave_organization,
    members.list_members,
    invites.invite_member,
    invites.accept_invitation,
    invites.reject_invitation,
    invites.cancel_invitation,
    invites.get_invitation,
    invites.list_invitations,
    invites.list_user_invitations,
)


def organization(
    *,
    allow_user_to_create_organization: bool | Callable[[Any], bool] = True,
    organization_limit: int | Callable[[Any], bool] | None = None,
    creator_role: str = "owner",
    membership_limit: int = 100,
    invitation_expires_in: int = 172_800,
    invitation_limit: int = 100,
    cancel_pending_invitations_on_re_invite: bool = False,
    require_email_verification_on_invitation: bool | None = None,
    disable_organization_deletion: bool = False,
    send_invitation_email: Callable[[Mapping[str, Any]], Any] | bool | None = None,
    invitation_url: str = "/auth/accept-invitation/{id}",
    roles: Mapping[str, Role] | None = None,
    ac: AccessControl | None = None,
    organization_hooks: Mapping[str, Callable[..., Any]] | None = None,
    teams: Mapping[str, Any] | None = None,
    dynamic_access_control: Mapping[str, Any] | None = None,
) -> Plugin:
    """Organizations (Better Auth's ``organization``).

    :param allow_user_to_create_organization: ``False``, or ``fn(user) -> bool``.
    :param organization_limit: most organizations a user may belong to when creating one,
        or ``fn(user) -> bool`` (true: the limit is reached).
    :param creator_role: the role of an organization's creator (``"owner"``).
    :param membership_limit: most members per organization (100); also list-members'
        default page size.
    :param invitation_expires_in: seconds an invitation lasts (48 hours).
    :param invitation_limit: most pending invitations per organization (100).
    :param cancel_pending_invitations_on_re_invite: a new invitation to an e-mail with a
        pending one cancels that one (else ``USER_IS_ALREADY_INVITED_...``).
    :param require_email_verification_on_invitation: only verified e-mails may accept or
        reject; ``None`` (default): on only when ``advanced.generate_id`` is not the
        built-in random ids (as Better Auth).
    :param disable_organization_deletion: ``delete`` answers 404.
    :param send_invitation_email: ``fn(data)`` with ``data`` = ``{"id", "role", "email",
        "organization", "inviter", "invitation", "url"}``, or ``True`` for the built-in
        mail sender (template ``betterauth/mail/organization_invitation``).
    :param invitation_url: the link mailed; ``{id}`` is replaced by the invitation id,
        a path gets the app's origin (default: the ready-made accept page).
    :param roles: ``{name: role}``; default ``owner``, ``admin``, ``member``
        (:data:`DEFAULT_ROLES`). Roles are made with the access-control module
        (``create_access_control(statements).new_role({...})``, or ``default_ac``).
    :param organization_hooks: ``{"before_create_organization": fn, ...}`` (see
        :data:`~flask_betterauth.plugins.organization.settings.HOOK_NAMES`); each
        gets one mapping; a ``before_*`` hook may return ``{"data": {...}}``.
    :param teams: ``{"enabled": True, "maximum_teams": None,
        "maximum_members_per_team": None, "allow_removing_all_teams": False,
        "default_team": {"enabled": True}}`` (:class:`TeamOptions`): teams in each
        organization and an active team on the session.
    :param ac: the access control the roles are made from (Better Auth's ``ac``, e.g.
        :data:`default_ac` or your ``create_access_control({...})``): the resources a
        stored role may name. Dynamic access control needs it: without it create-role
        and update-role answer ``501 MISSING_AC_INSTANCE`` and stored roles grant nothing.
    :param dynamic_access_control: ``{"enabled": True, "maximum_roles_per_organization":
        None}`` (:class:`DynamicAccessControl`): roles made per organization at run time
        (the ``organizationRole`` table and the ``create-role``, ``delete-role``,
        ``list-roles``, ``get-role``, ``update-role`` endpoints); a member's stored roles
        count in every permission check. ``maximum_roles_per_organization`` is an int or
        ``fn(organization_id) -> int``.
    """
    dynamic = DynamicAccessControl.parse(dynamic_access_control)
    team_options = TeamOptions.parse(teams)
    hooks = dict(organization_hooks or {})
    unknown = set(hooks) - set(HOOK_NAMES)
    if unknown:
        raise BetterAuthError(f"organization_hooks: unknown hooks {sorted(unknown)}")
    all_roles = dict(roles) if roles is not None else dict(DEFAULT_ROLES)
    if creator_role not in all_roles:
        raise BetterAuthError(f"creator_role {creator_role!r} is not one of the roles")
    settings = OrganizationSettings(
        roles=all_roles,
        allow_user_to_create_organization=allow_user_to_create_organization,
        organization_limit=organization_limit,
        creator_role=creator_role,
        membership_limit=membership_limit,
        invitation_expires_in=invitation_expires_in,
        invitation_limit=invitation_limit,
        cancel_pending_invitations_on_re_invite=cancel_pending_invitations_on_re_invite,
        require_email_verification_on_invitation=require_email_verification_on_invitation,
        disable_organization_deletion=disable_organization_deletion,
        send_invitation_email=send_invitation_email,
        invitation_url=invitation_url,
        organization_hooks=hooks,
        teams=team_options,
        ac=ac,
        dynamic_access_control=dynamic,
    )
    endpoints = ENDPOINTS + (team_endpoints if team_options.enabled else ())
    return Plugin(
        id=PLUGIN_ID,
        endpoints=endpoints + (role_endpoints if dynamic.enabled else ()),
        schema=schema_with(teams=team_options.enabled, dynamic_roles=dynamic.enabled),
        error_codes=ERROR_CODES,
        mail_purposes=[
            MailPurpose(
                INVITATION_MAIL,
                lambda options: True if send_invitation_email is True else None,
                {INVITATION_TEMPLATE: "You are invited"},
                loader=PackageLoader("flask_betterauth.plugins.organization", "templates"),
            )
        ],
        state=lambda options: settings,
        pages=partial(register_pages, teams=team_options.enabled, roles=dynamic.enabled),
    )
