"""Factories for tests: users and signed-in callers, on either face."""

from __future__ import annotations

from typing import Any

from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import TestApp

#: The user most tests sign up.
ANN: dict[str, Any] = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}


def credentials(user: dict[str, Any] = ANN) -> dict[str, Any]:
    """The sign-in body of ``user``."""
    return {"email": user["email"], "password": user["password"]}


def sign_up(device: Caller, user: dict[str, Any] = ANN) -> str:
    """Sign ``device`` up as ``user`` (and so in); return the session's raw token."""
    reply = device.call("sign_up_email", user)
    assert reply.status == 200, reply.json
    return str(reply.json["token"])


def sign_in(device: Caller, user: dict[str, Any] = ANN, **body: Any) -> str:
    """Sign ``device`` in as ``user`` (``body`` adds fields: ``rememberMe=False``); return
    the session's raw token."""
    reply = device.call("sign_in_email", {**credentials(user), **body})
    assert reply.status == 200, reply.json
    return str(reply.json["token"])


def signed_in_caller(test_app: TestApp, via: str, user: dict[str, Any] = ANN) -> Caller:
    """A new caller on ``test_app`` through the face ``via``, signed up as ``user``."""
    device = Caller(test_app, via)
    sign_up(device, user)
    return device
