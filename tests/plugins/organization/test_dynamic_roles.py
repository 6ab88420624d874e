"""Dynamic access control: roles stored per organization (create/list/get/update/delete
role), their use in every permission check and as a member's role, and each refusal
with Better Auth 1.7.24's status and code (both faces; the central flow on both
databases)."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from flask_betterauth.plugins import create_access_control
from flask_betterauth.plugins import organization
from flask_betterauth.plugins.organization import DEFAULT_STATEMENTS
from flask_betterauth.plugins.organization import default_ac
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.cli_support import invoke_auth
from tests.helpers import SQLITE_ONLY
from tests.helpers import rows

from .conftest import create
from .conftest import join
from .conftest import person

AC = create_access_control({**DEFAULT_STATEMENTS, "project": ["create", "read", "delete"]})
PROJECT_ROLES = {
    "owner": AC.new_role({**DEFAULT_STATEMENTS, "project": ["create", "read", "delete"]}),
    "admin": AC.new_role(
        {**DEFAULT_STATEMENTS, "organization": ["update"], "project": ["create", "read"]}
    ),
    "member": AC.new_role({"ac": ["read"]}),
}


@pytest.fixture
def dyn_app(make_app: Any, clock: Any) -> Any:
    return make_app(
        plugins=[
            organization(
                roles=PROJECT_ROLES,
                ac=AC,
                dynamic_access_control={"enabled": True, "maximum_roles_per_organization": 3},
            )
        ]
    )


def error(reply: Any) -> tuple[int, Any]:
    return reply.status, (reply.json or {}).get("code")


def test_stored_roles_central_flow(dyn_app, via):
    ann = person(dyn_app, via, "ann")
    bob = person(dyn_app, via, "bob")
    org = create(ann)
    made = ann.call(
        "create_org_role", {"role": "Reviewer", "permission": {"project": ["read", "create"]}}
    )
    assert made.status == 200, made.json
    assert made.json["success"] is True
    assert made.json["statements"] == {"project": ["read", "create"]}
    role = made.json["roleData"]
    assert role["role"] == "reviewer"  # lower-cased, as Better Auth
    assert role["permission"] == {"project": ["read", "create"]}
    assert role["organizationId"] == org["id"]
    assert set(role) == {"id", "organizationId", "role", "permission", "createdAt", "updatedAt"}
    (stored,) = rows(dyn_app, "organizationRole")
    assert stored["permission"] == '{"project":["read","create"]}'  # JSON text, as BA

    # the stored role is one a member may be given, and grants its actions
    member = join(ann, bob, org, role="reviewer")
    assert member["role"] == "reviewer"
    allowed = bob.call("has_organization_permission", {"permissions": {"project": ["create"]}})
    assert allowed.json == {"error": None, "success": True}
    denied = bob.call("has_organization_permission", {"permissions": {"project": ["delete"]}})
    assert denied.json == {"error": None, "success": False}
    assert error(bob.call("create_org_role", {"role": "x", "permission": {}})) == (
        403,
        "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE",
    )

    listed = bob.call("list_org_roles")  # a stored role holder with no ac:read
    assert error(listed) == (403, "YOU_ARE_NOT_ALLOWED_TO_LIST_A_ROLE")
    assert ann.call("list_org_roles").json == [role]
    by_name = ann.call("get_org_role", query={"roleName": "reviewer"})
    by_id = ann.call("get_org_role", query={"roleId": role["id"], "organizationId": org["id"]})
    assert by_name.json == by_id.json == role

    updated = ann.call(
        "update_org_role",
        {"roleId": role["id"], "data": {"permission": {"project": ["read"], "ac": ["read"]}}},
    )
    assert updated.status == 200, updated.json
    assert updated.json["roleData"]["permission"] == {"project": ["read"], "ac": ["read"]}
    assert bob.call("list_org_roles").status == 200  # ac:read now
    gone = bob.call("has_organization_permission", {"permissions": {"project": ["create"]}})
    assert gone.json["success"] is False

    assigned = ann.call("delete_org_role", {"roleName": "reviewer"})
    assert error(assigned) == (400, "ROLE_IS_ASSIGNED_TO_MEMBERS")
    back = ann.call("update_member_role", {"memberId": member["id"], "role": "member"})
    assert back.status == 200, back.json
    deleted = ann.call("delete_org_role", {"roleId": role["id"]})
    assert deleted.status == 200 and deleted.json == {"success": True}
    assert rows(dyn_app, "organizationRole") == []
    assert error(ann.call("get_org_role", query={"roleId": role["id"]})) == (
        400,
        "ROLE_NOT_FOUND",
    )


@SQLITE_ONLY
def test_rename_and_its_refusals(dyn_app, via):
    ann = person(dyn_app, via, "ann")
    create(ann)
    for name in ("qa", "ops"):
        assert ann.call("create_org_role", {"role": name, "permission": {}}).status == 200
    renamed = ann.call("update_org_role", {"roleName": "qa", "data": {"roleName": "Testers"}})
    assert renamed.status == 200, renamed.json
    data = renamed.json["roleData"]
    assert data["role"] == "testers" and data["permission"] == {}
    assert sorted(r["role"] for r in ann.call("list_org_roles").json) == ["ops", "testers"]
    assert rows(dyn_app, "organizationRole")[0]["updatedAt"] is not None
    taken = ann.call("update_org_role", {"roleName": "ops", "data": {"roleName": "testers"}})
    assert error(taken) == (400, "ROLE_NAME_IS_ALREADY_TAKEN")
    predefined = ann.call("update_org_role", {"roleName": "ops", "data": {"roleName": "Admin"}})
    assert error(predefined) == (400, "ROLE_NAME_IS_ALREADY_TAKEN")
    missing = ann.call("update_org_role", {"roleName": "nobody", "data": {}})
    assert error(missing) == (400, "ROLE_NOT_FOUND")
    bad = ann.call("update_org_role", {"roleName": "ops", "data": {"permission": {"x": ["y"]}}})
    assert error(bad) == (400, "INVALID_RESOURCE")
    given = {"roleName": "ops", "data": {"permission": {"member": ["create"]}}}
    assert (
        ann.call("update_org_role", given).json["roleData"]["permission"]
        == given["data"]["permission"]
    )
    # an empty permission object takes every action away (truthy in Better Auth's check)
    emptied = ann.call("update_org_role", {"roleName": "ops", "data": {"permission": {}}})
    assert emptied.json["roleData"]["permission"] == {}
    assert ann.call("get_org_role", query={"roleName": "ops"}).json["permission"] == {}
    neither = ann.call("update_org_role", {"data": {}})
    assert error(neither) == (400, "VALIDATION_ERROR")
    assert error(ann.call("update_org_role", {"roleName": "ops"})) == (400, "VALIDATION_ERROR")


@SQLITE_ONLY
def test_create_refusals_in_better_auths_order(dyn_app, via):
    ann = person(dyn_app, via, "ann")
    bob = person(dyn_app, via, "bob")
    cy = person(dyn_app, via, "cy")
    body = {"role": "qa", "permission": {"project": ["read"]}}
    assert error(ann.call("create_org_role", body)) == (
        400,
        "YOU_MUST_BE_IN_AN_ORGANIZATION_TO_CREATE_A_ROLE",
    )
    org = create(ann)
    join(ann, bob, org, role="admin")
    taken = ann.call("create_org_role", {"role": "Owner", "permission": {}})
    assert error(taken) == (400, "ROLE_NAME_IS_ALREADY_TAKEN")
    outsider = cy.call("create_org_role", {**body, "organizationId": org["id"]})
    assert error(outsider) == (403, "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION")
    assert error(ann.call("create_org_role", {**body, "permission": {"nope": ["x"]}})) == (
        400,
        "INVALID_RESOURCE",
    )
    # an admin may not make a role with actions it does not hold
    beyond = bob.call(
        "create_org_role",
        {
            "role": "boss",
            "permission": {"project": ["read", "delete"], "organization": ["delete"]},
            "organizationId": org["id"],
        },
    )
    assert error(beyond) == (403, "YOU_ARE_NOT_ALLOWED_TO_CREATE_A_ROLE")
    missing = beyond.json["missingPermissions"]  # (in the body's order)
    assert sorted(missing) == ["organization:delete", "project:delete"]
    assert beyond.json["message"] == "You are not allowed to create a role"
    assert ann.call("create_org_role", body).status == 200
    assert error(ann.call("create_org_role", {**body, "role": "QA"})) == (
        400,
        "ROLE_NAME_IS_ALREADY_TAKEN",
    )
    for name in ("r2", "r3"):
        assert ann.call("create_org_role", {"role": name, "permission": {}}).status == 200
    assert error(ann.call("create_org_role", {"role": "r4", "permission": {}})) == (
        400,
        "TOO_MANY_ROLES",
    )
    for wrong in (
        {"role": "x"},
        {"role": "x", "permission": {"project": "read"}},
        {"role": 5, "permission": {}},
        {"role": "", "permission": {}},
        {"role": "a,b", "permission": {}},
    ):
        assert error(ann.call("create_org_role", wrong)) == (400, "VALIDATION_ERROR"), wrong


@SQLITE_ONLY
def test_delete_get_list_refusals(dyn_app, via):
    ann = person(dyn_app, via, "ann")
    bob = person(dyn_app, via, "bob")
    cy = person(dyn_app, via, "cy")
    assert error(ann.call("delete_org_role", {"roleName": "qa"})) == (
        400,
        "NO_ACTIVE_ORGANIZATION",
    )
    assert error(ann.call("list_org_roles")) == (400, "NO_ACTIVE_ORGANIZATION")
    org = create(ann)
    join(ann, bob, org)
    assert ann.call("create_org_role", {"role": "qa", "permission": {}}).status == 200
    assert error(ann.call("delete_org_role", {"roleName": "admin"})) == (
        400,
        "CANNOT_DELETE_A_PRE_DEFINED_ROLE",
    )
    assert error(ann.call("delete_org_role", {"roleName": "nobody"})) == (400, "ROLE_NOT_FOUND")
    assert error(ann.call("delete_org_role", {})) == (400, "VALIDATION_ERROR")
    assert error(bob.call("delete_org_role", {"roleName": "qa"})) == (
        403,
        "YOU_ARE_NOT_ALLOWED_TO_DELETE_A_ROLE",
    )
    assert error(bob.call("update_org_role", {"roleName": "qa", "data": {}})) == (
        403,
        "YOU_ARE_NOT_ALLOWED_TO_UPDATE_A_ROLE",
    )
    # members hold ac:read: they list and read roles
    assert [r["role"] for r in bob.call("list_org_roles").json] == ["qa"]
    assert bob.call("get_org_role", query={"roleName": "qa"}).status == 200
    assert error(ann.call("get_org_role")) == (400, "VALIDATION_ERROR")
    foreign = {"organizationId": org["id"]}
    assert error(cy.call("list_org_roles", query=foreign)) == (
        403,
        "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION",
    )
    assert error(cy.call("get_org_role", query={**foreign, "roleName": "qa"})) == (
        403,
        "YOU_ARE_NOT_A_MEMBER_OF_THIS_ORGANIZATION",
    )
    # the invitation role check knows stored roles; unknown ones stay refused
    invite = {"email": "dan@example.com", "role": "qa"}
    assert ann.call("invite_member", invite).status == 200
    unknown = ann.call("invite_member", {"email": "eve@example.com", "role": "qa,ghost"})
    assert unknown.status == 400 and unknown.json == {"message": "ROLE_NOT_FOUND: ghost"}
    # deleting the organization deletes its roles
    assert ann.call("delete_organization", {"organizationId": org["id"]}).status == 200
    assert rows(dyn_app, "organizationRole") == []


@SQLITE_ONLY
def test_without_ac_roles_are_not_made_and_stored_ones_grant_nothing(make_app, clock):
    test_app = make_app(plugins=[organization(dynamic_access_control={"enabled": True})])
    ann = person(test_app, "http", "ann")
    bob = person(test_app, "http", "bob")
    org = create(ann)
    made = ann.call("create_org_role", {"role": "qa", "permission": {}})
    assert error(made) == (501, "MISSING_AC_INSTANCE")
    with test_app.app.app_context(), test_app.db.engine.begin() as conn:
        table = test_app.state.models.tables["organizationRole"]
        values = {"id": "r1", "organizationId": org["id"], "role": "qa", "createdAt": clock.now}
        conn.execute(sa.insert(table).values(**values, permission='{"member":["delete"]}'))
    join(ann, bob, org, role="qa")  # a stored role may be given
    asked = bob.call("has_organization_permission", {"permissions": {"member": ["delete"]}})
    assert asked.json["success"] is False


@SQLITE_ONLY
def test_a_stored_role_with_bad_permissions_is_a_clear_server_error(dyn_app, clock):
    ann = person(dyn_app, "http", "ann")
    org = create(ann)
    with dyn_app.app.app_context(), dyn_app.db.engine.begin() as conn:
        table = dyn_app.state.models.tables["organizationRole"]
        values = {"id": "r1", "organizationId": org["id"], "role": "qa", "permission": "[1]"}
        conn.execute(sa.insert(table).values(**values, createdAt=clock.now))
    asked = ann.call("has_organization_permission", {"permissions": {"member": ["delete"]}})
    assert asked.status == 500 and asked.json == {"message": "Invalid permissions for role qa"}


@SQLITE_ONLY
def test_flask_views_see_stored_roles(dyn_app, clock):
    from flask import jsonify

    from flask_betterauth.plugins import user_has_permission as has_permission

    @dyn_app.app.get("/can-review")
    def can_review() -> Any:
        return jsonify(has_permission({"project": ["read"]}, organization=True))

    ann = person(dyn_app, "http", "ann")
    bob = person(dyn_app, "http", "bob")
    org = create(ann)
    assert ann.call("create_org_role", {"role": "qa", "permission": {"project": ["read"]}})
    join(ann, bob, org, role="qa")
    cookie = "; ".join(f"{k}={v}" for k, v in bob.jar.items())
    client = dyn_app.app.test_client(use_cookies=False)
    assert client.get("/can-review", headers={"Cookie": cookie}).json is True


@SQLITE_ONLY
def test_generate_and_migrate_know_the_role_table(database_url):
    options = {"enabled": True}
    test_app = build_bare_app(
        database_url, plugins=[organization(ac=default_ac, dynamic_access_control=options)]
    )
    try:
        generated = invoke_auth(test_app, "generate")
        assert generated.exit_code == 0, generated.output
        assert 'TABLE "organizationRole"' in generated.output
        assert invoke_auth(test_app, "migrate", "--yes").exit_code == 0
        inspector = sa.inspect(engine_of(test_app))
        columns = {c["name"] for c in inspector.get_columns("organizationRole")}
        assert columns == {"id", "organizationId", "role", "permission", "createdAt", "updatedAt"}
        indexes = {i["name"] for i in inspector.get_indexes("organizationRole")}
        assert {"organizationRole_organizationId_idx", "organizationRole_role_idx"} <= indexes
    finally:
        engine_of(test_app).dispose()


JUNK_BODIES = {
    "create_org_role": [
        None,
        [],
        {"role": None, "permission": {}},
        {"role": "x", "permission": []},
        {"role": "x", "permission": {"ac": [1]}},
        {"role": "x", "permission": {"ac": "read"}},
        {"role": "x\x00", "permission": {}},
        {"role": "x", "permission": {}, "organizationId": 7},
        {"role": "x", "permission": {}, "organizationId": "nope"},
    ],
    "update_org_role": [
        {"roleName": "x", "data": "x"},
        {"roleName": {"a": 1}, "data": {}},
        {"roleId": 5, "data": {}},
        {"roleName": "x", "data": {"permission": [1]}},
        {"roleName": "x", "data": {"roleName": 3}},
    ],
    "delete_org_role": [{"roleName": ""}, {"roleId": ["a"]}, {"roleName": None}],
}


@SQLITE_ONLY
def test_junk_input_is_a_4xx_never_a_500(dyn_app, via):
    ann = person(dyn_app, via, "ann")
    create(ann)
    for name, bodies in JUNK_BODIES.items():
        for body in bodies:
            reply = ann.call(name, body)
            assert 400 <= reply.status < 500, (name, body, reply.status, reply.json)
    for query in ({"roleName": ""}, {"roleId": "\x00"}, {"organizationId": "nope", "roleId": "a"}):
        reply = ann.call("get_org_role", query=query)
        assert 400 <= reply.status < 500, (query, reply.status, reply.json)
    assert ann.call("list_org_roles", query={"organizationId": "nope"}).status == 403
