"""A copied cookie pair (session token + ``session_data``) of a session that ended
(signed out, revoked, deleted) lives at most ``cookie_cache.max_age`` seconds, and can
never write: state-changing endpoints read the session from its store, and nothing
re-issues a cache entry that storage did not just confirm (issue 17, item 4)."""

from __future__ import annotations

import pytest

from tests.helpers import PASSWORD
from tests.helpers import Caller

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
DATA = "better-auth.session_data"
MAX_AGE = 300


@pytest.fixture
def victim(clock, make_app, via):
    """Ann signed up on an app with the cookie cache on (and account deletion)."""
    test_app = make_app(
        session={"cookie_cache": {"enabled": True, "max_age": MAX_AGE}},
        user={"delete_user": {"enabled": True}},
    )
    caller = Caller(test_app, via)
    assert caller.call("sign_up_email", ANN).status == 200
    return caller


def _stolen(victim: Caller) -> Caller:
    """Another browser holding a copy of the victim's cookies."""
    thief = Caller(victim.app, victim.via)
    thief.jar = dict(victim.jar)
    return thief


def _end_signed_out(victim: Caller) -> None:
    assert victim.call("sign_out").status == 200


def _end_revoked(victim: Caller) -> None:
    other = Caller(victim.app, victim.via)
    other.call("sign_in_email", {"email": ANN["email"], "password": PASSWORD})
    assert other.call("revoke_sessions").status == 200


def _end_deleted(victim: Caller) -> None:
    assert victim.call("delete_user", {"password": PASSWORD}).status == 200


ENDINGS = {"signed-out": _end_signed_out, "revoked": _end_revoked, "deleted": _end_deleted}
WRITES = [
    ("update_user", {"name": "Mallory"}),
    ("update_session", {"anything": 1}),
    ("revoke_other_sessions", None),
    ("change_password", {"currentPassword": PASSWORD, "newPassword": "another-password-1"}),
]


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_a_dead_sessions_cookie_pair_cannot_write(clock, victim, ending):
    thief = _stolen(victim)
    ENDINGS[ending](victim)
    for name, body in WRITES:
        reply = thief.call(name, body)
        assert (name, reply.status) == (name, 401), reply.json
        # The refusal gives no fresh cache; it expires the copied one.
        assert reply.cookie(DATA) in (None, "")


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_a_dead_session_lives_at_most_max_age(clock, victim, ending):
    copied = dict(victim.jar)
    thief = _stolen(victim)
    ENDINGS[ending](victim)
    # The attacker replays the copied pair, writing more often than max_age (the old
    # lever: each write used to issue a fresh cache entry).
    for _ in range(4):
        thief.jar = dict(copied)
        assert thief.call("update_user", {"name": "Mallory"}).status == 401
        clock.advance(seconds=MAX_AGE / 4 - 1)
    # Within max_age a read may still be served from the cache: the documented bound.
    thief.jar = dict(copied)
    assert thief.call("get_session").json is not None
    # Past it, nothing: the cache was never extended.
    clock.advance(seconds=5)
    thief.jar = dict(copied)
    assert thief.call("get_session").json is None
    thief.jar = dict(copied)
    assert thief.call("list_sessions").status == 401


def test_a_live_sessions_write_reissues_the_cache_from_storage(clock, victim):
    reply = victim.call("update_user", {"name": "Ann B."})
    assert reply.status == 200
    assert reply.cookie(DATA)
    assert victim.call("get_session").json["user"]["name"] == "Ann B."
