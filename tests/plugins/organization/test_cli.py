"""The plugin's tables reach ``flask auth generate``, ``migrate`` and ``init``."""

from __future__ import annotations

import sqlalchemy as sa

from flask_betterauth.plugins import organization
from flask_betterauth.scaffold import render_auth_py
from flask_betterauth.scaffold import resolve_plugins
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.cli_support import invoke_auth


def test_generate_and_migrate_know_the_organization_schema(database_url):
    test_app = build_bare_app(database_url, plugins=[organization()])
    try:
        generated = invoke_auth(test_app, "generate")
        assert generated.exit_code == 0, generated.output
        for name in ("TABLE organization", "TABLE member", "TABLE invitation"):
            assert name in generated.output
        assert '"activeOrganizationId"' in generated.output
        assert invoke_auth(test_app, "migrate", "--yes").exit_code == 0
        inspector = sa.inspect(engine_of(test_app))
        assert {c["name"] for c in inspector.get_columns("organization")} == {
            "id", "name", "slug", "logo", "createdAt", "metadata",
        }  # fmt: skip
        assert {c["name"] for c in inspector.get_columns("member")} == {
            "id", "organizationId", "userId", "role", "createdAt",
        }  # fmt: skip
        assert {c["name"] for c in inspector.get_columns("invitation")} == {
            "id", "organizationId", "email", "role", "status", "expiresAt", "createdAt",
            "inviterId",
        }  # fmt: skip
        assert "activeOrganizationId" in {c["name"] for c in inspector.get_columns("session")}
        member_indexes = {i["name"] for i in inspector.get_indexes("member")}
        assert {"member_organizationId_idx", "member_userId_idx"} <= member_indexes
        composite = {
            i["name"]: i["column_names"]
            for i in inspector.get_indexes("member")
            if len(i["column_names"]) > 1
        }
        assert composite == {
            "member_organizationId_createdAt_idx": ["organizationId", "createdAt"],
            "member_organizationId_role_idx": ["organizationId", "role"],
        }
        invitation_indexes = {i["name"] for i in inspector.get_indexes("invitation")}
        assert {"invitation_organizationId_idx", "invitation_email_idx"} <= invitation_indexes
        targets = {f["referred_table"] for f in inspector.get_foreign_keys("member")}
        assert targets == {"organization", "user"}
        info = invoke_auth(test_app, "info")
        assert info.exit_code == 0 and "organization" in info.output
    finally:
        engine_of(test_app).dispose()


def test_init_sets_the_plugin_up():
    (setup,) = resolve_plugins("organization")
    text = render_auth_py("shop", "sqlite", [setup])
    assert "from flask_betterauth.plugins import organization" in text
    assert "organization()" in text
