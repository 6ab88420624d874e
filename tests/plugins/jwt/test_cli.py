"""The ``jwks`` table in ``flask auth generate``/``migrate``/``info``, and
``flask auth init --plugins jwt``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from flask_betterauth.plugins import jwt
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of


def _invoke(test_app: Any, *args: str) -> Any:
    return test_app.app.test_cli_runner().invoke(args=["auth", *args])


def test_generate_migrate_and_info_know_the_jwks_table(database_url: str) -> None:
    test_app = build_bare_app(database_url, plugins=[jwt()])
    try:
        generated = _invoke(test_app, "generate")
        assert generated.exit_code == 0, generated.output
        assert "CREATE TABLE jwks" in generated.output.replace('"', "")
        migrated = _invoke(test_app, "migrate", "--yes")
        assert migrated.exit_code == 0, migrated.output
        columns = {c["name"]: c for c in sa.inspect(engine_of(test_app)).get_columns("jwks")}
        assert set(columns) == {
            "id", "publicKey", "privateKey", "createdAt", "expiresAt", "alg", "crv"
        }  # fmt: skip
        assert not columns["publicKey"]["nullable"] and columns["expiresAt"]["nullable"]
        assert "up to date: nothing to do" in _invoke(test_app, "migrate", "--yes").output
        assert 'plugins: ["jwt"]' in _invoke(test_app, "info").output
        # The plugin works on the migrated table.
        assert test_app.app.test_client().get("/api/auth/jwks").json["keys"][0]["kty"] == "OKP"
    finally:
        engine_of(test_app).dispose()


def test_init_sets_the_plugin_up(tmp_path: Path) -> None:
    test_app = build_bare_app(f"sqlite:///{tmp_path}/cli.sqlite")
    target = tmp_path / "new-app"
    result = _invoke(test_app, "init", "--directory", str(target), "--plugins", "jwt", "--yes")
    assert result.exit_code == 0, result.output
    auth_py = (target / "auth.py").read_text()
    compile(auth_py, "auth.py", "exec")
    assert "from flask_betterauth.plugins import jwt\n" in auth_py
    assert "plugins=[jwt()]" in auth_py
