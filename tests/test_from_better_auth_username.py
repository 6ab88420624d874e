"""A database Better Auth made with its username and bearer plugins, served by Flask.

``tests/better_auth_db/make_username_db.mjs`` runs Better Auth 1.7.24 with ``username()``
and ``bearer()`` on a SQLite file: its migrations add ``username`` and ``displayUsername``,
a user signs up with a username and signs in by it. The Flask app with the same plugins
and secret finds the schema up to date, signs that user in by username, and accepts the
``set-auth-token`` Better Auth gave as a bearer token.

The Node dependencies must be installed first: ``npm ci --prefix tests/better_auth_db``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flask_betterauth.plugins import bearer
from flask_betterauth.plugins import username
from tests.better_auth_made import ACCOUNT_INDEX_STEP
from tests.better_auth_made import MadeDatabase
from tests.better_auth_made import app_on
from tests.better_auth_made import copy_database
from tests.better_auth_made import make_database
from tests.helpers import TestApp


@pytest.fixture(scope="module")
def made_db(tmp_path_factory: pytest.TempPathFactory) -> MadeDatabase:
    """The SQLite file Better Auth made, and what its script printed."""
    return make_database("make_username_db.mjs", tmp_path_factory)


@pytest.fixture
def flask_app(made_db: MadeDatabase, tmp_path: Path) -> Iterator[TestApp]:
    with app_on(copy_database(made_db, tmp_path), plugins=[username(), bearer()]) as test_app:
        yield test_app


def test_migrate_finds_the_plugin_columns_in_place(flask_app: TestApp) -> None:
    result = flask_app.app.test_cli_runner().invoke(args=["auth", "migrate", "--yes"])
    assert result.exit_code == 0, result.output
    assert "1 change(s) to make" in result.output and ACCOUNT_INDEX_STEP in result.output


def test_better_auths_username_user_signs_in_by_username(
    flask_app: TestApp, made_db: MadeDatabase
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
    flask_app: TestApp, made_db: MadeDatabase
) -> None:
    person = made_db[1]
    client = flask_app.app.test_client(use_cookies=False)
    reply = client.get(
        "/api/auth/get-session", headers={"Authorization": f"Bearer {person['authToken']}"}
    )
    assert reply.status_code == 200
    assert reply.json["user"]["id"] == person["id"]
