"""The anonymous and multi-session plugins in the CLI: init, generate, migrate, info."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from flask_betterauth.plugins import anonymous
from flask_betterauth.plugins import multi_session
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of


def _invoke(app: Any, *args: str) -> Any:
    return app.app.test_cli_runner().invoke(args=["auth", *args])


def test_init_sets_up_anonymous_and_multi_session(tmp_path: Path) -> None:
    test_app = build_bare_app(f"sqlite:///{tmp_path}/auth.sqlite")
    target = tmp_path / "new-app"
    plugins = "anonymous,multi-session"
    result = _invoke(test_app, "init", "-d", str(target), "--plugins", plugins, "--yes")
    assert result.exit_code == 0, result.output
    auth_py = (target / "auth.py").read_text()
    assert "plugins=[anonymous(), multi_session()]" in auth_py
    engine_of(test_app).dispose()


def test_generate_migrate_and_info_know_is_anonymous(database_url: str) -> None:
    test_app = build_bare_app(database_url, plugins=[anonymous(), multi_session()])
    generated = _invoke(test_app, "generate")
    assert generated.exit_code == 0, generated.output
    assert '"isAnonymous" BOOLEAN' in generated.output
    migrated = _invoke(test_app, "migrate", "--yes")
    assert migrated.exit_code == 0, migrated.output
    engine = engine_of(test_app)
    assert "isAnonymous" in {c["name"] for c in sa.inspect(engine).get_columns("user")}
    info = _invoke(test_app, "info")
    assert info.exit_code == 0 and "anonymous" in info.output
    assert "multi-session" in info.output
    engine.dispose()
