"""A database Better Auth made with its username and bearer plugins, served by Flask.

``tests/better_auth_db/make_username_db.mjs`` runs Better Auth 1.7.24 with ``username()``
and ``bearer()`` on a SQLite file: its migrations add ``username`` and ``displayUsername``,
a user signs up with a username and signs in by it. The Flask app with the same plugins
and secret finds the schema up to date, signs that user in by username, and accepts the
``set-auth-token`` Better Auth gave as a bearer token.

The Node dependencies must be installed first: ``npm ci --prefix tests/better_auth_db``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth.plugins import bearer
from flask_betterauth.plugins import username
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.helpers import TestApp

NODE_DIR = Path(__file__).parent / "better_auth_db"
SECRET = "moving-from-better-auth-secret-0123456789"


@pytest.fixture(scope="module")
def made_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The SQLite file Better Auth made, and what its script printed. Fails (never
    skips) when Node or the pinned packages are missing."""
    if shutil.which("node") is None:
        raise RuntimeError("Node.js is needed: apt-get install nodejs npm")
    if not (NODE_DIR / "node_modules" / "better-auth" / "package.json").is_file():
        raise RuntimeError("run `npm ci --prefix tests/better_auth_db` first")
    path = tmp_path_factory.mktemp("better-auth-username") / "better-auth.sqlite"
    result = subprocess.run(
        ["node", "make_username_db.mjs", str(path), SECRET],
        cwd=NODE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return path, json.loads(result.stdout)


@pytest.fixture
def flask_app(made_db: tuple[Path, dict[str, Any]], tmp_path: Path) -> Any:
    copy = tmp_path / "app.sqlite"
    shutil.copyfile(made_db[0], copy)
    test_app = build_bare_app(
        f"sqlite:///{copy}", {"BETTER_AUTH_SECRET": SECRET}, plugins=[username(), bearer()]
    )
    yield test_app
    engine_of(test_app).dispose()


def test_migrate_finds_the_plugin_columns_in_place(flask_app: TestApp) -> None:
    result = flask_app.app.test_cli_runner().invoke(args=["auth", "migrate", "--yes"])
    assert result.exit_code == 0, result.output
    assert "up to date: nothing to do" in result.output


def test_better_auths_username_user_signs_in_by_username(
    flask_app: TestApp, made_db: tuple[Path, dict[str, Any]]
) -> None:
    person = made_db[1]
    assert person["stored"] == person["username"].lower()
    client = flask_app.app.test_client()
    reply = client.post(
        "/api/auth/sign-in/username",
        json={"username": person["username"].upper(), "password": person["password"]},
    )
    assert reply.status_code == 200, reply.json
    user = reply.json["user"]
    assert user["id"] == person["id"]
    assert (user["username"], user["displayUsername"]) == (person["stored"], person["username"])
    wrong = client.post(
        "/api/auth/sign-in/username",
        json={"username": person["username"], "password": "not-the-password"},
    )
    assert wrong.status_code == 401 and wrong.json["code"] == "INVALID_USERNAME_OR_PASSWORD"


def test_better_auths_set_auth_token_is_a_bearer_here(
    flask_app: TestApp, made_db: tuple[Path, dict[str, Any]]
) -> None:
    person = made_db[1]
    client = flask_app.app.test_client(use_cookies=False)
    reply = client.get(
        "/api/auth/get-session", headers={"Authorization": f"Bearer {person['authToken']}"}
    )
    assert reply.status_code == 200
    assert reply.json["user"]["id"] == person["id"]
