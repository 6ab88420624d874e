"""The username plugin's fields in the CLI: init, generate, migrate, info."""

from __future__ import annotations

import sqlalchemy as sa

from flask_betterauth.plugins import bearer
from flask_betterauth.plugins import username
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.cli_support import invoke_auth


def test_generate_migrate_and_info_know_the_username_fields(database_url: str) -> None:
    test_app = build_bare_app(database_url, plugins=[username(), bearer()])
    generated = invoke_auth(test_app, "generate")
    assert generated.exit_code == 0, generated.output
    assert "\tusername TEXT, " in generated.output
    assert '"displayUsername" TEXT' in generated.output
    assert "UNIQUE (username)" in generated.output
    migrated = invoke_auth(test_app, "migrate", "--yes")
    assert migrated.exit_code == 0, migrated.output
    engine = engine_of(test_app)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("user")}
    assert {"username", "displayUsername"} <= columns
    info = invoke_auth(test_app, "info")
    assert info.exit_code == 0 and "username" in info.output
    engine.dispose()
