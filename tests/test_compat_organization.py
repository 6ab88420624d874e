"""The official ``organizationClient`` drives the organization plugin
(``tests/compat/organization.mjs``): create, check-slug, set-active, update, invite (the
invitation mailed through a real SMTP server, its link read from the inbox), get and accept
the invitation as the invitee, list members, change a role, permissions, remove; teams
(create, list, rename, the active team, team members, remove); stored roles (dynamic
access control: create, give to an invitee, permissions, list, get, rename, delete)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth.mail.smtp import SMTPSender
from flask_betterauth.plugins import organization
from flask_betterauth.plugins.organization import default_ac
from tests.mailserver import SMTPServer
from tests.test_compat import compat_client_installed as compat_client_installed
from tests.test_compat import run_scenario
from tests.test_compat import serving

pytestmark = pytest.mark.compat
INVITEE = "bob.compat@example.com"


def _run(url: str, scenario: str, **env: str) -> dict[str, Any]:
    return run_scenario(url, scenario, "organization.mjs", env=env)


@pytest.mark.usefixtures("compat_client_installed")
def test_organization_client_flows(tmp_path: Path, smtp_server: SMTPServer) -> None:
    sender = SMTPSender.from_config(smtp_server.config())
    plugin = organization(send_invitation_email=True, teams={"enabled": True})
    with serving(tmp_path, plugins=[plugin], mail_sender=sender) as server:
        owner = _run(server.url, "owner", INVITEE_EMAIL=INVITEE)
        mail = smtp_server.last(INVITEE)
        invitation_id = mail.link.rsplit("/", 1)[1]
        invitee = _run(
            server.url,
            "invitee",
            INVITEE_EMAIL=INVITEE,
            INVITATION_ID=invitation_id,
            OWNER_EMAIL=owner["email"],
        )
        teams = _run(server.url, "teams")

    s = owner["steps"]
    created = s["create"]["data"]
    assert created["slug"] == "acme" and created["metadata"] == {"plan": "pro"}
    assert created["members"][0]["role"] == "owner"
    assert s["createAgain"]["error"]["code"] == "ORGANIZATION_ALREADY_EXISTS"
    assert s["checkTaken"]["error"]["status"] == 400
    assert s["checkTaken"]["error"]["code"] == "ORGANIZATION_SLUG_ALREADY_TAKEN"
    assert s["checkFree"]["data"] == {"status": True}
    assert s["setActive"]["data"]["id"] == created["id"]
    assert s["session"]["data"]["session"]["activeOrganizationId"] == created["id"]
    assert [o["slug"] for o in s["list"]["data"]] == ["acme"]
    assert s["full"]["data"]["members"][0]["user"]["email"] == owner["email"].lower()
    assert s["update"]["data"]["name"] == "Acme Inc"
    invitation = s["invite"]["data"]
    assert invitation["email"] == INVITEE and invitation["status"] == "pending"
    assert invitation["id"] == invitation_id
    assert s["inviteAgain"]["error"]["code"] == "USER_IS_ALREADY_INVITED_TO_THIS_ORGANIZATION"
    assert [i["id"] for i in s["listInvitations"]["data"]] == [invitation_id]
    assert "Acme" in mail.subject and mail.link.endswith(f"/auth/accept-invitation/{invitation_id}")

    s = invitee["steps"]
    got = s["getInvitation"]["data"]
    assert got["organizationName"] == "Acme Inc" and got["inviterEmail"] == owner["email"].lower()
    assert s["accept"]["data"]["member"]["role"] == "admin"
    assert s["acceptAgain"]["error"]["code"] == "INVITATION_NOT_FOUND"
    assert s["session"]["data"]["session"]["activeOrganizationId"] == created["id"]
    assert s["activeMember"]["data"]["user"]["email"] == INVITEE
    assert s["bobMayDelete"]["data"] == {"error": None, "success": False}
    assert s["ownerSetActive"]["data"]["slug"] == "acme"
    assert s["listMembers"]["data"]["total"] == 2
    assert s["updateRole"]["data"]["role"] == "member"
    refused = s["bobRemoveOwner"]["error"]
    assert refused["status"] == 400
    assert refused["code"] == "YOU_CANNOT_LEAVE_THE_ORGANIZATION_AS_THE_ONLY_OWNER"
    assert s["remove"]["data"]["member"]["userId"] == s["signUp"]["data"]["user"]["id"]
    assert s["bobList"]["data"] == []
    assert s["clear"]["data"] is None

    s = teams["steps"]
    org = s["create"]["data"]
    default_team = s["session"]["data"]["session"]["activeTeamId"]
    assert default_team
    assert s["createTeam"]["data"]["name"] == "Design"
    assert s["createTeam"]["data"]["organizationId"] == org["id"]
    assert sorted(t["name"] for t in s["listTeams"]["data"]) == ["Design", "Teamed"]
    assert s["updateTeam"]["data"]["name"] == "UX"
    assert s["addToTeam"]["data"]["teamId"] == s["createTeam"]["data"]["id"]
    assert s["setActiveTeam"]["data"]["name"] == "UX"
    active_team = s["sessionAfter"]["data"]["session"]["activeTeamId"]
    assert active_team == s["createTeam"]["data"]["id"]
    assert sorted(t["name"] for t in s["userTeams"]["data"]) == ["Teamed", "UX"]
    assert [m["userId"] for m in s["teamMembers"]["data"]] == [s["signUp"]["data"]["user"]["id"]]
    assert s["removeTeam"]["data"] == {"message": "Team removed successfully."}
    last = s["removeLast"]["error"]
    assert (last["status"], last["code"]) == (400, "UNABLE_TO_REMOVE_LAST_TEAM")


@pytest.mark.usefixtures("compat_client_installed")
def test_organization_client_dynamic_roles(tmp_path: Path) -> None:
    plugin = organization(ac=default_ac, dynamic_access_control={"enabled": True})
    with serving(tmp_path, plugins=[plugin]) as server:
        s = _run(server.url, "roles")["steps"]
    made = s["createRole"]["data"]
    granted = {"invitation": ["create"], "ac": ["create"]}
    assert made["success"] is True and made["statements"] == granted
    role = made["roleData"]
    assert role["role"] == "inviter" and role["permission"] == granted
    assert s["accept"]["data"]["member"]["role"] == "inviter"
    assert s["robMayInvite"]["data"] == {"error": None, "success": True}
    stronger = s["robStronger"]["error"]
    assert (stronger["status"], stronger["code"]) == (403, "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE")
    sent = json.loads(s["robStronger"]["http"][-1]["body"])
    assert sent["missingPermissions"] == ["organization:delete"]
    assert [r["role"] for r in s["listRoles"]["data"]] == ["inviter", "spare"]
    assert s["getRole"]["data"] == role
    assert s["updateRole"]["data"]["roleData"]["role"] == "reader"
    held = s["deleteHeld"]["error"]
    assert (held["status"], held["code"]) == (400, "ROLE_IS_ASSIGNED_TO_MEMBERS")
    assert s["deleteRole"]["data"] == {"success": True}
    assert [r["role"] for r in s["listAfter"]["data"]] == ["inviter"]
