"""The organization pages in Chromium as two people (``tests/pages/browser/
organization_flow.mjs``): the switcher, the members page, the mailed invitation link,
the teams page, the roles page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flask_betterauth.plugins import organization
from flask_betterauth.plugins.organization import default_ac
from tests.mailserver import SMTPServer
from tests.pages.live import run_flow
from tests.pages.live import serving_pages

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path: Path, smtp_server: SMTPServer) -> Iterator[str]:
    """The pages app with organizations, teams and stored roles (invitations mailed by
    the built-in sender)."""
    plugin = organization(
        send_invitation_email=True,
        teams={"enabled": True},
        ac=default_ac,
        dynamic_access_control={"enabled": True},
    )
    with serving_pages(tmp_path, smtp_server, plugins=[plugin], test_routes=True) as url:
        yield url


def test_organization_pages_in_chromium(live_server: str) -> None:
    facts, _ = run_flow("organization_flow.mjs", live_server, timeout=180)
    assert facts["audits"] == {
        "switcherEmpty": [],
        "switcher": [],
        "members": [],
        "invitation": [],
        "teams": [],
        "roles": [],
    }
    assert facts["created"] == "The organization was created."
    assert facts["active"] is True
    assert facts["invited"] == "The invitation was sent." and facts["pending"] is True
    assert facts["linkPath"].startswith("/auth/accept-invitation/")
    assert facts["bobSentTo"] == "/auth/sign-in"
    assert facts["invitationText"] == (
        "ann.org@example.com invited you to join Acme Pages as admin."
    )
    assert facts["accepted"] == "Welcome! You joined the organization."
    assert facts["bobSeesOrganization"] == "Acme Pages"
    assert facts["teamCreated"] == "The team was created."
    assert facts["teamMemberAdded"] == "They were added to the team." and facts["bobInDesign"] == 1
    assert facts["teamActive"] == "This is now your active team." and facts["bobActiveTeam"] == 1
    assert facts["teamMemberRemoved"] == "They were taken out of the team."
    assert facts["bobStillInDesign"] == 0
    assert facts["noRoles"] == 1 and facts["roleCreated"] == "The role was created."
    assert facts["reviewerMay"] == "invitation: create member: create"
    assert facts["roleRenamed"] == "The role was renamed."
    assert facts["roleUpdated"] == "What the role may do was changed."
    assert facts["auditorMay"] == "invitation: create" and facts["auditorOffered"] == 1
    assert facts["roleDeleted"] == "The role was deleted." and facts["rolesLeft"] == 0
    assert facts["bobRole"] == "admin"
    assert facts["roleNotice"] == "The role was changed." and facts["bobRoleAfter"] == "member"
    assert facts["removed"] == "The member was removed." and facts["bobStillListed"] == 0
    assert facts["bobOrganizations"] == 0
