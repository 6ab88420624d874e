"""The anonymous plugin's central flows, on SQLite and PostgreSQL, over both faces."""

from __future__ import annotations

import re
from typing import Any

from flask_betterauth.plugins import anonymous
from tests.helpers import rows

from .test_anonymous import ANN
from .test_anonymous import guest
from .test_anonymous import user_ids


def test_sign_in_anonymous_makes_a_guest_with_a_placeholder_email(plugin_app):
    made = plugin_app(anonymous())
    caller = made.caller()
    reply = guest(caller)
    user = reply["user"]
    assert re.fullmatch(r"[a-z0-9]{32}@anonymous\.placeholder\.invalid", user["email"])
    assert (user["name"], user["isAnonymous"], user["emailVerified"]) == ("Anonymous", True, False)
    assert reply["token"]
    (row,) = rows(made.app, "user")
    assert row["isAnonymous"] is True
    session = caller.call("get_session")
    assert session.json["user"]["id"] == user["id"]


def test_sign_up_from_a_guest_links_and_deletes_the_guest(plugin_app):
    linked: list[tuple[Any, Any]] = []
    made = plugin_app(anonymous(on_link_account=lambda old, new: linked.append((old, new))))
    caller = made.caller()
    guest_id = guest(caller)["user"]["id"]
    reply = caller.call("sign_up_email", ANN)
    assert reply.status == 200, reply.json
    new_id = reply.json["user"]["id"]
    ((old, new),) = linked
    assert (old.user["id"], old.user["isAnonymous"]) == (guest_id, True)
    assert new.user["id"] == new_id and new.session["userId"] == new_id
    assert user_ids(made.app) == {new_id}
    assert {row["userId"] for row in rows(made.app, "session")} == {new_id}
    assert caller.call("get_session").json["user"]["id"] == new_id
