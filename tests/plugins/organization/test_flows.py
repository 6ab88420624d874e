"""The central organization flows, on SQLite and PostgreSQL, over HTTP and ``auth.api``:
create, set-active (and get-session), invite, accept, list-members, full organization."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from flask_betterauth.plugins import organization
from tests.helpers import SQLITE_ONLY
from tests.helpers import Caller
from tests.helpers import rows

from .conftest import create
from .conftest import join
from .conftest import person


def test_create_makes_the_caller_owner_and_sets_the_active_organization(ann, org_app):
    org = create(ann, metadata={"plan": "pro"})
    assert org["slug"] == "acme" and org["name"] == "Acme"
    assert org["metadata"] == {"plan": "pro"}  # an object in the create answer
    (member,) = org["members"]
    assert member["role"] == "owner" and member["userId"] == ann.user["id"]
    assert set(member) == {"id", "organizationId", "userId", "role", "createdAt"}
    (session,) = rows(org_app, "session")
    assert session["activeOrganizationId"] == org["id"]
    got = ann.call("get_organization", query={"organizationId": org["id"]})
    assert got.json["metadata"] == '{"plan":"pro"}'  # the raw JSON string elsewhere


def test_set_active_shows_in_get_session_and_clears_with_null(ann):
    org = create(ann, keepCurrentActiveOrganization=True)
    assert ann.call("get_session").json["session"]["activeOrganizationId"] is None
    reply = ann.call("set_active_organization", {"organizationId": org["id"]})
    assert reply.status == 200 and reply.json["id"] == org["id"]
    assert any("session_token" in c for c in reply.set_cookies)
    assert ann.call("get_session").json["session"]["activeOrganizationId"] == org["id"]
    cleared = ann.call("set_active_organization", {"organizationId": None})
    assert cleared.status == 200 and cleared.json is None
    assert ann.call("get_session").json["session"]["activeOrganizationId"] is None


@SQLITE_ONLY
@pytest.mark.parametrize("teams", [False, True])
def test_create_reissues_the_cookie_cache(make_app, clock, via, teams):
    """Unlike Better Auth 1.7.24 (whose create leaves the cache stale until it expires),
    create sends the session cookies again, with the new active organization (and team)."""
    options = {"teams": {"enabled": True}} if teams else {}
    test_app = make_app(
        session={"cookie_cache": {"enabled": True}}, plugins=[organization(**options)]
    )
    ann = person(test_app, via, "ann")
    assert ann.call("get_session").json["session"]["activeOrganizationId"] is None  # cached
    reply = ann.call("create_organization", {"name": "Acme", "slug": "acme"})
    assert reply.status == 200, reply.json
    assert any(c.startswith("better-auth.session_token=") for c in reply.set_cookies)
    cached = ann.call("get_session").json["session"]  # from the re-issued cookie
    assert cached["activeOrganizationId"] == reply.json["id"]
    stored = ann.call("get_session", query={"disableCookieCache": "true"}).json["session"]
    assert cached["activeTeamId" if teams else "id"] == stored["activeTeamId" if teams else "id"]
    if teams:
        assert cached["activeTeamId"] is not None
    body = {"name": "B", "slug": "b", "keepCurrentActiveOrganization": True}
    assert ann.call("create_organization", body).status == 200
    still = ann.call("get_session").json["session"]
    assert still["activeOrganizationId"] == reply.json["id"]


def test_invite_accept_and_list_members(ann, bob, invitations, org_app):
    org = create(ann)
    invited = ann.call("invite_member", {"email": "BOB@example.com", "role": "admin"})
    assert invited.status == 200, invited.json
    invitation = invited.json
    assert invitation["email"] == "bob@example.com" and invitation["status"] == "pending"
    assert invitation["inviterId"] == ann.user["id"]
    (mail,) = invitations.sent
    assert mail["id"] == invitation["id"] and mail["organization"]["slug"] == "acme"
    assert mail["inviter"]["user"]["email"] == "ann@example.com"
    assert mail["url"].endswith(f"/auth/accept-invitation/{invitation['id']}")

    got = bob.call("get_invitation", query={"id": invitation["id"]})
    assert got.status == 200, got.json
    assert got.json["organizationName"] == "Acme" and got.json["inviterEmail"] == "ann@example.com"

    accepted = bob.call("accept_invitation", {"invitationId": invitation["id"]})
    assert accepted.status == 200, accepted.json
    assert accepted.json["invitation"]["status"] == "accepted"
    assert accepted.json["member"]["role"] == "admin"
    assert bob.call("get_session").json["session"]["activeOrganizationId"] == org["id"]

    listed = ann.call("list_members", query={"organizationId": org["id"]})
    assert listed.status == 200 and listed.json["total"] == 2
    emails = sorted(m["user"]["email"] for m in listed.json["members"])
    assert emails == ["ann@example.com", "bob@example.com"]

    full = bob.call("get_full_organization")
    assert full.status == 200 and len(full.json["members"]) == 2
    assert [i["status"] for i in full.json["invitations"]] == ["accepted"]
    assert [o["slug"] for o in bob.call("list_organizations").json] == ["acme"]
    active = bob.call("get_active_member")
    assert active.json["role"] == "admin" and active.json["user"]["email"] == "bob@example.com"


def test_two_accepts_of_one_invitation_leave_one_member(org_app, via):
    ann = person(org_app, via, "ann")
    bob = person(org_app, via, "bob")
    create(ann)
    invitation = ann.call("invite_member", {"email": "bob@example.com", "role": "member"}).json
    other = Caller(org_app, via, dict(bob.jar))
    with ThreadPoolExecutor(2) as pool:
        replies = list(
            pool.map(
                lambda c: c.call("accept_invitation", {"invitationId": invitation["id"]}),
                [bob, other],
            )
        )
    statuses = sorted(r.status for r in replies)
    assert statuses == [200, 400], [r.json for r in replies]
    assert [r.json["code"] for r in replies if r.status == 400] == ["INVITATION_NOT_FOUND"]
    assert len([m for m in rows(org_app, "member") if m["userId"] == bob.user["id"]]) == 1


def test_two_creates_with_one_slug_make_one_organization(org_app, via):
    ann = person(org_app, via, "ann")
    other = Caller(org_app, via, dict(ann.jar))
    body = {"name": "Acme", "slug": "acme"}
    with ThreadPoolExecutor(2) as pool:
        replies = list(pool.map(lambda c: c.call("create_organization", body), [ann, other]))
    assert sorted(r.status for r in replies) == [200, 400], [r.json for r in replies]
    assert [r.json["code"] for r in replies if r.status == 400] == ["ORGANIZATION_ALREADY_EXISTS"]
    assert len(rows(org_app, "organization")) == 1
    assert len(rows(org_app, "member")) == 1


def test_delete_cascades_and_frees_the_slug(ann, bob, org_app):
    org = create(ann)
    join(ann, bob, org)
    ann.call("invite_member", {"email": "cy@example.com", "role": "member"})
    deleted = ann.call("delete_organization", {"organizationId": org["id"]})
    assert deleted.status == 200 and deleted.json["id"] == org["id"]
    assert rows(org_app, "member") == [] and rows(org_app, "invitation") == []
    assert ann.call("check_organization_slug", {"slug": "acme"}).json == {"status": True}
    assert ann.call("get_session").json["session"]["activeOrganizationId"] is None
