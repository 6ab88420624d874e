"""``current_organization``, ``current_member``, ``@organization_required`` and
``@permission_required(..., organization=True)`` in an app's own views and templates."""

from __future__ import annotations

from typing import Any

import pytest
from flask import jsonify
from flask import render_template_string

from flask_betterauth import current_member
from flask_betterauth import current_organization
from flask_betterauth import organization_required
from flask_betterauth import permission_required
from flask_betterauth.plugins import organization
from tests.helpers import PASSWORD
from tests.helpers import build_app

JSON = {"Accept": "application/json"}


@pytest.fixture(scope="module")
def glue_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    test_app = build_app(
        f"sqlite:///{tmp_path_factory.mktemp('glue')}/a.sqlite", plugins=[organization()]
    )
    app = test_app.app

    @app.get("/dashboard")
    @organization_required
    def dashboard() -> Any:
        return jsonify(org=current_organization["slug"], role=current_member["role"])

    @app.get("/danger")
    @permission_required({"organization": ["delete"]}, organization=True)
    def danger() -> Any:
        return "deleted"

    @app.get("/nav")
    def nav() -> str:
        return render_template_string(
            "{{ current_organization.name if current_organization else 'none' }}|"
            "{{ current_member.role if current_member else '-' }}|"
            "{{ has_permission({'invitation': ['create']}, organization=True) }}"
        )

    yield test_app
    with app.app_context():
        test_app.db.engine.dispose()


def client_for(glue_app: Any, name: str) -> Any:
    client = glue_app.app.test_client()
    body = {"name": name, "email": f"{name}@example.com", "password": PASSWORD}
    assert client.post("/api/auth/sign-up/email", json=body).status_code == 200
    return client


def test_views_and_templates_see_the_active_organization(glue_app):
    ann = client_for(glue_app, "ann")
    bob = client_for(glue_app, "bob")
    anonymous = glue_app.app.test_client()
    assert anonymous.get("/dashboard", headers=JSON).status_code == 401
    assert anonymous.get("/nav").text == "none|-|False"
    refused = ann.get("/dashboard", headers=JSON)
    assert (refused.status_code, refused.get_json()["code"]) == (403, "NO_ACTIVE_ORGANIZATION")
    org = ann.post("/api/auth/organization/create", json={"name": "Acme", "slug": "acme"})
    assert org.status_code == 200
    assert ann.get("/dashboard", headers=JSON).get_json() == {"org": "acme", "role": "owner"}
    assert ann.get("/danger", headers=JSON).text == "deleted"
    assert ann.get("/nav").text == "Acme|owner|True"

    invite = {"email": "bob@example.com", "role": "member"}
    invitation = ann.post("/api/auth/organization/invite-member", json=invite).get_json()
    accept = {"invitationId": invitation["id"]}
    assert bob.post("/api/auth/organization/accept-invitation", json=accept).status_code == 200
    assert bob.get("/dashboard", headers=JSON).get_json() == {"org": "acme", "role": "member"}
    denied = bob.get("/danger", headers=JSON)
    assert (denied.status_code, denied.get_json()["code"]) == (403, "PERMISSION_DENIED")
    assert bob.get("/nav").text == "Acme|member|False"
    # removed from the organization: no longer its member, whatever the session says
    members = ann.get("/api/auth/organization/list-members").get_json()["members"]
    bob_id = next(m["id"] for m in members if m["user"]["email"] == "bob@example.com")
    removed = ann.post("/api/auth/organization/remove-member", json={"memberIdOrEmail": bob_id})
    assert removed.status_code == 200
    assert bob.get("/dashboard", headers=JSON).status_code == 403
    assert bob.get("/nav").text == "none|-|False"
