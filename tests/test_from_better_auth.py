"""A database written by the real Better Auth, served by Flask.

``tests/better_auth_db/make_db.mjs`` runs Better Auth 1.7.24 (npm, pinned with a lock
file) on a SQLite file: its own migrations create the tables, two users sign up with
passwords (scrypt hashes) and one signs in again, so the file holds three sessions. The
script prints the users, their passwords and the session cookies Better Auth set.

The Flask app then points at that file with the same secret. After the documented step
(``flask auth migrate``, which finds nothing to do), it signs those users in with their
passwords (upgrading their hashes to bcrypt), accepts the cookies Better Auth minted, and
lists and ends their sessions.

The Node dependencies must be installed first: ``npm ci --prefix tests/better_auth_db``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth import migrations
from flask_betterauth.passwords import BCRYPT_PREFIX
from tests.better_auth_made import ACCOUNT_INDEX_STEP
from tests.better_auth_made import SECRET
from tests.better_auth_made import MadeDatabase
from tests.better_auth_made import app_on
from tests.better_auth_made import copy_database
from tests.better_auth_made import make_database
from tests.cli_support import build_bare_app
from tests.cli_support import engine_of
from tests.helpers import TestApp

COOKIE = "better-auth.session_token"


@pytest.fixture(scope="module")
def better_auth_db(tmp_path_factory: pytest.TempPathFactory) -> MadeDatabase:
    """A SQLite file Better Auth made, and what its script printed."""
    return make_database("make_db.mjs", tmp_path_factory)


@pytest.fixture
def made(better_auth_db: MadeDatabase) -> dict[str, Any]:
    """The users Better Auth made, with their passwords and session cookies."""
    return better_auth_db[1]


@pytest.fixture
def db_path(better_auth_db: MadeDatabase, tmp_path: Path) -> Path:
    """A copy of Better Auth's database for this test alone."""
    return copy_database(better_auth_db, tmp_path)


@pytest.fixture
def flask_app(db_path: Path) -> Iterator[TestApp]:
    """The Flask app on Better Auth's database, same secret, after ``flask auth migrate``."""
    with app_on(db_path, migrate=True) as test_app:
        yield test_app


def _rows(path: Path, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(query, params).fetchall()


def _password_hash(path: Path, user_id: str) -> str:
    ((stored,),) = _rows(
        path,
        """select password from account where "userId" = ? and "providerId" = 'credential'""",
        user_id,
    )
    return str(stored)


def test_migrate_adds_only_the_account_index(db_path: Path) -> None:
    query = "select type, name, sql from sqlite_master order by name"
    before = _rows(db_path, query)
    test_app = build_bare_app(f"sqlite:///{db_path}", {"BETTER_AUTH_SECRET": SECRET})
    result = test_app.app.test_cli_runner().invoke(args=["auth", "migrate", "--yes"])
    assert result.exit_code == 0, result.output
    assert "1 change(s) to make" in result.output and ACCOUNT_INDEX_STEP in result.output
    again = test_app.app.test_cli_runner().invoke(args=["auth", "migrate", "--yes"])
    assert "up to date: nothing to do" in again.output
    plan = migrations.plan_migration(
        engine_of(test_app), test_app.app.extensions["betterauth"].models.tables.values()
    )
    assert plan.empty and plan.warnings == [] and plan.refusals == []
    added = [row for row in _rows(db_path, query) if row not in before]
    assert [row[1] for row in added] == ["account_providerId_accountId_uidx"]
    assert len(_rows(db_path, query)) == len(before) + 1
    engine_of(test_app).dispose()


def test_users_sign_in_with_their_passwords_and_hashes_move_to_bcrypt(
    flask_app: TestApp, made: dict[str, Any], db_path: Path
) -> None:
    client = flask_app.app.test_client()
    for user in made["users"]:
        assert ":" in _password_hash(db_path, user["id"])  # Better Auth's scrypt salt:key
        reply = client.post(
            "/api/auth/sign-in/email", json={"email": user["email"], "password": user["password"]}
        )
        assert reply.status_code == 200, reply.json
        assert reply.json["user"]["id"] == user["id"]
        assert reply.json["user"]["name"] == user["name"]
        assert reply.json["user"]["emailVerified"] is False
        assert _password_hash(db_path, user["id"]).startswith(BCRYPT_PREFIX)
        again = client.post(
            "/api/auth/sign-in/email", json={"email": user["email"], "password": user["password"]}
        )
        assert again.status_code == 200
        wrong = client.post(
            "/api/auth/sign-in/email", json={"email": user["email"], "password": "not-it-at-all"}
        )
        assert wrong.status_code == 401
        assert wrong.json["code"] == "INVALID_EMAIL_OR_PASSWORD"


def test_cookies_better_auth_minted_are_accepted(flask_app: TestApp, made: dict[str, Any]) -> None:
    client = flask_app.app.test_client(use_cookies=False)
    for user in made["users"]:
        for session in user["sessions"]:
            reply = client.get(
                "/api/auth/get-session", headers={"Cookie": f"{COOKIE}={session['cookie']}"}
            )
            assert reply.status_code == 200
            assert reply.json["user"]["email"] == user["email"]
            assert reply.json["session"]["token"] == session["token"]
            assert reply.json["session"]["userId"] == user["id"]
            created = datetime.fromisoformat(reply.json["user"]["createdAt"].replace("Z", "+00:00"))
            assert created.tzinfo is not None


def test_a_forged_cookie_is_refused(flask_app: TestApp, made: dict[str, Any]) -> None:
    token = made["users"][0]["sessions"][0]["token"]
    client = flask_app.app.test_client(use_cookies=False)
    reply = client.get(
        "/api/auth/get-session", headers={"Cookie": f"{COOKIE}={token}.{'A' * 43}%3D"}
    )
    assert reply.status_code == 200
    assert reply.json is None


def test_sessions_better_auth_made_are_listed(flask_app: TestApp, made: dict[str, Any]) -> None:
    ann = made["users"][0]
    client = flask_app.app.test_client(use_cookies=False)
    reply = client.get(
        "/api/auth/list-sessions", headers={"Cookie": f"{COOKIE}={ann['sessions'][0]['cookie']}"}
    )
    assert reply.status_code == 200, reply.json
    assert sorted(s["token"] for s in reply.json) == sorted(s["token"] for s in ann["sessions"])
    assert {s["userAgent"] for s in reply.json} == {"better-auth-sign-up", "better-auth-sign-in-0"}


def test_a_better_auth_session_can_be_ended(
    flask_app: TestApp, made: dict[str, Any], db_path: Path
) -> None:
    bob = made["users"][1]
    (session,) = bob["sessions"]
    headers = {"Cookie": f"{COOKIE}={session['cookie']}"}
    client = flask_app.app.test_client(use_cookies=False)
    assert client.post("/api/auth/sign-out", json={}, headers=headers).json == {"success": True}
    assert _rows(db_path, "select count(*) from session where token = ?", session["token"]) == [
        (0,)
    ]
    assert client.get("/api/auth/get-session", headers=headers).json is None


def test_new_sessions_are_stored_hashed_beside_better_auths(
    flask_app: TestApp, made: dict[str, Any], db_path: Path
) -> None:
    ann = made["users"][0]
    client = flask_app.app.test_client()
    reply = client.post(
        "/api/auth/sign-in/email", json={"email": ann["email"], "password": ann["password"]}
    )
    token = reply.json["token"]
    stored = [row[0] for row in _rows(db_path, "select token from session")]
    assert token not in stored
    assert {s["token"] for u in made["users"] for s in u["sessions"]} < set(stored)
    assert client.get("/api/auth/get-session").json["session"]["token"] == token


def test_an_added_field_is_migrated_onto_better_auths_tables(
    db_path: Path, made: dict[str, Any]
) -> None:
    fields = {"nickname": {"type": "string", "required": True, "default_value": "friend"}}
    test_app = build_bare_app(
        f"sqlite:///{db_path}", {"BETTER_AUTH_SECRET": SECRET}, user={"additional_fields": fields}
    )
    runner = test_app.app.test_cli_runner()
    result = runner.invoke(args=["auth", "migrate", "--yes"])
    assert result.exit_code == 0, result.output
    assert 'add column "user"."nickname"' in result.output
    assert _rows(db_path, 'select distinct nickname from "user"') == [("friend",)]
    ann = made["users"][0]
    reply = test_app.app.test_client().post(
        "/api/auth/sign-in/email", json={"email": ann["email"], "password": ann["password"]}
    )
    assert reply.status_code == 200
    assert reply.json["user"]["nickname"] == "friend"
    assert "nothing to do" in runner.invoke(args=["auth", "migrate", "--yes"]).output
    engine_of(test_app).dispose()
