"""Two flows that link one provider account at the same moment (PostgreSQL, threads).

Both flows read "no such account" before either writes, which a barrier in front of
the account insert makes certain; the unique index on ``account(providerId,
accountId)`` then lets one insert through and the other flow answers
``unable_to_link_account``. Without the index both rows would be written.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest

from flask_betterauth.storage import SQLAlchemyAdapter
from tests.conftest import database_url  # noqa: F401  (SQLite and PostgreSQL here)
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import rows
from tests.helpers import sql
from tests.social.conftest import Browser
from tests.social.conftest import idp_user
from tests.social.test_sign_in import _prepared_callback
from tests.social.test_sign_in import _race


@pytest.fixture
def inserts_meet(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold each ``oidc`` account insert until two flows have reached theirs."""
    barrier = threading.Barrier(2, timeout=20)
    create = SQLAlchemyAdapter.create

    def held(self: Any, model: str, data: Any) -> Any:
        if model == "account" and data.get("providerId") == "oidc":
            barrier.wait()
        return create(self, model, data)

    monkeypatch.setattr(SQLAlchemyAdapter, "create", held)


def _existing_user(test_app: Any, email: str) -> Caller:
    caller = Caller(test_app, "http")
    reply = caller.call("sign_up_email", {"name": "Ray", "email": email, "password": PASSWORD})
    assert reply.status == 200, reply.json
    sql(test_app, 'UPDATE "user" SET "emailVerified" = true WHERE email = :e', e=email)
    return caller


def _accounts(test_app: Any, account_id: str) -> list[dict[str, Any]]:
    return [a for a in rows(test_app, "account") if a["accountId"] == account_id]


@pytest.mark.postgres
def test_two_sign_ins_link_one_account_once(social_app, idp, database_url, inserts_meet):  # noqa: F811
    if not database_url.startswith("postgresql"):
        pytest.skip("threads against PostgreSQL")
    _existing_user(social_app, "ray@example.com")
    idp_user(idp, "ray-1", email="ray@example.com", email_verified=True)
    first = _prepared_callback(Browser(Caller(social_app, "http"), idp), "ray-1")
    second = _prepared_callback(Browser(Caller(social_app, "http"), idp), "ray-1")
    found = _race(social_app, [first, second])
    assert sorted(found) == ["/in", "/oops?error=unable_to_link_account"]
    (account,) = _accounts(social_app, "ray-1")
    (user,) = [u for u in rows(social_app, "user") if u["email"] == "ray@example.com"]
    assert account["userId"] == user["id"]
    # The loser wrote nothing: one session (the winner's), one credential account.
    sessions = [s for s in rows(social_app, "session") if s["userId"] == user["id"]]
    assert len(sessions) == 2  # the sign-up's and the winner's
    credential = [a for a in rows(social_app, "account") if a["providerId"] == "credential"]
    assert [a["accountId"] for a in credential] == [user["id"]]


@pytest.mark.postgres
def test_two_link_social_flows_link_one_account_once(
    social_app,
    idp,
    database_url,  # noqa: F811
    inserts_meet,
):
    if not database_url.startswith("postgresql"):
        pytest.skip("threads against PostgreSQL")
    caller = _existing_user(social_app, "lee@example.com")
    idp_user(idp, "lee-1", email="lee@example.com", email_verified=True)
    browser = Browser(caller, idp)
    flows = []
    for _ in range(2):
        started = browser.start(link=True, callbackURL="/in", errorCallbackURL="/oops")
        query = browser.login(started.json["url"], "lee-1")
        cookie = "; ".join(f"{k}={v}" for k, v in caller.jar.items())
        from urllib.parse import urlencode

        flows.append((f"/api/auth/callback/oidc?{urlencode(query)}", cookie))
    found = _race(social_app, flows)
    assert sorted(found) == ["/in", "/oops?error=unable_to_link_account"]
    (account,) = _accounts(social_app, "lee-1")
    listed = caller.call("list_user_accounts").json
    assert sorted(a["providerId"] for a in listed) == ["credential", "oidc"]
    assert account["userId"] == listed[0]["userId"]
