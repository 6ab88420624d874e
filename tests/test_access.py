"""Access control: roles from statements, Better Auth's authorize rules, the view guard."""

from __future__ import annotations

from typing import Any

import pytest
from flask import jsonify
from flask import render_template_string

from flask_betterauth import create_access_control
from flask_betterauth import has_permission
from flask_betterauth import permission_required
from flask_betterauth.errors import BetterAuthError
from flask_betterauth.plugins import Plugin
from flask_betterauth.plugins import Record
from tests.helpers import PASSWORD
from tests.helpers import build_app
from tests.helpers import sql

STATEMENTS = {"project": ["create", "share", "delete"], "billing": ["read", "pay"]}


@pytest.fixture(scope="module")
def ac():
    return create_access_control(STATEMENTS)


def test_statements_and_role(ac):
    editor = ac.new_role({"project": ["create", "share"]})
    assert ac.statements == {"project": ("create", "share", "delete"), "billing": ("read", "pay")}
    assert editor.statements == {"project": ("create", "share")}


@pytest.mark.parametrize(
    "permissions",
    [{"task": ["create"]}, {"project": ["archive"]}, {"project": "create"}],
)
def test_unknown_resource_or_action_is_refused_when_the_role_is_defined(ac, permissions):
    with pytest.raises(ValueError):
        ac.new_role(permissions)


def test_bad_statements_are_refused():
    with pytest.raises(ValueError):
        create_access_control({"project": "create"})
    with pytest.raises(ValueError):
        create_access_control({"": ["create"]})


def test_authorize_and(ac):
    editor = ac.new_role({"project": ["create", "share"], "billing": ["read"]})
    assert editor.authorize({"project": ["create", "share"]}).success
    assert editor.authorize({"project": ["create"], "billing": ["read"]}).success
    refused = editor.authorize({"project": ["create", "delete"]})
    assert (refused.success, refused.error) == (False, 'unauthorized to access resource "project"')
    missing = ac.new_role({"project": ["create"]}).authorize({"billing": ["read"]})
    assert missing.error == "You are not allowed to access resource: billing"
    assert not editor.authorize({})
    assert editor.authorize({}).error == "Not authorized"
    assert not editor.authorize({"project": []})


def test_authorize_or_per_resource_and_across(ac):
    editor = ac.new_role({"project": ["create"], "billing": ["read"]})
    assert editor.authorize({"project": {"actions": ["delete", "create"], "connector": "OR"}})
    assert not editor.authorize({"project": {"actions": ["delete", "share"], "connector": "OR"}})
    assert not editor.authorize({"project": {"connector": "OR"}})
    across = {"project": ["delete"], "billing": ["read"]}
    assert not editor.authorize(across)
    assert editor.authorize(across, "OR").success
    assert editor.authorize({"unknown": ["x"], "billing": ["read"]}, "OR").success
    assert editor.authorize({"unknown": ["x"]}, "OR").error == "Not authorized"
    with pytest.raises(ValueError):
        editor.authorize({"project": "create"})


def test_has_permission_any_role_authorises_all(ac):
    roles = {
        "viewer": ac.new_role({"billing": ["read"]}),
        "editor": ac.new_role({"project": ["create", "share"]}),
    }
    assert has_permission("viewer,editor", {"project": ["share"]}, roles)
    assert has_permission(["viewer", "editor"], {"billing": ["read"]}, roles)
    # No one role holds both: refused, although the two together would.
    assert not has_permission("viewer,editor", {"project": ["share"], "billing": ["read"]}, roles)
    assert not has_permission("ghost", {"billing": ["read"]}, roles)
    assert not has_permission("viewer", {}, roles)


class _Roles:
    """A stand-in for the admin plugin's state: ``user.role`` against two roles."""

    def __init__(self) -> None:
        ac = create_access_control(STATEMENTS)
        self.roles = {"manager": ac.new_role({"project": ["delete"]})}

    def user_has_permission(self, user: Record, permissions: Any) -> bool:
        return has_permission(user["role"] or "", permissions, self.roles)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory):
    path = tmp_path_factory.mktemp("access") / "auth.sqlite"
    plugin = Plugin(
        id="admin",
        schema={"user": {"fields": {"role": {"type": "string", "required": False}}}},
        state=lambda options: _Roles(),
    )
    test_app = build_app(f"sqlite:///{path}", plugins=[plugin])
    app = test_app.app

    @app.get("/projects/delete")
    @permission_required({"project": ["delete"]})
    def delete_project():
        return jsonify(deleted=True)

    @app.get("/nav")
    def nav():
        return render_template_string(
            "{% if has_permission({'project': ['delete']}) %}delete{% else %}no{% endif %}"
        )

    client = app.test_client()
    for email in ("boss@example.com", "ann@example.com"):
        body = {"name": "X", "email": email, "password": PASSWORD}
        assert client.post("/api/auth/sign-up/email", json=body).status_code == 200
    sql(test_app, "UPDATE \"user\" SET role = 'manager' WHERE email = 'boss@example.com'")
    yield test_app
    test_app.dispose()


def _signed_in(test_app, email):
    client = test_app.app.test_client()
    body = {"email": email, "password": PASSWORD}
    assert client.post("/api/auth/sign-in/email", json=body).status_code == 200
    return client


def test_permission_required(guarded):
    boss = _signed_in(guarded, "boss@example.com")
    assert boss.get("/projects/delete").get_json() == {"deleted": True}
    assert boss.get("/nav").text == "delete"
    ann = _signed_in(guarded, "ann@example.com")
    refused = ann.get("/projects/delete", headers={"Accept": "text/html"})
    assert refused.status_code == 403
    assert refused.get_json() == {
        "message": "You are not allowed to perform this action",
        "code": "PERMISSION_DENIED",
    }
    assert ann.get("/nav").text == "no"


def test_permission_required_without_a_session(guarded):
    client = guarded.app.test_client()
    page = client.get("/projects/delete", headers={"Accept": "text/html"})
    assert page.status_code == 302
    assert page.headers["Location"] == "/sign-in?next=/projects/delete"
    api = client.get("/projects/delete", headers={"Accept": "application/json"})
    assert (api.status_code, api.get_json()["code"]) == (401, "UNAUTHORIZED")
    assert client.get("/nav").text == "no"


def test_without_the_admin_plugin_the_guard_says_so(tmp_path):
    test_app = build_app(f"sqlite:///{tmp_path}/a.sqlite")

    @test_app.app.get("/guarded")
    @permission_required({"project": ["delete"]})
    def view():
        return "never"

    client = test_app.app.test_client()
    body = {"name": "X", "email": "x@example.com", "password": PASSWORD}
    assert client.post("/api/auth/sign-up/email", json=body).status_code == 200
    with pytest.raises(BetterAuthError, match="admin plugin"):
        client.get("/guarded")
    test_app.dispose()
