"""The anonymous and multi-session plugins against the official client plugins
(``tests/compat/anonymous.mjs`` with ``anonymousClient``, ``tests/compat/multi-session.mjs``
with ``multiSessionClient``), over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from flask_betterauth.plugins import anonymous
from flask_betterauth.plugins import multi_session
from tests.test_compat import compat_client_installed  # noqa: F401 (a fixture)
from tests.test_compat import passed
from tests.test_compat import refusal
from tests.test_compat import run_scenario
from tests.test_compat import serving

pytestmark = pytest.mark.compat

MULTI = "better-auth.session_token_multi-"


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
    steps = run_scenario(server.url, "link", "anonymous.mjs")["steps"]
    guest = passed(steps["guest"])
    assert guest["user"]["isAnonymous"] is True and guest["token"]
    assert guest["user"]["email"].endswith("@anonymous.placeholder.invalid")
    assert steps["guest"]["http"][0]["method"] == "POST"
    assert passed(steps["guestSession"])["user"]["id"] == guest["user"]["id"]
    assert refusal(steps["again"]) == (400, "ANONYMOUS_USERS_CANNOT_SIGN_IN_AGAIN_ANONYMOUSLY")
    new = passed(steps["signUp"])["user"]
    assert new["isAnonymous"] is False
    assert passed(steps["session"])["user"]["id"] == new["id"]
    assert (guest["user"]["id"], new["id"]) in server.linked
    with server.app.app_context():
        state = server.app.extensions["betterauth"]
        assert state.users.find_by_id(guest["user"]["id"]) is None


def test_anonymous_client_deletes_a_guest(server: Any) -> None:
    steps = run_scenario(server.url, "remove", "anonymous.mjs")["steps"]
    passed(steps["guest"])
    assert passed(steps["remove"]) == {"success": True}
    assert passed(steps["session"]) is None
    assert refusal(steps["refused"]) == (403, "USER_IS_NOT_ANONYMOUS")


def test_multi_session_client(server: Any) -> None:
    r = run_scenario(server.url, "accounts", "multi-session.mjs")
    steps = r["steps"]
    ann, bob = passed(steps["ann"]), passed(steps["bob"])
    assert MULTI + ann["token"].lower() in steps["bob"]["cookies"]
    assert MULTI + bob["token"].lower() in steps["bob"]["cookies"]
    listed = passed(steps["list"])
    assert len(listed) == 2
    assert sorted(e["user"]["email"] for e in listed) == sorted(e.lower() for e in r["emails"])
    assert {e["session"]["token"] for e in listed} == {ann["token"], bob["token"]}
    assert steps["list"]["http"][0]["method"] == "GET"
    assert passed(steps["setActive"])["user"]["id"] == ann["user"]["id"]
    assert passed(steps["active"])["user"]["id"] == ann["user"]["id"]
    assert refusal(steps["badToken"]) == (401, "INVALID_SESSION_TOKEN")
    assert passed(steps["revoke"]) == {"status": True}
    assert [e["user"]["id"] for e in passed(steps["listAfterRevoke"])] == [ann["user"]["id"]]
    assert passed(steps["signOut"]) == {"success": True}
    assert passed(steps["listAfterSignOut"]) == []
    assert not [c for c in steps["listAfterSignOut"]["cookies"] if c.startswith(MULTI)]
