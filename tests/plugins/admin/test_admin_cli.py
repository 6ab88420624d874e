"""The admin plugin's fields in the CLI: init, generate, migrate, info."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from flask_betterauth.plugins import admin
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of


def _invoke(app: Any, *args: str) -> Any:
    return app.app.test_cli_runner().invoke(args=["auth", *args])


def test_init_sets_up_admin(tmp_path: Path) -> None:
    test_app = build_bare_app(f"sqlite:///{tmp_path}/a.sqlite")
    target = tmp_path / "new-app"
    result = _invoke(test_app, "init", "-d", str(target), "--plugins", "admin", "--yes")
    assert result.exit_code == 0, result.output
    auth_py = (target / "auth.py").read_text()
    assert "from flask_betterauth.plugins import admin" in auth_py
    assert "plugins=[admin()]" in auth_py
    engine_of(test_app).dispose()


def test_generate_migrate_and_info_know_the_admin_fields(database_url: str) -> None:
    test_app = build_bare_app(database_url, plugins=[admin()])
    generated = _invoke(test_app, "generate")
    assert generated.exit_code == 0, generated.output
    for column in ("role", '"banReason"', '"banExpires"', '"impersonatedBy"', "banned"):
        assert column in generated.output
    assert "user_role_idx" in generated.output or "ix_user_role" in generated.output
    migrated = _invoke(test_app, "migrate", "--yes")
    assert migrated.exit_code == 0, migrated.output
    engine = engine_of(test_app)
    inspector = sa.inspect(engine)
    columns = {c["name"] for c in inspector.get_columns("user")}
    assert {"role", "banned", "banReason", "banExpires"} <= columns
    assert "impersonatedBy" in {c["name"] for c in inspector.get_columns("session")}
    assert any(ix["column_names"] == ["role"] for ix in inspector.get_indexes("user"))
    info = _invoke(test_app, "info")
    assert info.exit_code == 0 and "admin" in info.output
    engine.dispose()


def test_the_plugin_indexes_user_created_at(tmp_path: Path) -> None:
    test_app = build_bare_app(f"sqlite:///{tmp_path}/a.sqlite", plugins=[admin()])
    generated = _invoke(test_app, "generate")
    assert "createdAt" in generated.output and "INDEX" in generated.output
    assert _invoke(test_app, "migrate", "--yes").exit_code == 0
    engine = engine_of(test_app)
    indexed = [ix["column_names"] for ix in sa.inspect(engine).get_indexes("user")]
    assert ["createdAt"] in indexed
    engine.dispose()
