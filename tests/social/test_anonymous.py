"""A guest (the anonymous plugin) who signs in with a provider becomes that account:
``on_link_account(guest, new)`` runs after the callback and the guest is deleted, also
when the callback arrives without the guest's cookie (Better Auth 1.7.24 carries the
guest's id in the state's ``serverContext``)."""

from __future__ import annotations

from typing import Any

import pytest

from flask_betterauth.plugins import anonymous
from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import rows
from tests.social.conftest import Browser
from tests.social.conftest import idp_user
from tests.social.conftest import oidc_plugin

SESSION = "better-auth.session_token"


def _app(make_app: Any, idp: str, linked: list[Any], strategy: str = "database") -> Any:
    plugin = anonymous(on_link_account=lambda guest, new: linked.append((guest, new)))
    return make_app(plugins=[oidc_plugin(idp), plugin], account={"store_state_strategy": strategy})


def _guest(caller: Caller) -> str:
    reply = caller.call("sign_in_anonymous", None)
    assert reply.status == 200, reply.json
    return str(reply.json["user"]["id"])


def test_guest_signs_in_with_a_provider(make_app, idp, real_clock: Clock, via):
    linked: list[Any] = []
    test_app = _app(make_app, idp, linked)
    idp_user(idp, "guest-1", email="g1@example.com", email_verified=True)
    browser = Browser(Caller(test_app, via), idp)
    guest_id = _guest(browser.caller)
    reply = browser.sign_in("guest-1", callbackURL="/in")
    assert reply.headers["Location"] == "/in"
    ((guest, new),) = linked
    assert guest.user["id"] == guest_id and guest.user["isAnonymous"] is True
    assert new.user["email"] == "g1@example.com" and not new.user["isAnonymous"]
    assert [u["email"] for u in rows(test_app, "user")] == ["g1@example.com"]


@pytest.mark.parametrize("strategy", ["database", "cookie"])
def test_callback_without_the_guest_cookie_uses_the_state(make_app, idp, real_clock, strategy):
    linked: list[Any] = []
    test_app = _app(make_app, idp, linked, strategy)
    idp_user(idp, "guest-2", email="g2@example.com", email_verified=True)
    browser = Browser(Caller(test_app, "http"), idp)
    guest_id = _guest(browser.caller)
    started = browser.start(callbackURL="/in")
    query = browser.login(started.json["url"], "guest-2")
    # An in-app browser: it has the state's cookie, not the guest's session.
    in_app = Browser(Caller(test_app, "http"), idp)
    in_app.caller.jar = {k: v for k, v in browser.caller.jar.items() if k != SESSION}
    assert in_app.callback(query).headers["Location"] == "/in"
    ((guest, new),) = linked
    assert guest.user["id"] == guest_id and new.user["email"] == "g2@example.com"
    assert [u["email"] for u in rows(test_app, "user")] == ["g2@example.com"]


def test_additional_data_cannot_name_a_guest(make_app, idp, real_clock):
    linked: list[Any] = []
    test_app = _app(make_app, idp, linked)
    guest_id = _guest(Caller(test_app, "http"))
    idp_user(idp, "guest-3", email="g3@example.com", email_verified=True)
    browser = Browser(Caller(test_app, "http"), idp)
    smuggled = {"serverContext": {"anonymousUserId": guest_id}}
    reply = browser.sign_in("guest-3", callbackURL="/in", additionalData=smuggled)
    assert reply.headers["Location"] == "/in"
    assert linked == []
    assert len(rows(test_app, "user")) == 2  # the other browser's guest is untouched
