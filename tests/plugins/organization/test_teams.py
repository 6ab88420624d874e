"""Teams: the default team, create/list/update/remove, the active team, team members,
invitations to a team, limits and refusals (both faces; the central flow on both
databases)."""

from __future__ import annotations

from typing import Any

import pytest

from flask_betterauth.plugins import organization
from flask_betterauth.plugins.organization.team_rows import membership_key
from tests.helpers import SQLITE_ONLY
from tests.helpers import rows

from .conftest import create
from .conftest import person

TEAMS = {"enabled": True, "maximum_teams": 3, "maximum_members_per_team": 2}
SEEN: list[str] = []
HOOKS = {
    "before_create_team": lambda data: {"data": {"name": data["team"]["name"].title()}},
    "after_create_team": lambda data: SEEN.append(f"team:{data['team']['name']}"),
    "after_add_team_member": lambda data: SEEN.append("team-member"),
}


@pytest.fixture
def team_app(make_app: Any, clock: Any) -> Any:
    SEEN.clear()
    return make_app(plugins=[organization(teams=TEAMS, organization_hooks=HOOKS)])


def error(reply: Any) -> tuple[int, Any]:
    return reply.status, (reply.json or {}).get("code")


def test_teams_central_flow(team_app, via):
    ann = person(team_app, via, "ann")
    bob = person(team_app, via, "bob")
    org = create(ann)
    (default,) = ann.call("list_organization_teams").json
    assert default["name"] == "Acme" and default["organizationId"] == org["id"]
    assert ann.call("get_full_organization").json["teams"] == [default]
    assert "memberCount" not in default
    session = ann.call("get_session").json["session"]
    assert session["activeTeamId"] == default["id"]

    made = ann.call("create_organization_team", {"name": "design"})
    assert made.status == 200, made.json
    assert made.json["name"] == "Design" and SEEN == ["team:Acme", "team:Design"]
    design = made.json
    invited = ann.call(
        "invite_member", {"email": "bob@example.com", "role": "member", "teamId": design["id"]}
    )
    assert invited.status == 200 and invited.json["teamId"] == design["id"]
    accepted = bob.call("accept_invitation", {"invitationId": invited.json["id"]})
    assert accepted.status == 200, accepted.json
    assert bob.call("get_session").json["session"]["activeTeamId"] == design["id"]
    listed = bob.call("list_team_members").json
    assert [m["userId"] for m in listed] == [bob.user["id"]]
    assert set(listed[0]) == {"id", "teamId", "userId", "createdAt"}
    assert [t["name"] for t in bob.call("list_user_teams").json] == ["Design"]

    added = ann.call(
        "add_organization_team_member", {"teamId": design["id"], "userId": ann.user["id"]}
    )
    assert added.status == 200 and added.json["teamId"] == design["id"]
    assert SEEN == ["team:Acme", "team:Design", "team-member"]
    (stored,) = [r for r in rows(team_app, "teamMember") if r["id"] == added.json["id"]]
    assert stored["membershipKey"] == membership_key(design["id"], ann.user["id"])
    (team_row,) = [r for r in rows(team_app, "team") if r["id"] == design["id"]]
    assert team_row["memberCount"] == 2

    renamed = ann.call("update_organization_team", {"teamId": design["id"], "data": {"name": "UX"}})
    assert renamed.status == 200 and renamed.json["name"] == "UX"
    removed = ann.call(
        "remove_organization_team_member", {"teamId": design["id"], "userId": bob.user["id"]}
    )
    assert removed.json == {"message": "Team member removed successfully."}
    pending = ann.call(
        "invite_member", {"email": "cy@example.com", "role": "member", "teamId": design["id"]}
    )
    assert pending.status == 200
    gone = ann.call("remove_organization_team", {"teamId": design["id"]})
    assert gone.status == 200 and gone.json == {"message": "Team removed successfully."}
    assert [t["id"] for t in ann.call("list_organization_teams").json] == [default["id"]]
    (invitation,) = [r for r in rows(team_app, "invitation") if r["email"] == "cy@example.com"]
    assert invitation["teamId"] is None and invitation["status"] == "pending"


@SQLITE_ONLY
def test_team_refusals(team_app, via):
    ann = person(team_app, via, "ann")
    bob = person(team_app, via, "bob")
    org = create(ann)
    (default,) = ann.call("list_organization_teams").json
    assert error(ann.call("remove_organization_team", {"teamId": default["id"]})) == (
        400,
        "UNABLE_TO_REMOVE_LAST_TEAM",
    )
    assert error(bob.call("list_organization_teams", query={"organizationId": org["id"]})) == (
        403,
        "YOU_ARE_NOT_ALLOWED_TO_ACCESS_THIS_ORGANIZATION",
    )
    assert error(
        bob.call("create_organization_team", {"name": "X", "organizationId": org["id"]})
    ) == (
        403,
        "YOU_ARE_NOT_ALLOWED_TO_INVITE_USERS_TO_THIS_ORGANIZATION",
    )
    invited = ann.call("invite_member", {"email": "bob@example.com", "role": "member"}).json
    bob.call("accept_invitation", {"invitationId": invited["id"]})
    assert error(bob.call("create_organization_team", {"name": "X"})) == (
        403,
        "YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION",
    )
    assert error(bob.call("set_active_team_endpoint", {"teamId": default["id"]})) == (
        403,
        "USER_IS_NOT_A_MEMBER_OF_THE_TEAM",
    )
    assert error(bob.call("list_team_members", query={"teamId": default["id"]})) == (
        400,
        "USER_IS_NOT_A_MEMBER_OF_THE_TEAM",
    )
    assert error(bob.call("list_team_members")) == (400, "YOU_DO_NOT_HAVE_AN_ACTIVE_TEAM")
    assert error(ann.call("set_active_team_endpoint", {"teamId": "nope"})) == (
        400,
        "TEAM_NOT_FOUND",
    )
    body = {"teamId": default["id"], "userId": ann.user["id"]}
    assert error(bob.call("add_organization_team_member", body)) == (
        403,
        "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER",
    )
    assert error(bob.call("remove_organization_team_member", body)) == (
        403,
        "YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER",
    )
    assert error(
        ann.call("invite_member", {"email": "c@example.com", "role": "member", "teamId": "a,b"})
    ) == (
        400,
        "INVALID_TEAM_ID",
    )
    assert error(
        ann.call("invite_member", {"email": "c@example.com", "role": "member", "teamId": "nope"})
    ) == (
        400,
        "TEAM_NOT_FOUND",
    )
    # limits: 3 teams, 2 members a team
    ann.call("create_organization_team", {"name": "Two"})
    ann.call("create_organization_team", {"name": "Three"})
    assert error(ann.call("create_organization_team", {"name": "Four"})) == (
        400,
        "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS",
    )
    cy = person(team_app, via, "cy")
    invited = ann.call("invite_member", {"email": "cy@example.com", "role": "member"}).json
    cy.call("accept_invitation", {"invitationId": invited["id"]})
    assert (
        ann.call(
            "add_organization_team_member", {"teamId": default["id"], "userId": bob.user["id"]}
        ).status
        == 200
    )
    third = ann.call(
        "add_organization_team_member", {"teamId": default["id"], "userId": cy.user["id"]}
    )
    assert error(third) == (403, "TEAM_MEMBER_LIMIT_REACHED")
    # leaving the organization leaves its teams
    assert bob.call("leave_organization", {"organizationId": org["id"]}).status == 200
    assert [r for r in rows(team_app, "teamMember") if r["userId"] == bob.user["id"]] == []
    assert ann.call("set_active_team_endpoint", {"teamId": None}).json is None
    assert ann.call("get_session").json["session"]["activeTeamId"] is None


@SQLITE_ONLY
def test_without_teams_a_team_id_is_refused_and_no_team_tables(make_app, via, clock):
    test_app = make_app(plugins=[organization()])
    ann = person(test_app, via, "ann")
    create(ann)
    reply = ann.call("invite_member", {"email": "x@example.com", "role": "member", "teamId": "t"})
    assert reply.status == 400
    assert "team" not in test_app.state.tables


@SQLITE_ONLY
def test_team_hooks_refuse_and_see_rows(make_app, via, clock):
    from flask_betterauth.plugins import APIError

    seen: list[tuple[str, Any]] = []
    refuse: set[str] = set()

    def before(name: str) -> Any:
        def hook(data: dict[str, Any]) -> Any:
            seen.append((name, data))
            if name in refuse:
                raise APIError(403, "NOT_TODAY")
            if name == "before_update_team":
                return {"data": {"name": data["updates"]["name"].upper()}}
            return None

        return hook

    names = ("update_team", "delete_team", "remove_team_member")
    hooks = {f"before_{n}": before(f"before_{n}") for n in names}
    hooks.update({f"after_{n}": before(f"after_{n}") for n in names})
    test_app = make_app(plugins=[organization(teams=TEAMS, organization_hooks=hooks)])
    ann = person(test_app, via, "ann")
    bob = person(test_app, via, "bob")
    org = create(ann)
    invited = ann.call("invite_member", {"email": "bob@example.com", "role": "member"}).json
    bob.call("accept_invitation", {"invitationId": invited["id"]})
    team = ann.call("create_organization_team", {"name": "design"}).json
    pair = {"teamId": team["id"], "userId": bob.user["id"]}
    assert ann.call("add_organization_team_member", pair).status == 200

    refuse.update(f"before_{n}" for n in names)
    rename = {"teamId": team["id"], "data": {"name": "x"}}
    assert error(ann.call("update_organization_team", rename)) == (403, "NOT_TODAY")
    assert error(ann.call("remove_organization_team_member", pair)) == (403, "NOT_TODAY")
    assert error(ann.call("remove_organization_team", {"teamId": team["id"]})) == (403, "NOT_TODAY")
    assert [n for n, _ in seen] == [
        "before_update_team",
        "before_remove_team_member",
        "before_delete_team",
    ]
    (stored,) = [r for r in rows(test_app, "team") if r["id"] == team["id"]]
    assert stored["name"] == "design" and stored["memberCount"] == 1
    assert len([r for r in rows(test_app, "teamMember") if r["teamId"] == team["id"]]) == 1

    refuse.clear()
    seen.clear()
    renamed = ann.call("update_organization_team", {"teamId": team["id"], "data": {"name": "ux"}})
    assert renamed.status == 200 and renamed.json["name"] == "UX"
    (name, data), (after, after_data) = seen
    assert name == "before_update_team" and data["updates"] == {"name": "ux"}
    assert data["team"]["name"] == "design" and data["organization"]["id"] == org["id"]
    assert data["user"]["id"] == ann.user["id"]
    assert after == "after_update_team" and after_data["team"]["name"] == "UX"

    seen.clear()
    assert ann.call("remove_organization_team_member", pair).status == 200
    (_, data), (after, after_data) = seen
    assert after == "after_remove_team_member"
    assert after_data["team_member"]["userId"] == bob.user["id"]
    assert after_data["team"]["id"] == team["id"] and after_data["user"]["id"] == bob.user["id"]
    assert after_data["organization"]["id"] == org["id"]
    assert [r for r in rows(test_app, "teamMember") if r["teamId"] == team["id"]] == []

    seen.clear()
    assert ann.call("remove_organization_team", {"teamId": team["id"]}).status == 200
    (_, data), (after, after_data) = seen
    assert after == "after_delete_team" and after_data["team"]["id"] == team["id"]
    assert after_data["user"]["id"] == ann.user["id"]
    assert [r for r in rows(test_app, "team") if r["id"] == team["id"]] == []
