"""Social accounts Better Auth made are served here.

``tests/better_auth_db/make_social_db.mjs`` runs Better Auth 1.7.24 with ``genericOAuth``
against the tests' OpenID Connect provider (oidc-provider-mock): one person signs in with
tokens stored plain, one with ``account.encryptOAuthTokens`` on (sealed). The Flask app,
with the same secret and the same provider, hands out the stored access tokens, and the
same people sign in through the provider again as the same users.

The Node dependencies must be installed first: ``npm ci --prefix tests/better_auth_db``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.better_auth_made import MadeDatabase
from tests.better_auth_made import app_on
from tests.better_auth_made import copy_database
from tests.better_auth_made import make_database
from tests.helpers import Caller
from tests.helpers import TestApp
from tests.helpers import rows
from tests.social.conftest import Browser
from tests.social.conftest import idp  # noqa: F401  (the provider fixture)
from tests.social.conftest import oidc_plugin


@pytest.fixture(scope="module")
def made_db(tmp_path_factory: pytest.TempPathFactory, idp: str) -> Iterator[MadeDatabase]:  # noqa: F811
    """The SQLite file Better Auth made, and what its script printed."""
    os.environ["SOCIAL_IDP"] = idp
    try:
        yield make_database("make_social_db.mjs", tmp_path_factory)
    finally:
        del os.environ["SOCIAL_IDP"]


@pytest.fixture
def moved(made_db: MadeDatabase, tmp_path: Path, idp: str) -> Iterator[TestApp]:  # noqa: F811
    """The Flask app on a copy of that file, with the same provider."""
    with app_on(copy_database(made_db, tmp_path), plugins=[oidc_plugin(idp)]) as app:
        yield app


def test_stored_tokens_are_served(moved: TestApp, made_db: MadeDatabase) -> None:
    plain, sealed = made_db[1]
    stored = {row["accountId"]: row for row in rows(moved, "account")}
    assert stored["ba-plain"]["accessToken"] == plain["accessToken"]
    assert stored["ba-sealed"]["accessToken"] != sealed["accessToken"]  # sealed at rest
    for person in (plain, sealed):
        with moved.app.test_request_context():
            got = moved.auth.api.get_access_token(
                body={"accountId": person["accountId"], "userId": person["userId"]}
            )
        assert got["accessToken"] == person["accessToken"]
        assert got["scopes"] == ["openid", "email", "profile"]


def test_the_same_people_sign_in_again(moved: TestApp, made_db: MadeDatabase, idp: str) -> None:  # noqa: F811
    users_before = len(rows(moved, "user"))
    for person in made_db[1]:
        browser = Browser(Caller(moved, "http"), idp)
        reply = browser.sign_in(person["sub"], callbackURL="/in", newUserCallbackURL="/new")
        assert reply.headers["Location"] == "/in"
        session = browser.caller.call("get_session").json
        assert session["user"]["id"] == person["userId"]
        (account,) = browser.caller.call("list_user_accounts").json
        token = browser.caller.call("get_access_token", {"accountId": account["id"]})
        assert token.status == 200 and token.json["accessToken"]
    assert len(rows(moved, "user")) == users_before
