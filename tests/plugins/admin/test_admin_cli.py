"""The admin plugin's fields in the CLI: init, generate, migrate, info."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from flask_betterauth.plugins import admin
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.cli_support import invoke_auth


def test_generate_migrate_and_info_know_the_admin_fields(database_url: str) -> None:
    test_app = build_bare_app(database_url, plugins=[admin()])
    generated = invoke_auth(test_app, "generate")
    assert generated.exit_code == 0, generated.output
    for column in ("role", '"banReason"', '"banExpires"', '"impersonatedBy"', "banned"):
        assert column in generated.output
    assert "user_role_idx" in generated.output or "ix_user_role" in generated.output
    migrated = invoke_auth(test_app, "migrate", "--yes")
    assert migrated.exit_code == 0, migrated.output
    engine = engine_of(test_app)
    inspector = sa.inspect(engine)
    columns = {c["name"] for c in inspector.get_columns("user")}
    assert {"role", "banned", "banReason", "banExpires"} <= columns
    assert "impersonatedBy" in {c["name"] for c in inspector.get_columns("session")}
    assert any(ix["column_names"] == ["role"] for ix in inspector.get_indexes("user"))
    info = invoke_auth(test_app, "info")
    assert info.exit_code == 0 and "admin" in info.output
    engine.dispose()


def test_the_plugin_indexes_user_created_at_and_name(tmp_path: Path) -> None:
    test_app = build_bare_app(f"sqlite:///{tmp_path}/a.sqlite", plugins=[admin()])
    generated = invoke_auth(test_app, "generate")
    assert "createdAt" in generated.output and "INDEX" in generated.output
    assert invoke_auth(test_app, "migrate", "--yes").exit_code == 0
    engine = engine_of(test_app)
    indexed = [ix["column_names"] for ix in sa.inspect(engine).get_indexes("user")]
    assert ["createdAt"] in indexed and ["name"] in indexed
    engine.dispose()
