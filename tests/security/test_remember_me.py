"""``rememberMe: false`` is kept with the session, not only in the ``dont_remember``
cookie: a stolen session cookie without that cookie does not slide to seven days
(issue 17, item 9). No new column: the session's own life from its creation tells it,
so rows Better Auth wrote qualify alike."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.helpers import PASSWORD
from tests.helpers import Caller

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
TOKEN = "better-auth.session_token"


@pytest.fixture
def short_session(clock, make_app, via):
    """Ann signed in with ``rememberMe: false``; the thief has her session cookie only."""
    test_app = make_app()
    owner = Caller(test_app, via)
    owner.call("sign_up_email", ANN)
    owner.jar.clear()
    reply = owner.call(
        "sign_in_email", {"email": ANN["email"], "password": PASSWORD, "rememberMe": False}
    )
    assert reply.status == 200
    assert "better-auth.dont_remember" in owner.jar
    thief = Caller(test_app, via)
    thief.jar = {TOKEN: owner.jar[TOKEN]}
    return test_app, thief, reply.json["token"]


def test_a_stolen_cookie_without_dont_remember_does_not_extend_the_session(clock, short_session):
    test_app, thief, _ = short_session
    created = clock.now
    for _ in range(3):
        clock.advance(hours=7)
        reply = thief.call("get_session")
        assert reply.json is not None
        assert reply.json["session"]["expiresAt"].startswith(
            (created + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
        )
    # One day after sign-in the session is over, however often it was used.
    clock.advance(hours=3, seconds=1)
    assert thief.call("get_session").json is None


def test_a_write_with_the_stolen_cookie_keeps_the_cookies_short(clock, short_session):
    _, thief, _ = short_session
    reply = thief.call("update_user", {"name": "Mallory"})
    assert reply.status == 200
    token_lines = [line for line in reply.set_cookies if line.startswith(TOKEN + "=")]
    assert token_lines and all("Max-Age" not in line for line in token_lines)
    assert "better-auth.dont_remember" in thief.jar


def test_a_remembered_session_still_slides(clock, make_app, via):
    caller = Caller(make_app(), via)
    caller.call("sign_up_email", ANN)
    clock.advance(days=2)
    reply = caller.call("get_session")
    assert reply.json["session"]["expiresAt"].startswith(
        (clock.now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    )
