"""The username and bearer plugins against the official client (``tests/compat/username.mjs``):
``usernameClient`` sign-up, availability, sign-in and update, and a client that keeps its
session in ``set-auth-token`` / ``Authorization: Bearer`` with no cookie jar."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from flask_betterauth.plugins import bearer
from flask_betterauth.plugins import username
from tests.test_compat import compat_client_installed  # noqa: F401 (a fixture)
from tests.test_compat import passed
from tests.test_compat import refusal
from tests.test_compat import run_scenario
from tests.test_compat import serving

pytestmark = pytest.mark.compat

SCRIPT = "username.mjs"


@pytest.fixture
def server(tmp_path: Path, compat_client_installed: None) -> Any:  # noqa: F811
    with serving(tmp_path, plugins=[username(), bearer()]) as live:
        yield live


def test_username_client(server: Any) -> None:
    r = run_scenario(server.url, "username", SCRIPT)
    steps, name = r["steps"], r["username"]
    user = passed(steps["signUp"])["user"]
    assert (user["username"], user["displayUsername"]) == (name.lower(), name)
    assert passed(steps["taken"]) == {"available": False}
    assert passed(steps["free"]) == {"available": True}
    assert refusal(steps["tooShort"]) == (422, "USERNAME_TOO_SHORT")
    signed_in = passed(steps["signIn"])
    assert signed_in["redirect"] is False and signed_in["user"]["email"] == r["email"].lower()
    assert steps["signIn"]["http"][0]["path"] == "/api/auth/sign-in/username"
    assert passed(steps["session"])["user"]["username"] == name.lower()
    assert refusal(steps["wrongPassword"]) == (401, "INVALID_USERNAME_OR_PASSWORD")
    assert steps["wrongPassword"]["error"]["message"] == "Invalid username or password"
    assert refusal(steps["badName"]) == (422, "INVALID_USERNAME")
    assert passed(steps["update"]) == {"status": True}
    after = passed(steps["afterUpdate"])["user"]
    assert (after["username"], after["displayUsername"]) == (r["renamed"].lower(), r["renamed"])
    assert passed(steps["signInRenamed"])["user"]["id"] == user["id"]
    assert refusal(steps["signUpTaken"]) == (400, "USERNAME_IS_ALREADY_TAKEN")


def test_bearer_only_client(server: Any) -> None:
    steps = run_scenario(server.url, "bearer", SCRIPT)["steps"]
    sign_up = passed(steps["signUp"])
    sent = steps["signUp"]["http"][0]
    token = sent["setAuthToken"]
    assert token.startswith(sign_up["token"] + ".")
    assert "set-auth-token" in sent["exposeHeaders"]
    session = passed(steps["session"])
    assert session["user"]["email"] == sign_up["user"]["email"]
    assert steps["session"]["http"][0]["authorization"] == f"Bearer {token}"
    assert len(passed(steps["sessions"])) == 1
    assert passed(steps["signOut"]) == {"success": True}
    assert passed(steps["afterSignOut"]) is None
    assert refusal(steps["listAfterSignOut"])[0] == 401
    assert passed(steps["signIn"])["user"]["id"] == sign_up["user"]["id"]
    assert passed(steps["sessionAgain"])["user"]["id"] == sign_up["user"]["id"]
    every = [h for step in steps.values() for h in step["http"]]
    assert not any(h["requestCookies"] for h in every)
