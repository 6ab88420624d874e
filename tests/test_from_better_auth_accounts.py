"""A database Better Auth made with its anonymous and multi-session plugins, served by
Flask.

``tests/better_auth_db/make_accounts_db.mjs`` runs Better Auth 1.7.24 with ``anonymous()``
and ``multiSession()`` on a SQLite file: its migrations add ``user.isAnonymous``, a guest
signs in anonymously, and two people sign up in one browser, which then holds Better
Auth's own ``_multi-`` cookies. The Flask app with the same plugins and secret finds the
schema up to date, serves the guest (``isAnonymous``) and links it on sign-up, and
understands the multi-session cookies exactly as Better Auth set them.

The Node dependencies must be installed first: ``npm ci --prefix tests/better_auth_db``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth.plugins import anonymous
from flask_betterauth.plugins import multi_session
from tests.better_auth_made import ACCOUNT_INDEX_STEP
from tests.better_auth_made import MadeDatabase
from tests.better_auth_made import app_on
from tests.better_auth_made import copy_database
from tests.better_auth_made import make_database
from tests.helpers import TestApp
from tests.helpers import rows

MULTI = "better-auth.session_token_multi-"


@pytest.fixture(scope="module")
def made_db(tmp_path_factory: pytest.TempPathFactory) -> MadeDatabase:
    """The SQLite file Better Auth made, and what its script printed."""
    return make_database("make_accounts_db.mjs", tmp_path_factory)


@pytest.fixture
def flask_app(made_db: MadeDatabase, tmp_path: Path) -> Iterator[TestApp]:
    plugins = [anonymous(), multi_session()]
    with app_on(copy_database(made_db, tmp_path), plugins=plugins) as test_app:
        yield test_app


def cookie_header(jar: dict[str, str]) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in jar.items())}


def test_migrate_finds_is_anonymous_in_place(flask_app: TestApp) -> None:
    result = flask_app.app.test_cli_runner().invoke(args=["auth", "migrate", "--yes"])
    assert result.exit_code == 0, result.output
    assert "1 change(s) to make" in result.output and ACCOUNT_INDEX_STEP in result.output


def test_better_auths_guest_is_served_and_linked_on_sign_up(
    flask_app: TestApp, made_db: MadeDatabase
) -> None:
    guest = made_db[1]["guest"]
    client = flask_app.app.test_client(use_cookies=False)
    headers = cookie_header(guest["cookies"])
    session = client.get("/api/auth/get-session", headers=headers)
    assert session.status_code == 200
    assert session.json["user"]["id"] == guest["id"]
    assert session.json["user"]["isAnonymous"] is True
    assert session.json["user"]["email"] == guest["email"]
    again = client.post("/api/auth/sign-in/anonymous", json={}, headers=headers)
    assert again.status_code == 400
    assert again.json["code"] == "ANONYMOUS_USERS_CANNOT_SIGN_IN_AGAIN_ANONYMOUSLY"
    body = {"name": "Fay", "email": "fay@example.com", "password": "fay-password-5"}
    signed_up = client.post("/api/auth/sign-up/email", json=body, headers=headers)
    assert signed_up.status_code == 200, signed_up.json
    assert guest["id"] not in {user["id"] for user in rows(flask_app, "user")}


def test_better_auths_multi_session_cookies_are_understood(
    flask_app: TestApp, made_db: MadeDatabase
) -> None:
    made: dict[str, Any] = made_db[1]
    dee, eve = made["people"]
    client = flask_app.app.test_client(use_cookies=False)
    headers = cookie_header(made["browser"])
    listed = client.get("/api/auth/multi-session/list-device-sessions", headers=headers)
    assert listed.status_code == 200
    assert sorted(e["user"]["id"] for e in listed.json) == sorted([dee["id"], eve["id"]])
    assert {e["session"]["token"] for e in listed.json} == {dee["token"], eve["token"]}
    switched = client.post(
        "/api/auth/multi-session/set-active", json={"sessionToken": dee["token"]}, headers=headers
    )
    assert switched.status_code == 200, switched.json
    assert switched.json["user"]["id"] == dee["id"]
    cookie = next(
        line
        for line in switched.headers.getlist("Set-Cookie")
        if line.startswith("better-auth.session_token=")
    )
    # The session cookie set is Better Auth's own signed value of Dee's session.
    assert cookie.split(";")[0].split("=", 1)[1] == made["browser"][MULTI + dee["token"].lower()]
    signed_out = client.post("/api/auth/sign-out", json={}, headers=headers)
    assert signed_out.status_code == 200
    assert {s["userId"] for s in rows(flask_app, "session")} == {made["guest"]["id"]}
