"""The anonymous and multi-session plugins against the official client plugins
(``tests/compat/anonymous.mjs`` with ``anonymousClient``, ``tests/compat/multi-session.mjs``
with ``multiSessionClient``), over real HTTP."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth.plugins import anonymous
from flask_betterauth.plugins import multi_session
from tests.test_compat import compat_client_installed  # noqa: F401 (a fixture)
from tests.test_compat import run_node
from tests.test_compat import serving

pytestmark = pytest.mark.compat

COMPAT = Path(__file__).parent / "compat"
MULTI = "better-auth.session_token_multi-"


def run(script: str, base_url: str, name: str) -> dict[str, Any]:
    """Run one scenario of ``script``; its report."""
    proc = run_node(str(COMPAT / script), base_url, name)
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


@pytest.fixture(scope="module")
def server(tmp_path_factory: Any, compat_client_installed: None) -> Any:  # noqa: F811
    linked: list[tuple[str, str]] = []

    def on_link(old: Any, new: Any) -> None:
        linked.append((old.user["id"], new.user["id"]))

    tmp = tmp_path_factory.mktemp("accounts")
    with serving(tmp, plugins=[anonymous(on_link_account=on_link), multi_session()]) as live:
        live.linked = linked
        yield live


def test_anonymous_client_links_a_guest_on_sign_up(server: Any) -> None:
    steps = run("anonymous.mjs", server.url, "link")["steps"]
    guest = ok(steps["guest"])
    assert guest["user"]["isAnonymous"] is True and guest["token"]
    assert guest["user"]["email"].endswith("@anonymous.placeholder.invalid")
    assert steps["guest"]["http"][0]["method"] == "POST"
    assert ok(steps["guestSession"])["user"]["id"] == guest["user"]["id"]
    assert error(steps["again"]) == (400, "ANONYMOUS_USERS_CANNOT_SIGN_IN_AGAIN_ANONYMOUSLY")
    new = ok(steps["signUp"])["user"]
    assert new["isAnonymous"] is False
    assert ok(steps["session"])["user"]["id"] == new["id"]
    assert (guest["user"]["id"], new["id"]) in server.linked
    with server.app.app_context():
        state = server.app.extensions["betterauth"]
        assert state.users.find_by_id(guest["user"]["id"]) is None


def test_anonymous_client_deletes_a_guest(server: Any) -> None:
    steps = run("anonymous.mjs", server.url, "remove")["steps"]
    ok(steps["guest"])
    assert ok(steps["remove"]) == {"success": True}
    assert ok(steps["session"]) is None
    assert error(steps["refused"]) == (403, "USER_IS_NOT_ANONYMOUS")


def test_multi_session_client(server: Any) -> None:
    r = run("multi-session.mjs", server.url, "accounts")
    steps = r["steps"]
    ann, bob = ok(steps["ann"]), ok(steps["bob"])
    assert MULTI + ann["token"].lower() in steps["bob"]["cookies"]
    assert MULTI + bob["token"].lower() in steps["bob"]["cookies"]
    listed = ok(steps["list"])
    assert len(listed) == 2
    assert sorted(e["user"]["email"] for e in listed) == sorted(e.lower() for e in r["emails"])
    assert {e["session"]["token"] for e in listed} == {ann["token"], bob["token"]}
    assert steps["list"]["http"][0]["method"] == "GET"
    assert ok(steps["setActive"])["user"]["id"] == ann["user"]["id"]
    assert ok(steps["active"])["user"]["id"] == ann["user"]["id"]
    assert error(steps["badToken"]) == (401, "INVALID_SESSION_TOKEN")
    assert ok(steps["revoke"]) == {"status": True}
    assert [e["user"]["id"] for e in ok(steps["listAfterRevoke"])] == [ann["user"]["id"]]
    assert ok(steps["signOut"]) == {"success": True}
    assert ok(steps["listAfterSignOut"]) == []
    assert not [c for c in steps["listAfterSignOut"]["cookies"] if c.startswith(MULTI)]
