"""The plugin's table and field reach ``flask auth generate``, ``migrate`` and ``init``."""

from __future__ import annotations

import sqlalchemy as sa

from flask_betterauth.plugins import two_factor
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.cli_support import invoke_auth


def test_generate_and_migrate_know_the_two_factor_schema(database_url):
    test_app = build_bare_app(database_url, plugins=[two_factor()])
    try:
        generated = invoke_auth(test_app, "generate")
        assert generated.exit_code == 0, generated.output
        assert '"twoFactor"' in generated.output and '"twoFactorEnabled"' in generated.output
        assert '"failedVerificationCount"' in generated.output
        assert invoke_auth(test_app, "migrate", "--yes").exit_code == 0
        inspector = sa.inspect(engine_of(test_app))
        columns = {c["name"] for c in inspector.get_columns("twoFactor")}
        assert columns == {
            "id",
            "secret",
            "backupCodes",
            "userId",
            "verified",
            "failedVerificationCount",
            "lockedUntil",
        }
        assert "twoFactorEnabled" in {c["name"] for c in inspector.get_columns("user")}
        indexes = {i["name"] for i in inspector.get_indexes("twoFactor")}
        assert {"twoFactor_secret_idx", "twoFactor_userId_idx"} <= indexes
        (foreign,) = inspector.get_foreign_keys("twoFactor")
        assert foreign["referred_table"] == "user"
        assert foreign["options"].get("ondelete", "").upper() == "CASCADE"
    finally:
        engine_of(test_app).dispose()
