"""A database Better Auth made with its admin plugin, served by Flask.

``tests/better_auth_db/make_admin_db.mjs`` runs Better Auth 1.7.24 with ``admin()`` on a
SQLite file: an admin (Ada), a user banned for good (Bob) and one whose ban ended (Cy).
The Flask app with ``admin()`` and the same secret takes Ada's Better Auth session, lets
her list and manage users, refuses Bob's sign-in and lifts Cy's expired ban.

The Node dependencies must be installed first: ``npm ci --prefix tests/better_auth_db``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from pathlib import Path

import pytest

from flask_betterauth.plugins import admin
from tests.better_auth_made import ACCOUNT_INDEX_STEP
from tests.better_auth_made import SECRET
from tests.better_auth_made import MadeDatabase
from tests.better_auth_made import app_on
from tests.better_auth_made import copy_database
from tests.better_auth_made import make_database
from tests.better_auth_made import run_migrate
from tests.helpers import Clock
from tests.helpers import TestApp
from tests.helpers import set_clock
from tests.spec_snippets import sign_cookie_value


@pytest.fixture(scope="module")
def made_db(tmp_path_factory: pytest.TempPathFactory) -> MadeDatabase:
    return make_database("make_admin_db.mjs", tmp_path_factory)


@pytest.fixture
def flask_app(made_db: MadeDatabase, tmp_path: Path) -> Iterator[TestApp]:
    later = Clock()
    later.now = datetime.now(timezone.utc) + timedelta(hours=1)  # Cy's 1-second ban is over
    set_clock(later)
    try:
        with app_on(copy_database(made_db, tmp_path), plugins=[admin()]) as test_app:
            yield test_app
    finally:
        set_clock(None)


def test_migrate_adds_only_the_three_indexes(flask_app: TestApp) -> None:
    output = run_migrate(flask_app)
    assert "4 change(s) to make" in output and ACCOUNT_INDEX_STEP in output
    assert '+ create index "user_createdAt_idx" on "user" ("createdAt")' in output
    assert '+ create index "user_name_idx" on "user" ("name")' in output
    assert '+ create index "user_role_idx" on "user" ("role")' in output


def test_better_auths_admin_session_manages_users(
    flask_app: TestApp, made_db: MadeDatabase
) -> None:
    people = made_db[1]
    client = flask_app.app.test_client()
    cookie = sign_cookie_value(people["adaToken"], SECRET)
    client.set_cookie("better-auth.session_token", cookie, domain="localhost")
    listed = client.get("/api/auth/admin/list-users", query_string={"sortBy": "email"})
    assert listed.status_code == 200, listed.json
    users = {u["email"]: u for u in listed.json["users"]}
    assert listed.json["total"] == 3
    assert users["ada@example.com"]["role"] == "admin"
    bob = users["bob@example.com"]
    assert (bob["banned"], bob["banReason"], bob["banExpires"]) == (True, "spam", None)
    assert users["cy@example.com"]["banExpires"].endswith("Z")

    refused = flask_app.app.test_client().post(
        "/api/auth/sign-in/email", json={"email": "bob@example.com", "password": "bob-password-2"}
    )
    assert (refused.status_code, refused.json["code"]) == (403, "BANNED_USER")
    lifted = flask_app.app.test_client().post(
        "/api/auth/sign-in/email", json={"email": "cy@example.com", "password": "cy-password-3"}
    )
    assert lifted.status_code == 200, lifted.json
    assert (
        client.get("/api/auth/admin/get-user", query_string={"id": people["cy"]["id"]}).json[
            "banned"
        ]
        is False
    )

    assert (
        client.post("/api/auth/admin/unban-user", json={"userId": people["bob"]["id"]}).json[
            "user"
        ]["banned"]
        is False
    )
    again = flask_app.app.test_client().post(
        "/api/auth/sign-in/email", json={"email": "bob@example.com", "password": "bob-password-2"}
    )
    assert again.status_code == 200
    started = client.post("/api/auth/admin/impersonate-user", json={"userId": people["bob"]["id"]})
    assert started.status_code == 200 and started.json["user"]["email"] == "bob@example.com"
    assert (
        client.post("/api/auth/admin/stop-impersonating").json["user"]["id"] == people["ada"]["id"]
    )
