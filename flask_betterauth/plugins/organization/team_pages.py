"""The teams page of the ready-made pages (with ``teams={"enabled": True}``): the active
organization's teams and their members; create a team, add or remove a member, make a
team your active one.

Everything goes through the endpoints (their checks and codes apply). The members of a
team are listed to those in it (``list-team-members``) and to those who may manage team
members (``member:update``, what ``add-team-member`` needs), who see every team's.
The template is ``betterauth/pages/organization/teams.html``.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask import url_for

from flask_betterauth import APIError
from flask_betterauth import login_required
from flask_betterauth.pages import PageKit
from flask_betterauth.pages import View
from flask_betterauth.pages import call_api
from flask_betterauth.pages import message_for
from flask_betterauth.pages import redirect_with
from flask_betterauth.pages import refuse_without_csrf
from flask_betterauth.pages import render_page
from flask_betterauth.plugins import Op
from flask_betterauth.plugins import current_state

from .schema import TEAM_MEMBER

TEMPLATE = "organization/teams.html"
MESSAGES = {
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_TEAMS_IN_THIS_ORGANIZATION": "You may not create teams.",
    "YOU_HAVE_REACHED_THE_MAXIMUM_NUMBER_OF_TEAMS": "This organization has all the teams it may.",
    "TEAM_MEMBER_LIMIT_REACHED": "This team is full.",
    "TEAM_NOT_FOUND": "This team no longer exists.",
    "USER_IS_NOT_A_MEMBER_OF_THE_TEAM": "Only a member of a team can make it active.",
    "USER_IS_NOT_A_MEMBER_OF_THE_ORGANIZATION": "This person is not in the organization.",
    "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_NEW_TEAM_MEMBER": "You may not add team members.",
    "YOU_ARE_NOT_ALLOWED_TO_REMOVE_A_TEAM_MEMBER": "You may not remove team members.",
}


def _may(permissions: dict[str, list[str]]) -> bool:
    answer = call_api("has_organization_permission", {"permissions": permissions}).response
    return bool(answer and answer.get("success"))


def _member_ids(teams: list[dict[str, Any]], mine: set[str], manager: bool) -> dict[str, list[str]]:
    """The user ids in each team shown with its members."""
    if manager:
        ids = [team["id"] for team in teams]
        where = {"teamId": Op("in", ids)}
        rows = current_state().adapter.find_many(TEAM_MEMBER, where) if ids else []
    else:
        rows = []
        for team_id in mine:
            rows += call_api("list_team_members", query={"teamId": team_id}).response or []
    shown = [team["id"] for team in teams if manager or team["id"] in mine]
    found: dict[str, list[str]] = {team_id: [] for team_id in shown}
    for row in rows:
        found.setdefault(row["teamId"], []).append(row["userId"])
    return found


def _context() -> dict[str, Any]:
    full = call_api("get_full_organization").response
    if not full:
        return {"organization": None}
    session = (call_api("get_session").response or {}).get("session", {})
    query = {"organizationId": full["id"]}
    mine = {team["id"] for team in call_api("list_user_teams", query=query).response or []}
    manager = _may({"member": ["update"]})
    people = {member["userId"]: member["user"] for member in full["members"]}
    in_team = _member_ids(full.get("teams", []), mine, manager)
    teams = []
    for team in full.get("teams", []):
        ids = in_team.get(team["id"])
        members = None if ids is None else [people[i] for i in ids if i in people]
        others = [user for uid, user in people.items() if uid not in (ids or [])]
        teams.append({**team, "members": members, "others": others})
    return {
        "organization": full,
        "teams": teams,
        "mine": mine,
        "active_team": session.get("activeTeamId"),
        "manager": manager,
        "may_create": _may({"team": ["create"]}),
    }


@login_required
def teams_page() -> View:
    """The active organization's teams."""
    if request.method == "GET":
        return render_page(TEMPLATE, **_context())
    refused = refuse_without_csrf(TEMPLATE, **_context())
    if refused is not None:
        return refused
    form = request.form
    action = form.get("action")
    result = None
    try:
        if action == "create":
            call_api("create_organization_team", {"name": form.get("name", "")})
            notice = "team-created"
        elif action == "add":
            body = {"teamId": form.get("team_id", ""), "userId": form.get("user_id", "")}
            call_api("add_organization_team_member", body)
            notice = "team-member-added"
        elif action == "remove":
            body = {"teamId": form.get("team_id", ""), "userId": form.get("user_id", "")}
            call_api("remove_organization_team_member", body)
            notice = "team-member-removed"
        elif action == "set-active":
            result = call_api("set_active_team_endpoint", {"teamId": form.get("team_id", "")})
            notice = "team-active"
        else:
            raise APIError(400, "VALIDATION_ERROR", "This form is not known here.")
    except APIError as error:
        return render_page(TEMPLATE, error.status, error=message_for(error), **_context())
    return redirect_with(url_for(".organization_teams", notice=notice), result)


def register(kit: PageKit) -> None:
    """Add the teams page to the ready-made pages."""
    kit.add_page("/organization/teams", "organization_teams", teams_page, ("GET", "POST"))
    kit.add_notice("team-created", "The team was created.")
    kit.add_notice("team-member-added", "They were added to the team.")
    kit.add_notice("team-member-removed", "They were taken out of the team.")
    kit.add_notice("team-active", "This is now your active team.")
    kit.add_messages(MESSAGES)
