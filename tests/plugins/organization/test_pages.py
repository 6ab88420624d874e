"""The organization pages' refusals, shown in words (the flows themselves run in
Chromium, ``test_browser.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from flask_betterauth.pages.forms import MESSAGES
from flask_betterauth.plugins import organization
from tests.helpers import SQLITE_ONLY
from tests.pages.conftest import PageClient
from tests.pages.conftest import alerts

pytestmark = SQLITE_ONLY


@pytest.fixture
def browser(make_pages_app: Any) -> PageClient:
    client = PageClient(make_pages_app(plugins=[organization()]).test_client())
    assert client.sign_up().status_code == 303
    return client


def test_pages_refuse_in_words(browser):
    assert "You have no active organization" in browser.get("/auth/organization/members").text
    made = browser.submit("/auth/organizations", {"action": "create", "name": "A", "slug": "a"})
    assert made.status_code == 303
    taken = browser.submit("/auth/organizations", {"action": "create", "name": "B", "slug": "a"})
    assert taken.status_code == 400
    assert "An organization with this slug exists. Choose another." in alerts(taken).values()
    bad = browser.submit(
        "/auth/organization/members", {"action": "invite", "email": "nope", "role": "member"}
    )
    assert "That e-mail address is not valid." in alerts(bad).values()
    unknown = browser.get("/auth/accept-invitation/nope")
    assert unknown.status_code == 400
    assert "This invitation was used, withdrawn or has expired." in alerts(unknown).values()
    forged = browser.client.post("/auth/organizations", data={"action": "create", "slug": "x"})
    assert forged.status_code == 400
    assert MESSAGES["CSRF"] in alerts(forged).values() and ">A<" in forged.text
    org_id = browser.client.get("/api/auth/organization/list").json[0]["id"]
    invited = browser.submit(
        "/auth/organization/members",
        {"action": "invite", "email": "b@example.com", "role": "member"},
    )
    assert invited.status_code == 303
    invitation_id = browser.client.get(
        "/api/auth/organization/list-invitations", query_string={"organizationId": org_id}
    ).json[0]["id"]
    bea = PageClient(browser.client.application.test_client())
    assert bea.sign_up(email="b@example.com", name="Bea").status_code == 303
    for client, path in (
        (browser, "/auth/organization/members"),
        (bea, f"/auth/accept-invitation/{invitation_id}"),
    ):
        forged = client.client.post(path, data={"action": "remove", "member_id": "x"})
        assert forged.status_code == 400, path
        assert MESSAGES["CSRF"] in alerts(forged).values(), path
    assert "Decline" in forged.text  # the invitation is still shown


def test_pages_need_a_session(make_pages_app):
    client = make_pages_app(plugins=[organization()]).test_client()
    response = client.get("/auth/organizations", headers={"Accept": "text/html"})
    assert response.status_code == 302 and "/auth/sign-in" in response.headers["Location"]


def test_teams_page_creates_adds_activates_and_removes(make_pages_app):
    app = make_pages_app(plugins=[organization(teams={"enabled": True})])
    ann = PageClient(app.test_client())
    assert ann.sign_up().status_code == 303
    assert "You have no active organization" in ann.get("/auth/organization/teams").text
    made = ann.submit("/auth/organizations", {"action": "create", "name": "Acme", "slug": "acme"})
    assert made.status_code == 303
    assert "/auth/organization/teams" in ann.get("/auth/organization/members").text
    page = ann.get("/auth/organization/teams")
    assert 'data-testid="team-Acme"' in page.text and 'data-testid="active-team"' in page.text
    created = ann.submit("/auth/organization/teams", {"action": "create", "name": "Design"})
    assert created.status_code == 303
    assert "notice=team-created" in created.headers["Location"]
    api = ann.client
    org_id = api.get("/api/auth/organization/list").json[0]["id"]
    teams = {t["name"]: t["id"] for t in api.get("/api/auth/organization/list-teams").json}
    ann_id = api.get("/api/auth/get-session").json["user"]["id"]
    # not in Design: making it active is refused in words
    refused = ann.submit(
        "/auth/organization/teams", {"action": "set-active", "team_id": teams["Design"]}
    )
    assert refused.status_code == 403
    assert "Only a member of a team can make it active." in alerts(refused).values()
    body = {"action": "add", "team_id": teams["Design"], "user_id": ann_id}
    assert ann.submit("/auth/organization/teams", body).status_code == 303
    shown = ann.get("/auth/organization/teams").text
    assert 'data-testid="team-member-ann@example.com"' in shown
    assert "Make Design active" in shown
    active = ann.submit(
        "/auth/organization/teams", {"action": "set-active", "team_id": teams["Design"]}
    )
    assert active.status_code == 303
    session = api.get("/api/auth/get-session").json["session"]
    assert session["activeTeamId"] == teams["Design"]
    removed = ann.submit("/auth/organization/teams", {**body, "action": "remove"})
    assert "notice=team-member-removed" in removed.headers["Location"]
    members = api.get(
        "/api/auth/organization/list-user-teams", query_string={"organizationId": org_id}
    ).json
    assert [t["name"] for t in members] == ["Acme"]
    # a member without member:update sees only the teams they are in, without forms
    bea = PageClient(app.test_client())
    assert bea.sign_up(email="b@example.com", name="Bea").status_code == 303
    invited = api.post(
        "/api/auth/organization/invite-member", json={"email": "b@example.com", "role": "member"}
    )
    accepted = bea.client.post(
        "/api/auth/organization/accept-invitation", json={"invitationId": invited.json["id"]}
    )
    assert accepted.status_code == 200
    seen = bea.get("/auth/organization/teams").text
    assert seen.count("You are not in this team.") == 2
    assert "Person to add" not in seen and "New team" not in seen
    forged = bea.client.post("/auth/organization/teams", data={"action": "create", "name": "X"})
    assert forged.status_code == 400 and MESSAGES["CSRF"] in alerts(forged).values()
    nope = bea.submit("/auth/organization/teams", {"action": "create", "name": "X"})
    assert nope.status_code == 403
    assert "You may not create teams." in alerts(nope).values()


def test_the_members_page_offers_stored_roles(make_pages_app):
    from flask_betterauth.plugins.organization import default_ac

    dynamic = {"enabled": True}
    app = make_pages_app(plugins=[organization(ac=default_ac, dynamic_access_control=dynamic)])
    ann = PageClient(app.test_client())
    assert ann.sign_up().status_code == 303
    made = ann.submit("/auth/organizations", {"action": "create", "name": "Acme", "slug": "acme"})
    assert made.status_code == 303
    body = {"role": "reviewer", "permission": {"ac": ["read"]}}
    assert ann.client.post("/api/auth/organization/create-role", json=body).status_code == 200
    page = ann.get("/auth/organization/members").text
    assert '<option value="reviewer">reviewer</option>' in page
    invited = ann.submit(
        "/auth/organization/members",
        {"action": "invite", "email": "r@example.com", "role": "reviewer"},
    )
    assert invited.status_code == 303
    assert (
        'data-testid="invitation-r@example.com">r@example.com (reviewer)'
        in ann.get("/auth/organization/members").text
    )


def _stored_roles_app(make_pages_app: Any) -> Any:
    from flask_betterauth.plugins import create_access_control
    from flask_betterauth.plugins.organization import DEFAULT_STATEMENTS

    statements = {**DEFAULT_STATEMENTS, "project": ["create", "read", "delete"]}
    ac = create_access_control(statements)
    roles = {
        "owner": ac.new_role(statements),
        "admin": ac.new_role({**DEFAULT_STATEMENTS, "project": ["create", "read"]}),
        "member": ac.new_role({"ac": ["read"]}),
        "guest": ac.new_role({"project": ["read"]}),
    }
    dynamic = {"enabled": True}
    return make_pages_app(
        plugins=[organization(ac=ac, roles=roles, dynamic_access_control=dynamic)]
    )


def _joined(ann: PageClient, email: str, role: str) -> PageClient:
    other = PageClient(ann.client.application.test_client())
    assert other.sign_up(email=email, name=email[0].upper()).status_code == 303
    body = {"email": email, "role": role}
    invited = ann.client.post("/api/auth/organization/invite-member", json=body)
    assert invited.status_code == 200, invited.json
    accepted = other.client.post(
        "/api/auth/organization/accept-invitation", json={"invitationId": invited.json["id"]}
    )
    assert accepted.status_code == 200, accepted.json
    return other


def test_the_roles_page_makes_renames_changes_and_deletes_in_words(make_pages_app):
    app = _stored_roles_app(make_pages_app)
    page = "/auth/organization/roles"
    ann = PageClient(app.test_client())
    assert ann.sign_up().status_code == 303
    assert "You have no active organization" in ann.get(page).text
    made = ann.submit("/auth/organizations", {"action": "create", "name": "Acme", "slug": "acme"})
    assert made.status_code == 303
    assert 'href="/auth/organization/roles"' in ann.get("/auth/organization/members").text
    empty = ann.get(page).text
    assert 'data-testid="no-roles"' in empty and 'value="project:delete"' in empty
    body = {"action": "create", "name": "Reviewer", "permission": ["project:read", "ac:read"]}
    created = ann.submit(page, body)
    assert created.status_code == 303 and "notice=role-created" in created.headers["Location"]
    shown = ann.get(page).text
    assert 'data-testid="role-reviewer"' in shown
    assert "<li>ac: read</li>" in shown and "<li>project: read</li>" in shown
    taken = ann.submit(page, body)
    assert taken.status_code == 400
    assert "A role with this name exists. Choose another." in alerts(taken).values()
    (role,) = ann.client.get("/api/auth/organization/list-roles").json
    nameless = ann.submit(page, {"action": "rename", "role_id": role["id"], "name": " "})
    assert nameless.status_code == 400
    assert "Give the role its new name." in alerts(nameless).values()
    renamed = ann.submit(page, {"action": "rename", "role_id": role["id"], "name": "Auditor"})
    assert "notice=role-renamed" in renamed.headers["Location"]
    body = {"action": "permissions", "role_id": role["id"], "permission": ["project:create"]}
    changed = ann.submit(page, body)
    assert "notice=role-updated" in changed.headers["Location"]
    shown = ann.get(page).text
    assert 'data-testid="role-auditor"' in shown and "<li>project: create</li>" in shown
    assert 'value="project:create" checked' in shown

    # a member (ac:read) sees the roles and no form; a post is refused in words
    bea = _joined(ann, "bea@example.com", "member")
    seen = bea.get(page)
    assert seen.status_code == 200 and 'data-testid="role-auditor"' in seen.text
    assert "Rename auditor" not in seen.text and "New role" not in seen.text
    assert "Delete the role" not in seen.text
    nope = bea.submit(page, {"action": "create", "name": "x"}, page="/auth/organizations")
    assert nope.status_code == 403 and "You may not make roles." in alerts(nope).values()
    forged = bea.client.post(page, data={"action": "delete", "role_id": role["id"]})
    assert forged.status_code == 400 and MESSAGES["CSRF"] in alerts(forged).values()

    # an admin may not give a role actions its own role lacks: named in words
    cy = _joined(ann, "cy@example.com", "admin")
    beyond = {"action": "create", "name": "boss", "permission": ["project:delete"]}
    refused = cy.submit(page, beyond)
    assert refused.status_code == 403
    assert (
        "You may only give a role actions your own role has; not project:delete."
        in alerts(refused).values()
    )
    # a member whose roles grant no ac action does not see the page
    dan = _joined(ann, "dan@example.com", "guest")
    closed = dan.get(page)
    assert closed.status_code == 403 and 'data-testid="role-auditor"' not in closed.text
    assert "Only members whose role may manage roles see this page." in alerts(closed).values()
    posted = dan.submit(page, {"action": "delete", "role_id": role["id"]}, "/auth/organizations")
    assert posted.status_code == 403

    # a role a member holds cannot be deleted; once nobody holds it, it can
    members = ann.client.get("/api/auth/organization/list-members").json["members"]
    bea_member = next(m for m in members if m["user"]["email"] == "bea@example.com")
    given = {"memberId": bea_member["id"], "role": "auditor"}
    assert (
        ann.client.post("/api/auth/organization/update-member-role", json=given).status_code == 200
    )
    held = ann.submit(page, {"action": "delete", "role_id": role["id"]})
    assert held.status_code == 400
    assert "Members hold this role. Give them another role first." in alerts(held).values()
    given["role"] = "member"
    assert (
        ann.client.post("/api/auth/organization/update-member-role", json=given).status_code == 200
    )
    deleted = ann.submit(page, {"action": "delete", "role_id": role["id"]})
    assert "notice=role-deleted" in deleted.headers["Location"]
    assert 'data-testid="no-roles"' in ann.get(page).text
    unknown = ann.submit(page, {"action": "delete", "role_id": role["id"]})
    assert "This role no longer exists." in alerts(unknown).values()
