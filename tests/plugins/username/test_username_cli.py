"""The username plugin's fields in the CLI: init, generate, migrate, info."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from flask_betterauth.plugins import bearer
from flask_betterauth.plugins import username
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of


def _invoke(app: Any, *args: str) -> Any:
    return app.app.test_cli_runner().invoke(args=["auth", *args])


def test_init_sets_up_username_and_bearer(database_url: str, tmp_path: Path) -> None:
    test_app = build_bare_app(database_url)
    target = tmp_path / "new-app"
    result = _invoke(test_app, "init", "-d", str(target), "--plugins", "username,bearer", "--yes")
    assert result.exit_code == 0, result.output
    auth_py = (target / "auth.py").read_text()
    assert "from flask_betterauth.plugins import username" in auth_py
    assert "plugins=[username(), bearer()]" in auth_py
    engine_of(test_app).dispose()


def test_generate_migrate_and_info_know_the_username_fields(database_url: str) -> None:
    test_app = build_bare_app(database_url, plugins=[username(), bearer()])
    generated = _invoke(test_app, "generate")
    assert generated.exit_code == 0, generated.output
    assert "\tusername TEXT, " in generated.output
    assert '"displayUsername" TEXT' in generated.output
    assert "UNIQUE (username)" in generated.output
    migrated = _invoke(test_app, "migrate", "--yes")
    assert migrated.exit_code == 0, migrated.output
    engine = engine_of(test_app)
    columns = {c["name"] for c in sa.inspect(engine).get_columns("user")}
    assert {"username", "displayUsername"} <= columns
    info = _invoke(test_app, "info")
    assert info.exit_code == 0 and "username" in info.output
    engine.dispose()
