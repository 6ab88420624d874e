# ruff: noqa: E501  (the catalogue keeps Better Auth's messages on one line each)
"""The organization plugin's options, error catalogue and identifiers (spec 11.2)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from flask_betterauth.plugins import AccessControl
from flask_betterauth.plugins import Context
from flask_betterauth.plugins import Record
from flask_betterauth.plugins import Role
from flask_betterauth.plugins import current_state

from . import role_rows as stored_roles
from . import roles

PLUGIN_ID = "organization"
INVITATION_MAIL = "organization-invitation"
INVITATION_TEMPLATE = "organization_invitation"

#: Better Auth's ``ORGANIZATION_ERROR_CODES``, messages verbatim.
ERROR_CODES = {
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_ORGANIZATION": "You are not allowed to create a new organization",
    "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_ORGANIZATIONS": "You have reached the maximum number of organizations",
    "ORGANIZATION_ALREADY_EXISTS": "Organization already exists",
    "ORGANIZATION_SLUG_ALREADY_TAKEN": "Organization slug already taken",
    "ORGANIZATION_NOT_FOUND": "Organization not found",
    "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION": "User is not a member of the organization",
    "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_ORGANIZATION": "You are not allowed to update this organization",
    "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_ORGANIZATION": "You are not allowed to delete this organization",
    "NO_ACTIVE_ORGANIZATION": "No active organization",
    "USER_IS_ALREADY_A_MEMBER_OF_THIS_ORGANIZATION": "User is already a member of this organization",
    "MEMBER_NOT_FOUND": "Member not found",
    "ROLE_NOT_FOUND": "Role not found",
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM": "You are not allowed to create a new team",
    "TEAM_ALREADY_EXISTS": "Team already exists",
    "TEAM_NOT_FOUND": "Team not found",
    "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER": "You cannot leave the organization as the only owner",
    "YOU_CANNOT_LEAVE_THE_ORGANIZATION_WITHOUT_AN_OWNER": "You cannot leave the organization without an owner",
    "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_MEMBER": "You are not allowed to delete this member",
    "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION": "You are not allowed to invite users to this organization",
    "USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION": "User is already invited to this organization",
    "INVITATION_NOT_FOUND": "Invitation not found",
    "YOU_ARE_NOT_THE_RECIPIENT_OF_THE_INVITATION": "You are not the recipient of the invitation",
    "EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION": "Email verification required before accepting or rejecting invitation",
    "EMAIL_VERIFICATION_REQUIRED_FOR_INVITATION": "Email verification required to view or list invitations for the session email",
    "YOU_ARE_NOT_ALLOWED_TO_CANCEL_THIS_INVITATION": "You are not allowed to cancel this invitation",
    "INVITER_IS_NO_LONGER_A_MEMBER_OF_THE_ORGANIZATION": "Inviter is no longer a member of the organization",
    "YOU_ARE_NOT_ALLOWED_TO_INVITE_USER_WITH_THIS_ROLE": "You are not allowed to invite a user with this role",
    "FAILED_TO_RETRIEVE_INVITATION": "Failed to retrieve invitation",
    "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS": "You have reached the maximum number of teams",
    "UNABLE_TO_REMOVE_LAST_TEAM": "Unable to remove last team",
    "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_MEMBER": "You are not allowed to update this member",
    "ORGANIZATION_MEMBERSHIP_LIMIT_REACHED": "Organization membership limit reached",
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION": "You are not allowed to create teams in this organization",
    "YOU_ARE_NOT_ALLOWED_TO_DELETE_TEAMS_IN_THIS_ORGANIZATION": "You are not allowed to delete teams in this organization",
    "YOU_ARE_NOT_ALLOWED_TO_UPDATE_THIS_TEAM": "You are not allowed to update this team",
    "YOU_ARE_NOT_ALLOWED_TO_DELETE_THIS_TEAM": "You are not allowed to delete this team",
    "INVITATION_LIMIT_REACHED": "Invitation limit reached",
    "TEAM_MEMBER_LIMIT_REACHED": "Team member limit reached",
    "USER_IS_NOT_A_MEMBER_OF_THE_TEAM": "User is not a member of the team",
    "YOU_CAN_NOT_ACCESS_THE_MEMBERS_OF_THIS_TEAM": "You are not allowed to list the members of this team",
    "YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM": "You do not have an active team",
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER": "You are not allowed to create a new member",
    "YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER": "You are not allowed to remove a team member",
    "YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION": "You are not allowed to access this organization as an owner",
    "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION": "You are not a member of this organization",
    "MISSING_AC_INSTANCE": "Dynamic Access Control requires a pre-defined ac instance on the server auth plugin. Read server logs for more information",
    "YOU_MUST_BE_IN_AN_ORGANIZATION_TO_CREATE_A_ROLE": "You must be in an organization to create a role",
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE": "You are not allowed to create a role",
    "YOU_ARE_NOT_ALLOWED_TO_UPDATE_A_ROLE": "You are not allowed to update a role",
    "YOU_ARE_NOT_ALLOWED_TO_DELETE_A_ROLE": "You are not allowed to delete a role",
    "YOU_ARE_NOT_ALLOWED_TO_READ_A_ROLE": "You are not allowed to read a role",
    "YOU_ARE_NOT_ALLOWED_TO_LIST_A_ROLE": "You are not allowed to list a role",
    "YOU_ARE_NOT_ALLOWED_TO_GET_A_ROLE": "You are not allowed to get a role",
    "TOO_MANY_ROLES": "This organization has too many roles",
    "INVALID_RESOURCE": "The provided permission includes an invalid resource",
    "ROLE_NAME_IS_ALREADY_TAKEN": "That role name is already taken",
    "CANNOT_DELETE_A_PRE_DEFINED_ROLE": "Cannot delete a pre-defined role",
    "ROLE_IS_ASSIGNED_TO_MEMBERS": "Cannot delete a role that is assigned to members. Please reassign the members to a different role first",
    "ORGANIZATION_DELETION_DISABLED": "Organization deletion is disabled",
    "YOU_ARE_NOT_ALLOWED_TO_LIST_INVITATIONS": "You are not allowed to list invitations",
    "INVALID_TEAM_ID": "Team id contains a reserved character",
}

#: The organization hooks an app may give (each called with one mapping of keyword data);
#: a ``before_*`` hook may return ``{"data": {...}}`` to change what is written.
HOOK_NAMES = (
    "before_create_organization",
    "after_create_organization",
    "before_update_organization",
    "after_update_organization",
    "before_delete_organization",
    "after_delete_organization",
    "before_add_member",
    "after_add_member",
    "before_remove_member",
    "after_remove_member",
    "before_update_member_role",
    "after_update_member_role",
    "before_create_invitation",
    "after_create_invitation",
    "before_accept_invitation",
    "after_accept_invitation",
    "before_reject_invitation",
    "after_reject_invitation",
    "before_cancel_invitation",
    "after_cancel_invitation",
    "before_create_team",
    "after_create_team",
    "before_add_team_member",
    "after_add_team_member",
    "before_update_team",
    "after_update_team",
    "before_delete_team",
    "after_delete_team",
    "before_remove_team_member",
    "after_remove_team_member",
)


@dataclass(frozen=True)
class TeamOptions:
    """``teams={...}``: ``enabled``, ``maximum_teams``, ``maximum_members_per_team``,
    ``allow_removing_all_teams``, ``default_team`` (``{"enabled": True}``: a team named
    after each new organization, with its creator)."""

    enabled: bool = False
    maximum_teams: int | None = None
    maximum_members_per_team: int | None = None
    allow_removing_all_teams: bool = False
    default_team: bool = True

    @classmethod
    def parse(cls, value: Any) -> TeamOptions:
        """The ``teams`` option as given (a mapping or ``None``)."""
        value = dict(value or {})
        default = value.pop("default_team", {"enabled": True})
        return cls(default_team=bool((default or {}).get("enabled", True)), **value)


@dataclass(frozen=True)
class DynamicAccessControl:
    """``dynamic_access_control={...}``: ``enabled`` (roles stored per organization in the
    ``organizationRole`` table, made and changed through the ``*-role`` endpoints) and
    ``maximum_roles_per_organization`` (an int, or ``fn(organization_id) -> int``; no
    limit by default)."""

    enabled: bool = False
    maximum_roles_per_organization: int | Callable[[str], int] | None = None

    @classmethod
    def parse(cls, value: Any) -> DynamicAccessControl:
        """The ``dynamic_access_control`` option as given (a mapping or ``None``)."""
        return cls(**dict(value or {}))

    def maximum(self, org_id: str) -> float:
        """The most stored roles ``org_id`` may have (``inf``: no limit)."""
        limit = self.maximum_roles_per_organization
        if callable(limit):
            limit = limit(org_id)
        return float("inf") if limit is None else limit


@dataclass(frozen=True)
class OrganizationSettings:
    """The options of one ``organization(...)`` plugin (see its factory for each)."""

    roles: Mapping[str, Role]
    allow_user_to_create_organization: bool | Callable[[Any], bool] = True
    organization_limit: int | Callable[[Any], bool] | None = None
    creator_role: str = "owner"
    membership_limit: int = 100
    invitation_expires_in: int = 172_800
    invitation_limit: int = 100
    cancel_pending_invitations_on_re_invite: bool = False
    require_email_verification_on_invitation: bool | None = None
    disable_organization_deletion: bool = False
    send_invitation_email: Callable[..., Any] | bool | None = None
    invitation_url: str = "/auth/accept-invitation/{id}"
    organization_hooks: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    teams: TeamOptions = field(default_factory=TeamOptions)
    #: The access control the roles are made from (``ac``): the resources a stored role
    #: may name; the ``*-role`` endpoints need it (as Better Auth: no ``ac``, no roles).
    ac: AccessControl | None = None
    dynamic_access_control: DynamicAccessControl = field(default_factory=DynamicAccessControl)

    def active_membership(self, state: Any, session: Record) -> tuple[Record, Record] | None:
        """``(organization, member)`` of the session's active organization, or ``None``
        (what ``current_organization`` and ``current_member`` show)."""
        org_id = session.get("activeOrganizationId")
        if not org_id:
            return None
        adapter = state.adapter
        member = adapter.find_one("member", {"organizationId": org_id, "userId": session["userId"]})
        org = adapter.find_one("organization", {"id": org_id}) if member else None
        if member is None or org is None:
            return None
        return Record(org), Record(member)

    def roles_of(self, adapter: Any, org_id: Any) -> Mapping[str, Role]:
        """The roles in ``org_id``: the app's, with the organization's stored roles
        merged in when dynamic access control is on (as Better Auth's ``hasPermission``)."""
        if not (self.dynamic_access_control.enabled and self.ac and isinstance(org_id, str)):
            return self.roles
        return stored_roles.merged(self.roles, adapter, org_id)

    def member_has_permission(self, member: Record, permissions: Any) -> bool:
        """Whether ``member``'s roles (the organization's stored ones too) grant
        ``permissions``."""
        found = self.roles_of(current_state().adapter, member.get("organizationId"))
        return roles.allows(found, member.get("role"), permissions)

    def hook(self, name: str, **data: Any) -> Any:
        """Run the app's organization hook ``name`` with ``data``; what it returned."""
        function = self.organization_hooks.get(name)
        return function(data) if function is not None else None

    def changed(self, name: str, values: dict[str, Any], **data: Any) -> dict[str, Any]:
        """Run a ``before_*`` hook; ``values`` with the ``data`` it returned merged in."""
        result = self.hook(name, **data)
        if isinstance(result, Mapping) and isinstance(result.get("data"), Mapping):
            return {**values, **result["data"]}
        return values


def settings(ctx: Context) -> OrganizationSettings:
    """The plugin's settings in this app."""
    return ctx.plugin_state(PLUGIN_ID, OrganizationSettings)
