"""A database Better Auth made with its magicLink and emailOTP plugins, served by Flask.

``tests/better_auth_db/make_passwordless_db.mjs`` runs Better Auth 1.7.24 with
``magicLink({storeToken: "hashed"})`` and ``emailOTP()`` on a SQLite file: Dora signs up
with an email code, then Better Auth issues magic links (for Dora and for a new address)
and a sign-in code it leaves unused. The Flask app with the same plugins and secret finds
nothing to migrate, opens Better Auth's links (its hashed form is ours), takes Better
Auth's plain code with ``store_otp="plain"``, and signs Dora in with a new code.

The Node dependencies must be installed first: ``npm ci --prefix tests/better_auth_db``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth.plugins import email_otp
from flask_betterauth.plugins import magic_link
from tests.better_auth_made import ACCOUNT_INDEX_STEP
from tests.better_auth_made import MadeDatabase
from tests.better_auth_made import app_on
from tests.better_auth_made import copy_database
from tests.better_auth_made import make_database
from tests.helpers import TestApp
from tests.helpers import rows


@pytest.fixture(scope="module")
def made_db(tmp_path_factory: pytest.TempPathFactory) -> MadeDatabase:
    """The SQLite file Better Auth made, and what its script printed."""
    return make_database("make_passwordless_db.mjs", tmp_path_factory)


@pytest.fixture
def outbox() -> list[tuple[str, str, str]]:
    return []


@pytest.fixture
def flask_app(made_db: MadeDatabase, tmp_path: Path, outbox: list[Any]) -> Iterator[TestApp]:
    plugins = [
        magic_link(lambda email, url, token: None),
        email_otp(lambda email, otp, kind: outbox.append((email, otp, kind)), store_otp="plain"),
    ]
    with app_on(copy_database(made_db, tmp_path), plugins=plugins) as test_app:
        yield test_app


def test_migrate_finds_nothing_to_do(flask_app: TestApp) -> None:
    result = flask_app.app.test_cli_runner().invoke(args=["auth", "migrate", "--yes"])
    assert result.exit_code == 0, result.output
    assert "1 change(s) to make" in result.output and ACCOUNT_INDEX_STEP in result.output


def test_better_auths_magic_links_open_here(flask_app: TestApp, made_db: MadeDatabase) -> None:
    dora = made_db[1]
    client = flask_app.app.test_client()
    reply = client.get("/api/auth/magic-link/verify", query_string={"token": dora["doraToken"]})
    assert reply.status_code == 200, reply.json
    assert reply.json["user"]["id"] == dora["id"]
    again = client.get("/api/auth/magic-link/verify", query_string={"token": dora["doraToken"]})
    assert again.status_code == 302 and again.headers["Location"].endswith("?error=INVALID_TOKEN")
    erin = client.get("/api/auth/magic-link/verify", query_string={"token": dora["erinToken"]})
    assert erin.status_code == 200
    assert erin.json["user"]["email"] == "erin@example.com"
    assert erin.json["user"]["name"] == "Erin Ek" and erin.json["user"]["emailVerified"] is True


def test_better_auths_plain_code_works_here(flask_app: TestApp, made_db: MadeDatabase) -> None:
    dora = made_db[1]
    client = flask_app.app.test_client()
    body = {"email": dora["email"], "otp": dora["doraCode"]}
    reply = client.post("/api/auth/sign-in/email-otp", json=body)
    assert reply.status_code == 200, reply.json
    assert reply.json["user"]["id"] == dora["id"]


def test_code_signed_up_user_signs_in_with_a_new_code(
    flask_app: TestApp, made_db: MadeDatabase, outbox: list[Any]
) -> None:
    dora = made_db[1]
    assert dora["emailVerified"] is True
    assert [r for r in rows(flask_app, "account") if r["userId"] == dora["id"]] == []
    client = flask_app.app.test_client()
    sent = client.post(
        "/api/auth/email-otp/send-verification-otp",
        json={"email": dora["email"], "type": "sign-in"},
    )
    assert sent.status_code == 200 and outbox[-1][0] == dora["email"]
    reply = client.post(
        "/api/auth/sign-in/email-otp", json={"email": dora["email"], "otp": outbox[-1][1]}
    )
    assert reply.status_code == 200, reply.json
    assert reply.json["user"]["id"] == dora["id"]
    assert client.get("/api/auth/get-session").json["user"]["name"] == "Dora Diaz"
