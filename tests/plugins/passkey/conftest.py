"""Fixtures of the passkey tests: an app with the plugin, a software authenticator, and
the two ceremonies run through a caller."""

from __future__ import annotations

from typing import Any

import pytest

from flask_betterauth.plugins import passkey
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import Reply
from tests.helpers import TestApp

from .authenticator import Authenticator

ORIGIN = "http://localhost"
HEADERS = {"Origin": ORIGIN}
CHALLENGE_COOKIE = "better-auth.better-auth-passkey"
SESSION_COOKIE = "better-auth.session_token"
ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
BOB = {"name": "Bob", "email": "bob@example.com", "password": PASSWORD}


@pytest.fixture
def pk_app(make_app: Any, clock: Clock) -> TestApp:
    """An app with passkeys (RP ID and origin from ``BETTER_AUTH_URL``, http://localhost)
    and a frozen clock."""
    return make_app(plugins=[passkey()])


@pytest.fixture
def pk(pk_app: TestApp, via: str) -> Caller:
    """A caller on :func:`pk_app` through each face."""
    return Caller(pk_app, via)


@pytest.fixture
def device() -> Authenticator:
    """Ann's authenticator."""
    return Authenticator()


def call(caller: Caller, name: str, body: Any = None, **kwargs: Any) -> Reply:
    """Call ``name`` as a page on http://localhost would (its ``Origin`` header)."""
    headers = {**HEADERS, **kwargs.pop("headers", {})}
    return caller.call(name, body, headers=headers, **kwargs)


def sign_up(caller: Caller, person: dict[str, str] = ANN) -> dict[str, Any]:
    reply = caller.call("sign_up_email", person)
    assert reply.status == 200, reply.json
    return dict(reply.json["user"])


def register_options(caller: Caller, **query: str) -> dict[str, Any]:
    reply = call(caller, "generate_passkey_registration_options", query=query or None)
    assert reply.status == 200, reply.json
    return dict(reply.json)


def register(caller: Caller, device: Authenticator, **body: Any) -> Reply:
    """Run a whole registration; the reply of ``verify-registration``."""
    options = register_options(caller)
    return call(caller, "verify_passkey_registration", {"response": device.create(options), **body})


def auth_options(caller: Caller) -> dict[str, Any]:
    reply = call(caller, "generate_passkey_authentication_options")
    assert reply.status == 200, reply.json
    return dict(reply.json)


def sign_in(caller: Caller, device: Authenticator, **assertion: Any) -> Reply:
    """Run a whole passkey sign-in; the reply of ``verify-authentication``."""
    options = auth_options(caller)
    response = device.get(options, **assertion)
    return call(caller, "verify_passkey_authentication", {"response": response})


def signed_out(caller: Caller) -> Caller:
    """A new browser (no cookies) on the same app and face."""
    return Caller(caller.app, caller.via)
