"""The ``passkey`` table reaches ``flask auth generate``, ``migrate``, ``info`` and ``init``."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from flask_betterauth.plugins import passkey
from flask_betterauth.scaffold import render_auth_py
from flask_betterauth.scaffold import resolve_plugins
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of


def _invoke(test_app: Any, *args: str) -> Any:
    return test_app.app.test_cli_runner().invoke(args=["auth", *args])


def test_generate_migrate_and_info_know_the_passkey_table(database_url: str) -> None:
    test_app = build_bare_app(database_url, plugins=[passkey()])
    try:
        generated = _invoke(test_app, "generate")
        assert generated.exit_code == 0, generated.output
        assert "CREATE TABLE passkey" in generated.output
        assert '"credentialID"' in generated.output
        assert _invoke(test_app, "migrate", "--yes").exit_code == 0
        inspector = sa.inspect(engine_of(test_app))
        columns = {c["name"]: c for c in inspector.get_columns("passkey")}
        assert set(columns) == {
            "id", "name", "publicKey", "userId", "credentialID", "counter",
            "deviceType", "backedUp", "transports", "createdAt", "aaguid",
        }  # fmt: skip
        assert columns["name"]["nullable"] and not columns["publicKey"]["nullable"]
        assert not columns["counter"]["nullable"] and columns["createdAt"]["nullable"]
        indexes = {i["name"]: i for i in inspector.get_indexes("passkey")}
        assert {"passkey_userId_idx", "passkey_credentialID_idx"} <= set(indexes)
        assert not indexes["passkey_credentialID_idx"]["unique"]
        (foreign,) = inspector.get_foreign_keys("passkey")
        assert foreign["referred_table"] == "user"
        assert foreign["options"].get("ondelete", "").upper() == "CASCADE"
        info = _invoke(test_app, "info")
        assert info.exit_code == 0 and "passkey" in info.output
    finally:
        engine_of(test_app).dispose()


def test_init_sets_the_plugin_up() -> None:
    (setup,) = resolve_plugins("passkey")
    text = render_auth_py("shop", "sqlite", [setup])
    assert "from flask_betterauth.plugins import passkey" in text
    assert "passkey()" in text
