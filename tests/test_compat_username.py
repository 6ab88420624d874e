"""The username and bearer plugins against the official client (``tests/compat/username.mjs``):
``usernameClient`` sign-up, availability, sign-in and update, and a client that keeps its
session in ``set-auth-token`` / ``Authorization: Bearer`` with no cookie jar."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth.plugins import bearer
from flask_betterauth.plugins import username
from tests.test_compat import NODE_TIMEOUT_SECONDS
from tests.test_compat import compat_client_installed  # noqa: F401 (a fixture)
from tests.test_compat import serving

pytestmark = pytest.mark.compat

SCRIPT = Path(__file__).parent / "compat" / "username.mjs"


def run(base_url: str, name: str) -> dict[str, Any]:
    """Run one scenario of ``username.mjs``; its report."""
    proc = subprocess.run(
        ["node", str(SCRIPT), base_url, name],
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT_SECONDS,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    report: dict[str, Any] = json.loads(proc.stdout.splitlines()[-1])
    assert not report.get("crashed"), report
    return report


def ok(step: dict[str, Any]) -> Any:
    assert step["error"] is None, step
    assert all(h["status"] == 200 for h in step["http"]), step
    return step["data"]


def error(step: dict[str, Any]) -> tuple[int, str | None]:
    assert step["data"] is None, step
    return step["error"]["status"], step["error"].get("code")


@pytest.fixture
def server(tmp_path: Path, compat_client_installed: None) -> Any:  # noqa: F811
    with serving(tmp_path, plugins=[username(), bearer()]) as live:
        yield live


def test_username_client(server: Any) -> None:
    r = run(server.url, "username")
    steps, name = r["steps"], r["username"]
    user = ok(steps["signUp"])["user"]
    assert (user["username"], user["displayUsername"]) == (name.lower(), name)
    assert ok(steps["taken"]) == {"available": False}
    assert ok(steps["free"]) == {"available": True}
    assert error(steps["tooShort"]) == (422, "USERNAME_TOO_SHORT")
    signed_in = ok(steps["signIn"])
    assert signed_in["redirect"] is False and signed_in["user"]["email"] == r["email"].lower()
    assert steps["signIn"]["http"][0]["path"] == "/api/auth/sign-in/username"
    assert ok(steps["session"])["user"]["username"] == name.lower()
    assert error(steps["wrongPassword"]) == (401, "INVALID_USERNAME_OR_PASSWORD")
    assert steps["wrongPassword"]["error"]["message"] == "Invalid username or password"
    assert error(steps["badName"]) == (422, "INVALID_USERNAME")
    assert ok(steps["update"]) == {"status": True}
    after = ok(steps["afterUpdate"])["user"]
    assert (after["username"], after["displayUsername"]) == (r["renamed"].lower(), r["renamed"])
    assert ok(steps["signInRenamed"])["user"]["id"] == user["id"]
    assert error(steps["signUpTaken"]) == (400, "USERNAME_IS_ALREADY_TAKEN")


def test_bearer_only_client(server: Any) -> None:
    steps = run(server.url, "bearer")["steps"]
    sign_up = ok(steps["signUp"])
    sent = steps["signUp"]["http"][0]
    token = sent["setAuthToken"]
    assert token.startswith(sign_up["token"] + ".")
    assert "set-auth-token" in sent["exposeHeaders"]
    session = ok(steps["session"])
    assert session["user"]["email"] == sign_up["user"]["email"]
    assert steps["session"]["http"][0]["authorization"] == f"Bearer {token}"
    assert len(ok(steps["sessions"])) == 1
    assert ok(steps["signOut"]) == {"success": True}
    assert ok(steps["afterSignOut"]) is None
    assert error(steps["listAfterSignOut"])[0] == 401
    assert ok(steps["signIn"])["user"]["id"] == sign_up["user"]["id"]
    assert ok(steps["sessionAgain"])["user"]["id"] == sign_up["user"]["id"]
    every = [h for step in steps.values() for h in step["http"]]
    assert not any(h["sentCookie"] for h in every)
