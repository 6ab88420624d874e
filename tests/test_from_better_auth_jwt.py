"""A database Better Auth made with its ``jwt()`` plugin, served by Flask with ``jwt()``.

``tests/better_auth_db/make_jwt_db.mjs`` runs Better Auth 1.7.24 with ``jwt()``: it
migrates the ``jwks`` table, signs a user up and asks for a token, which makes its key
pair (the private key encrypted with the secret). Flask, on that file with the same
secret, finds nothing to migrate, serves Better Auth's key at ``/jwks``, verifies Better
Auth's token, and signs its own tokens with Better Auth's private key, which proves it
decrypts Better Auth's envelope.

Needs ``npm ci --prefix tests/better_auth_db``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth import migrations
from flask_betterauth.plugins import jwt
from flask_betterauth.plugins.jwt_plugin import verify_jwt
from tests.better_auth_made import ACCOUNT_INDEX_STEP
from tests.better_auth_made import MadeDatabase
from tests.better_auth_made import app_on
from tests.better_auth_made import copy_database
from tests.better_auth_made import make_database
from tests.cli_support import engine_of
from tests.helpers import TestApp

ORIGIN = "http://localhost"


@pytest.fixture(scope="module")
def better_auth_db(tmp_path_factory: pytest.TempPathFactory) -> MadeDatabase:
    """A SQLite file Better Auth made with ``jwt()``, and what its script printed."""
    return make_database("make_jwt_db.mjs", tmp_path_factory)


@pytest.fixture
def made(better_auth_db: MadeDatabase) -> dict[str, Any]:
    return better_auth_db[1]


@pytest.fixture
def flask_app(better_auth_db: MadeDatabase, tmp_path: Path) -> Iterator[TestApp]:
    """The Flask app with ``jwt()`` on a copy of Better Auth's database, same secret."""
    with app_on(copy_database(better_auth_db, tmp_path), plugins=[jwt()]) as test_app:
        yield test_app


def _header(token: str) -> dict[str, Any]:
    text = token.split(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))))


def test_migrate_finds_the_jwks_table_as_it_should_be(flask_app: TestApp) -> None:
    plan = migrations.plan_migration(
        engine_of(flask_app), flask_app.app.extensions["betterauth"].models.tables.values()
    )
    assert [step.describe() for step in plan.steps] == [ACCOUNT_INDEX_STEP[2:]]
    assert plan.warnings == []


def test_better_auths_key_is_served_and_its_token_verifies(
    flask_app: TestApp, made: dict[str, Any]
) -> None:
    client = flask_app.app.test_client()
    assert client.get("/api/auth/jwks").json == made["jwks"]
    with flask_app.app.test_request_context():
        payload = flask_app.auth.api.verify_jwt(body={"token": made["token"]})["payload"]
    assert payload["sub"] == made["user"]["id"]
    assert payload["email"] == made["user"]["email"]


def test_tokens_here_are_signed_with_better_auths_private_key(
    flask_app: TestApp, made: dict[str, Any]
) -> None:
    client = flask_app.app.test_client()
    user = made["user"]
    signed_in = client.post(
        "/api/auth/sign-in/email", json={"email": user["email"], "password": user["password"]}
    )
    assert signed_in.status_code == 200, signed_in.json
    token = client.get("/api/auth/token").json["token"]
    [key] = made["jwks"]["keys"]
    assert _header(token) == {"alg": "EdDSA", "kid": key["kid"]}
    claims = verify_jwt(token, made["jwks"], issuer=ORIGIN, audience=ORIGIN)
    assert claims["sub"] == user["id"]
    assert client.get("/api/auth/jwks").json == made["jwks"]  # no key of our own was made
