"""An organization made under the real Better Auth is served here: its members, its
pending invitation, its metadata.

``tests/better_auth_db/make_organization_db.mjs`` runs Better Auth 1.7.24 with its
``organization`` plugin on a SQLite file: Olive creates "Made Org" (with metadata), Mia
accepts an invitation as admin, and an invitation to pia@example.com stays pending. The
Flask app, with the same secret and ``organization()``, then serves all of it.

``make_organization_teams_db.mjs`` does the same with teams and dynamic access control
on: Tom's organization has its default team and "Backend", a stored role "reviewer",
and Una, invited with that role to "Backend", accepted. Her teams, the active team, the
stored role's permissions and the team members Better Auth wrote are served here.

The Node dependencies must be installed first: ``npm ci --prefix tests/better_auth_db``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from flask_betterauth.plugins import organization
from flask_betterauth.plugins.organization import default_ac
from tests.better_auth_made import MadeDatabase
from tests.better_auth_made import app_on
from tests.better_auth_made import copy_database
from tests.better_auth_made import make_database
from tests.cli_support import engine_of
from tests.helpers import Caller
from tests.helpers import TestApp
from tests.helpers import rows


@pytest.fixture(scope="module")
def made_db(tmp_path_factory: pytest.TempPathFactory) -> MadeDatabase:
    """The SQLite file Better Auth made, and what its script printed."""
    return make_database("make_organization_db.mjs", tmp_path_factory)


@pytest.fixture
def moved(made_db: MadeDatabase, tmp_path: Path) -> Iterator[TestApp]:
    """The Flask app on a copy of that file, after ``flask auth migrate``."""
    with app_on(copy_database(made_db, tmp_path), plugins=[organization()], migrate=True) as app:
        yield app


def signed_in(test_app: TestApp, person: dict[str, Any]) -> Caller:
    caller = Caller(test_app, "http")
    body = {"email": person["email"], "password": person["password"]}
    assert caller.call("sign_in_email", body).status == 200
    return caller


def test_migrate_finds_the_organization_schema_complete(moved: TestApp) -> None:
    result = moved.app.test_cli_runner().invoke(args=["auth", "generate"])
    assert "The database already has every table" in result.output


def test_the_organization_and_its_members_are_served(moved: TestApp, made_db: MadeDatabase) -> None:
    made = made_db[1]
    org = made["organization"]
    olive = signed_in(moved, made["olive"])
    assert [o["id"] for o in olive.call("list_organizations").json] == [org["id"]]
    active = olive.call("set_active_organization", {"organizationSlug": "made-org"})
    assert active.status == 200 and active.json["metadata"] == '{"plan":"team"}'
    assert active.json["createdAt"] == org["createdAt"]
    full = olive.call("get_full_organization").json
    roles = {m["user"]["email"]: m["role"] for m in full["members"]}
    assert roles == {"olive@example.com": "owner", "mia@example.com": "admin"}
    pending = [i for i in full["invitations"] if i["status"] == "pending"]
    assert [i["id"] for i in pending] == [made["pending"]["id"]]
    assert pending[0]["expiresAt"] == made["pending"]["expiresAt"]
    listed = olive.call("list_members").json
    assert listed["total"] == 2
    mia = signed_in(moved, made["mia"])
    permission = {"permissions": {"member": ["delete"]}, "organizationId": org["id"]}
    assert mia.call("has_organization_permission", permission).json["success"] is True


def test_the_pending_invitation_is_accepted_here(moved: TestApp, made_db: MadeDatabase) -> None:
    made = made_db[1]
    pia = Caller(moved, "http")
    body = {"name": "Pia", "email": "pia@example.com", "password": "pia-password-1"}
    assert pia.call("sign_up_email", body).status == 200
    got = pia.call("get_invitation", query={"id": made["pending"]["id"]})
    assert got.status == 200, got.json
    assert got.json["organizationName"] == "Made Org"
    assert got.json["inviterEmail"] == "olive@example.com"
    accepted = pia.call("accept_invitation", {"invitationId": made["pending"]["id"]})
    assert accepted.status == 200, accepted.json
    assert accepted.json["member"]["role"] == "member"
    assert pia.call("get_active_member").json["organizationId"] == made["organization"]["id"]


TEAMS_AND_ROLES = {
    "teams": {"enabled": True},
    "ac": default_ac,
    "dynamic_access_control": {"enabled": True},
}


@pytest.fixture(scope="module")
def made_teams_db(tmp_path_factory: pytest.TempPathFactory) -> MadeDatabase:
    """The SQLite file Better Auth made with teams and a stored role."""
    return make_database("make_organization_teams_db.mjs", tmp_path_factory)


@pytest.fixture
def moved_teams(made_teams_db: MadeDatabase, tmp_path: Path) -> Iterator[TestApp]:
    """The Flask app with teams and dynamic roles on a copy of that file, migrated."""
    plugins = [organization(**TEAMS_AND_ROLES)]  # type: ignore[arg-type]
    with app_on(copy_database(made_teams_db, tmp_path), plugins=plugins, migrate=True) as app:
        yield app


def test_migrate_finds_the_team_and_role_tables_complete(moved_teams: TestApp) -> None:
    result = moved_teams.app.test_cli_runner().invoke(args=["auth", "generate"])
    assert "The database already has every table" in result.output
    # migrate added our unique index on stored role names (Better Auth's schema has none)
    indexes = sa.inspect(engine_of(moved_teams)).get_indexes("organizationRole")
    unique = [i["column_names"] for i in indexes if i["unique"]]
    assert ["organizationId", "role"] in unique


def test_teams_and_a_stored_role_are_served(
    moved_teams: TestApp, made_teams_db: MadeDatabase
) -> None:
    made = made_teams_db[1]
    org, backend, role = made["organization"], made["backend"], made["role"]
    assert made["unaActiveTeamId"] == backend["id"]  # as Better Auth left her session
    una = signed_in(moved_teams, made["una"])
    assert [t["id"] for t in una.call("list_user_teams").json] == [backend["id"]]
    assert una.call("set_active_organization", {"organizationId": org["id"]}).status == 200
    active = una.call("set_active_team_endpoint", {"teamId": backend["id"]})
    assert active.status == 200 and active.json["name"] == "Backend"
    assert active.json["createdAt"] == backend["createdAt"]
    assert una.call("get_session").json["session"]["activeTeamId"] == backend["id"]
    members = una.call("list_team_members").json
    assert [m["userId"] for m in members] == [made["una"]["id"]]
    # the stored role Better Auth wrote grants its actions, and nothing more
    asked = {"permissions": {"invitation": ["create"]}}
    assert una.call("has_organization_permission", asked).json["success"] is True
    asked = {"permissions": {"invitation": ["cancel"]}}
    assert una.call("has_organization_permission", asked).json["success"] is False
    (listed,) = una.call("list_org_roles").json
    assert listed == role
    invited = una.call("invite_member", {"email": "vic@example.com", "role": "reviewer"})
    assert invited.status == 200, invited.json

    tom = signed_in(moved_teams, made["tom"])
    assert tom.call("set_active_organization", {"organizationId": org["id"]}).status == 200
    full = tom.call("get_full_organization").json
    assert sorted(t["id"] for t in full["teams"]) == sorted(t["id"] for t in made["teams"])
    # Better Auth's teamMember row is found again (its membershipKey), not doubled
    body = {"teamId": backend["id"], "userId": made["una"]["id"]}
    again = tom.call("add_organization_team_member", body)
    assert again.status == 200 and again.json["teamId"] == backend["id"]
    in_backend = [r for r in rows(moved_teams, "teamMember") if r["teamId"] == backend["id"]]
    assert [r["id"] for r in in_backend] == [again.json["id"]]
    removed = tom.call("remove_organization_team_member", body)
    assert removed.status == 200, removed.json
    assert una.call("list_user_teams").json == []
    narrowed = tom.call(
        "update_org_role", {"roleName": "reviewer", "data": {"permission": {"ac": ["read"]}}}
    )
    assert narrowed.status == 200, narrowed.json
    asked = {"permissions": {"invitation": ["create"]}}
    assert una.call("has_organization_permission", asked).json["success"] is False
