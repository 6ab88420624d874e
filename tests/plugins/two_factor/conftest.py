"""Fixtures of the two-factor tests: an app with the plugin, users with 2FA on, codes."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import pyotp
import pytest

from flask_betterauth.plugins import two_factor
from tests.helpers import PASSWORD
from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import TestApp
from tests.helpers import rows

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
SIGN_IN = {"email": ANN["email"], "password": PASSWORD}


@dataclass
class Outbox:
    """The one-time codes the app's ``send_otp`` callback received."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, user: Any, otp: str) -> None:
        self.sent.append((user["email"], otp))

    @property
    def last(self) -> str:
        """The latest code."""
        return self.sent[-1][1]


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


@pytest.fixture
def tf_app(make_app: Any, outbox: Outbox, clock: Clock) -> TestApp:
    """An app with two-factor on (TOTP, OTP through ``outbox``) and a frozen clock."""
    plugin = two_factor(issuer="Tests", otp_options={"send_otp": outbox})
    return make_app(plugins=[plugin])


@pytest.fixture
def tf(tf_app: TestApp, via: str) -> Caller:
    """A caller on :func:`tf_app` through each face."""
    return Caller(tf_app, via)


def secret_of(uri: str) -> str:
    """The base32 key in a ``totpURI``."""
    return parse_qs(urlsplit(uri).query)["secret"][0]


def code_at(key: str, clock: Clock, offset: int = 0) -> str:
    """The TOTP code of ``key`` at the test clock's time (plus ``offset`` seconds)."""
    padded = key + "=" * (-len(key) % 8)
    base64.b32decode(padded)  # a well-formed key
    return pyotp.TOTP(padded).at(clock.now.timestamp() + offset)


@dataclass
class Enrolled:
    """Ann with TOTP on: her authenticator key and backup codes."""

    key: str
    backup_codes: list[str]


def enroll(caller: Caller, clock: Clock) -> Enrolled:
    """Sign Ann up, enable TOTP and verify the first code; she stays signed in."""
    assert caller.call("sign_up_email", ANN).status == 200
    reply = caller.call("enable_two_factor", {"password": PASSWORD})
    assert reply.status == 200, reply.json
    key = secret_of(reply.json["totpURI"])
    verified = caller.call("verify_totp", {"code": code_at(key, clock)})
    assert verified.status == 200, verified.json
    return Enrolled(key, reply.json["backupCodes"])


def held_sign_in(caller: Caller, **extra: Any) -> Any:
    """Sign out and in again with the password: the sign-in is held for a factor."""
    caller.call("sign_out", {})
    caller.jar.pop("better-auth.session_token", None)
    reply = caller.call("sign_in_email", {**SIGN_IN, **extra})
    assert reply.status == 200, reply.json
    return reply


def session_count(test_app: TestApp) -> int:
    return len(rows(test_app, "session"))
