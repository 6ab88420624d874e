"""The admin plugin against the official client's ``adminClient`` (``tests/compat/admin.mjs``):
create, list, set-role, get, update, sessions, has-permission, ban/unban, impersonate and
stop, set-user-password, revoke, remove, and the refusals a plain user and a stranger get."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from flask_betterauth.plugins import admin
from tests.test_compat import compat_client_installed  # noqa: F401 (a fixture)
from tests.test_compat import passed
from tests.test_compat import refusal
from tests.test_compat import run_scenario
from tests.test_compat import serving

pytestmark = pytest.mark.compat

BOSS_EMAIL = "boss@compat.example"
BOSS_PASSWORD = "correct horse battery staple"  # scenarios.mjs's PASSWORD


@pytest.fixture
def server(tmp_path: Path, compat_client_installed: None) -> Any:  # noqa: F811
    """The compat app with ``admin()`` and Boss, an admin, signed up."""
    with serving(tmp_path, plugins=[admin()]) as live:
        body = {"name": "Boss", "email": BOSS_EMAIL, "password": BOSS_PASSWORD}
        assert live.app.test_client().post("/api/auth/sign-up/email", json=body).status_code == 200
        with live.app.app_context(), live.app.extensions["sqlalchemy"].engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE \"user\" SET role = 'admin' WHERE email = :e"), {"e": BOSS_EMAIL}
            )
        yield live


def test_admin_client(server: Any) -> None:
    report = run_scenario(server.url, "admin", "admin.mjs")
    steps, email = report["steps"], report["email"].lower()
    passed(steps["bossSignIn"])
    user = passed(steps["create"])["user"]
    assert (user["email"], user["role"], user["banned"]) == (email, "user", False)
    listed = passed(steps["list"])
    assert [u["email"] for u in listed["users"]] == [email]
    assert (listed["total"], listed["limit"]) == (1, 10)
    assert steps["list"]["http"][0]["method"] == "GET"
    assert passed(steps["setRole"])["user"]["role"] == "user,editor"
    assert passed(steps["getUser"])["id"] == user["id"]
    assert passed(steps["update"])["name"] == "Ann Two"
    passed(steps["annSignIn"])
    (session,) = passed(steps["sessions"])["sessions"]
    assert session["userId"] == user["id"]
    assert refusal(steps["annRefused"]) == (403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS")
    assert refusal(steps["anonymous"]) == (401, None)
    assert steps["anonymous"]["http"][0]["body"] == ""
    assert passed(steps["hasPermission"]) == {"error": None, "success": True}
    assert steps["checkRole"]["data"] is True
    banned = passed(steps["ban"])["user"]
    assert (banned["banned"], banned["banReason"]) == (True, "spam")
    assert passed(steps["annAfterBan"]) is None
    assert refusal(steps["bannedSignIn"]) == (403, "BANNED_USER")
    assert passed(steps["unban"])["user"]["banned"] is False
    started = passed(steps["impersonate"])
    assert started["session"]["impersonatedBy"] == passed(steps["bossSignIn"])["user"]["id"]
    assert passed(steps["asAnn"])["user"]["id"] == user["id"]
    back = passed(steps["stop"])
    assert back["user"]["email"] == BOSS_EMAIL
    assert passed(steps["asBoss"])["user"]["email"] == BOSS_EMAIL
    assert passed(steps["setPassword"]) == {"status": True}
    passed(steps["newPassword"])
    assert passed(steps["revokeAll"]) == {"success": True}
    assert passed(steps["remove"]) == {"success": True}
    assert refusal(steps["removed"]) == (404, "USER_NOT_FOUND")
