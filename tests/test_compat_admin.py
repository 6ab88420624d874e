"""The admin plugin against the official client's ``adminClient`` (``tests/compat/admin.mjs``):
create, list, set-role, get, update, sessions, has-permission, ban/unban, impersonate and
stop, set-user-password, revoke, remove, and the refusals a plain user and a stranger get."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from flask_betterauth.plugins import admin
from tests.test_compat import compat_client_installed  # noqa: F401 (a fixture)
from tests.test_compat import run_node
from tests.test_compat import serving

pytestmark = pytest.mark.compat

SCRIPT = Path(__file__).parent / "compat" / "admin.mjs"
BOSS_EMAIL = "boss@compat.example"
BOSS_PASSWORD = "correct horse battery staple"  # scenarios.mjs's PASSWORD


def ok(step: dict[str, Any]) -> Any:
    assert step["error"] is None, step
    assert all(h["status"] == 200 for h in step["http"]), step
    return step["data"]


def error(step: dict[str, Any]) -> tuple[int, str | None]:
    assert step["data"] is None, step
    return step["error"]["status"], step["error"].get("code")


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
    proc = run_node(str(SCRIPT), server.url, "admin")
    report: dict[str, Any] = json.loads(proc.stdout.splitlines()[-1])
    assert not report.get("crashed"), report
    steps, email = report["steps"], report["email"].lower()
    ok(steps["bossSignIn"])
    user = ok(steps["create"])["user"]
    assert (user["email"], user["role"], user["banned"]) == (email, "user", False)
    listed = ok(steps["list"])
    assert [u["email"] for u in listed["users"]] == [email]
    assert (listed["total"], listed["limit"]) == (1, 10)
    assert steps["list"]["http"][0]["method"] == "GET"
    assert ok(steps["setRole"])["user"]["role"] == "user,editor"
    assert ok(steps["getUser"])["id"] == user["id"]
    assert ok(steps["update"])["name"] == "Ann Two"
    ok(steps["annSignIn"])
    (session,) = ok(steps["sessions"])["sessions"]
    assert session["userId"] == user["id"]
    assert error(steps["annRefused"]) == (403, "YOU_ARE_NOT_ALLOWED_TO_LIST_USERS")
    assert error(steps["anonymous"]) == (401, None)
    assert steps["anonymous"]["http"][0]["body"] == ""
    assert ok(steps["hasPermission"]) == {"error": None, "success": True}
    assert steps["checkRole"]["data"] is True
    banned = ok(steps["ban"])["user"]
    assert (banned["banned"], banned["banReason"]) == (True, "spam")
    assert ok(steps["annAfterBan"]) is None
    assert error(steps["bannedSignIn"]) == (403, "BANNED_USER")
    assert ok(steps["unban"])["user"]["banned"] is False
    started = ok(steps["impersonate"])
    assert started["session"]["impersonatedBy"] == ok(steps["bossSignIn"])["user"]["id"]
    assert ok(steps["asAnn"])["user"]["id"] == user["id"]
    back = ok(steps["stop"])
    assert back["user"]["email"] == BOSS_EMAIL
    assert ok(steps["asBoss"])["user"]["email"] == BOSS_EMAIL
    assert ok(steps["setPassword"]) == {"status": True}
    ok(steps["newPassword"])
    assert ok(steps["revokeAll"]) == {"success": True}
    assert ok(steps["remove"]) == {"success": True}
    assert error(steps["removed"]) == (404, "USER_NOT_FOUND")
