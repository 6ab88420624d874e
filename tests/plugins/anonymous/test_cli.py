"""The anonymous and multi-session plugins in the CLI: init, generate, migrate, info."""

from __future__ import annotations

import sqlalchemy as sa

from flask_betterauth.plugins import anonymous
from flask_betterauth.plugins import multi_session
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.cli_support import invoke_auth


def test_generate_migrate_and_info_know_is_anonymous(database_url: str) -> None:
    test_app = build_bare_app(database_url, plugins=[anonymous(), multi_session()])
    generated = invoke_auth(test_app, "generate")
    assert generated.exit_code == 0, generated.output
    assert '"isAnonymous" BOOLEAN' in generated.output
    migrated = invoke_auth(test_app, "migrate", "--yes")
    assert migrated.exit_code == 0, migrated.output
    engine = engine_of(test_app)
    assert "isAnonymous" in {c["name"] for c in sa.inspect(engine).get_columns("user")}
    info = invoke_auth(test_app, "info")
    assert info.exit_code == 0 and "anonymous" in info.output
    assert "multi-session" in info.output
    engine.dispose()
