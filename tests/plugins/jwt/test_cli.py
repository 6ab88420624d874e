"""The ``jwks`` table in ``flask auth generate``/``migrate``/``info``, and
``flask auth init --plugins jwt``."""

from __future__ import annotations

import sqlalchemy as sa

from flask_betterauth.plugins import jwt
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.cli_support import invoke_auth


def test_generate_migrate_and_info_know_the_jwks_table(database_url: str) -> None:
    test_app = build_bare_app(database_url, plugins=[jwt()])
    try:
        generated = invoke_auth(test_app, "generate")
        assert generated.exit_code == 0, generated.output
        assert "CREATE TABLE jwks" in generated.output.replace('"', "")
        migrated = invoke_auth(test_app, "migrate", "--yes")
        assert migrated.exit_code == 0, migrated.output
        columns = {c["name"]: c for c in sa.inspect(engine_of(test_app)).get_columns("jwks")}
        assert set(columns) == {
            "id", "publicKey", "privateKey", "createdAt", "expiresAt", "alg", "crv"
        }  # fmt: skip
        assert not columns["publicKey"]["nullable"] and columns["expiresAt"]["nullable"]
        assert "up to date: nothing to do" in invoke_auth(test_app, "migrate", "--yes").output
        assert 'plugins: ["jwt"]' in invoke_auth(test_app, "info").output
        # The plugin works on the migrated table.
        assert test_app.app.test_client().get("/api/auth/jwks").json["keys"][0]["kty"] == "OKP"
    finally:
        engine_of(test_app).dispose()
