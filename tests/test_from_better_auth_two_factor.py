"""A user who turned TOTP on under the real Better Auth signs in here.

``tests/better_auth_db/make_two_factor_db.mjs`` runs Better Auth 1.7.24 with its
``twoFactor`` plugin on a SQLite file: a user signs up, enables TOTP and verifies the
first code, so the file holds the secret and backup codes sealed as Better Auth seals
them. The Flask app, with the same secret and ``two_factor()``, then holds that user's
sign-in and completes it with a TOTP code and, once more, with a backup code.

The Node dependencies must be installed first: ``npm ci --prefix tests/better_auth_db``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pyotp
import pytest

from flask_betterauth.plugins import two_factor
from tests.better_auth_made import MadeDatabase
from tests.better_auth_made import app_on
from tests.better_auth_made import copy_database
from tests.better_auth_made import make_database
from tests.helpers import Caller
from tests.helpers import TestApp


@pytest.fixture(scope="module")
def made_db(tmp_path_factory: pytest.TempPathFactory) -> MadeDatabase:
    """The SQLite file Better Auth made, and what its script printed."""
    return make_database("make_two_factor_db.mjs", tmp_path_factory)


@pytest.fixture
def moved(made_db: MadeDatabase, tmp_path: Path) -> Iterator[TestApp]:
    """The Flask app on a copy of that file, after ``flask auth migrate``."""
    with app_on(copy_database(made_db, tmp_path), plugins=[two_factor()], migrate=True) as app:
        yield app


def _held(test_app: TestApp, user: dict[str, Any]) -> Caller:
    caller = Caller(test_app, "http")
    reply = caller.call("sign_in_email", {"email": user["email"], "password": user["password"]})
    assert reply.status == 200, reply.json
    assert reply.json == {"twoFactorRedirect": True, "twoFactorMethods": ["totp"]}
    return caller


def test_migrate_finds_the_two_factor_schema_complete(moved: TestApp) -> None:
    result = moved.app.test_cli_runner().invoke(args=["auth", "generate"])
    assert "The database already has every table" in result.output


def test_sign_in_with_a_totp_code(moved: TestApp, made_db: MadeDatabase) -> None:
    user = made_db[1]
    caller = _held(moved, user)
    key = parse_qs(urlsplit(user["totpURI"]).query)["secret"][0]
    code = pyotp.TOTP(key + "=" * (-len(key) % 8)).now()
    reply = caller.call("verify_totp", {"code": code})
    assert reply.status == 200, reply.json
    assert reply.json["user"]["id"] == user["userId"]
    assert reply.json["user"]["twoFactorEnabled"] is True
    assert caller.call("get_session").json["user"]["email"] == user["email"]
    uri = caller.call("get_totp_uri", {"password": user["password"]}).json["totpURI"]
    assert parse_qs(urlsplit(uri).query)["secret"][0] == key


def test_sign_in_with_a_backup_code(moved: TestApp, made_db: MadeDatabase) -> None:
    user = made_db[1]
    caller = _held(moved, user)
    reply = caller.call("verify_backup_code", {"code": user["backupCodes"][4]})
    assert reply.status == 200, reply.json
    assert caller.call("get_session").json["user"]["id"] == user["userId"]
    with moved.app.test_request_context():
        left = moved.auth.api.view_backup_codes(body={"userId": user["userId"]})
    assert left["backupCodes"] == [c for c in user["backupCodes"] if c != user["backupCodes"][4]]
