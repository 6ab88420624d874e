"""``POST /update-session``: the session's additional fields, wherever sessions are kept."""

from __future__ import annotations

from typing import Any

import pytest

from flask_betterauth.storage.secondary import MemoryStorage
from tests.helpers import PASSWORD
from tests.helpers import Caller

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
FIELDS = {
    "additional_fields": {
        "theme": {"type": "string"},
        "device": {"type": "string", "input": False},
    }
}


@pytest.fixture(params=["database", "secondary-storage"])
def session_app(request: pytest.FixtureRequest, make_app: Any) -> Any:
    if request.param == "database":
        return make_app(session={**FIELDS, "cookie_cache": {"enabled": True}})
    return make_app(
        session={**FIELDS, "cookie_cache": {"enabled": True}}, secondary_storage=MemoryStorage()
    )


@pytest.fixture
def ann(session_app: Any, via: str) -> Caller:
    caller = Caller(session_app, via)
    assert caller.call("sign_up_email", ANN).status == 200
    return caller


def test_update_session_changes_the_field_and_the_cache(ann: Caller) -> None:
    reply = ann.call("update_session", {"theme": "dark", "userId": "someone-else"})
    assert reply.status == 200, reply.json
    assert reply.json["session"]["theme"] == "dark"
    assert reply.cookie("better-auth.session_data")
    # The cookie cache carries the new value, and so does storage.
    assert ann.call("get_session").json["session"]["theme"] == "dark"
    stored = ann.call("get_session", query={"disableCookieCache": "1"}).json["session"]
    assert stored["theme"] == "dark"
    assert stored["userId"] != "someone-else"


def test_nothing_to_update(ann: Caller) -> None:
    reply = ann.call("update_session", {"expiresAt": "2099-01-01T00:00:00.000Z"})
    assert (reply.status, reply.json) == (400, {"message": "No fields to update"})


def test_server_only_field_is_refused(ann: Caller) -> None:
    reply = ann.call("update_session", {"device": "phone"})
    assert reply.status == 400 and reply.json["code"] == "FIELD_NOT_ALLOWED"


def test_ill_typed_field_is_refused(ann: Caller) -> None:
    reply = ann.call("update_session", {"theme": 5})
    assert reply.status == 400 and reply.json["code"] == "VALIDATION_ERROR"


def test_body_must_be_an_object(ann: Caller) -> None:
    reply = ann.call("update_session", ["theme"])
    assert reply.status == 400 and reply.json["code"] == "BODY_MUST_BE_AN_OBJECT"


def test_needs_a_session(session_app: Any, via: str) -> None:
    reply = Caller(session_app, via).call("update_session", {"theme": "dark"})
    assert reply.status == 401 and reply.json["code"] == "UNAUTHORIZED"


def test_an_ended_session_cannot_be_updated(ann: Caller) -> None:
    other = Caller(ann.app, ann.via)
    other.jar.update(ann.jar)
    assert other.call("sign_out", {}).json == {"success": True}
    # The cookie cache still vouches for the session, but a write reads the session
    # from storage, which no longer has it.
    reply = ann.call("update_session", {"theme": "dark"})
    assert (reply.status, reply.json["code"]) == (401, "UNAUTHORIZED")
    assert reply.cookie("better-auth.session_token") == ""
