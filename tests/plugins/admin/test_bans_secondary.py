"""Bans with sessions kept only in secondary storage (the test Redis): ``ban-user`` ends
the user's sessions there, and a banned user gets no new session by any sign-in, as
Better Auth, whose session-create hooks run even when no database row is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from flask_betterauth.plugins import admin
from flask_betterauth.storage.secondary import RedisStorage
from tests.helpers import Clock
from tests.helpers import build_app
from tests.helpers import rows
from tests.plugins.admin.conftest import Crew
from tests.plugins.admin.conftest import make_crew

BANNED = {
    "message": "You have been banned from this application. "
    "Please contact support if you believe this is an error.",
    "code": "BANNED_USER",
}
pytestmark = pytest.mark.redis


@pytest.fixture
def redis_storage(redis_url: str) -> Iterator[RedisStorage]:
    """The test Redis as the secondary storage (emptied after the test)."""
    store = RedisStorage.from_url(redis_url)
    yield store
    store.client.flushdb()
    store.client.close()


@pytest.fixture
def redis_crew(tmp_path: Any, redis_storage: RedisStorage, via: str, clock: Clock) -> Crew:
    """Boss and Ann on an app whose sessions live in Redis alone."""
    created: list[dict[str, Any]] = []

    def note(session: dict[str, Any], ctx: Any) -> None:
        created.append(session)

    test_app = build_app(
        f"sqlite:///{tmp_path}/bans.sqlite",
        plugins=[admin()],
        secondary_storage=redis_storage,
        database_hooks={"session": {"create": {"after": note}}},
    )
    crew = make_crew(test_app, via)
    # Boss was made admin in SQL, behind the copy of him kept with his session: sign in.
    crew = replace(crew, boss=crew.sign_in("boss@example.com")[0])
    assert rows(test_app, "session") == []  # nothing in the database
    # The app's own session hook runs too, for each session kept in Redis.
    assert [s["userId"] for s in created] == [crew.boss_id, crew.ann_id, crew.boss_id]
    return crew


def _keys(storage: RedisStorage, user_id: str) -> list[str]:
    """The user's list of sessions in Redis, if any (as a list of its key)."""
    return [str(key) for key in storage.client.keys(f"active-sessions-{user_id}")]


def test_ban_ends_redis_sessions_and_refuses_new_ones(
    redis_crew: Crew, redis_storage: RedisStorage, clock: Clock
) -> None:
    crew = redis_crew
    second, reply = crew.sign_in("ann@example.com")
    assert reply.status == 200
    assert crew.ann.call("get_session").json["user"]["id"] == crew.ann_id
    assert _keys(redis_storage, crew.ann_id)

    banned = crew.boss.call("ban_user", {"userId": crew.ann_id, "banExpiresIn": 3600})
    assert banned.status == 200, banned.json
    for device in (crew.ann, second):  # both sessions are gone from Redis
        assert device.call("get_session", query={"disableCookieCache": "true"}).json is None
    assert _keys(redis_storage, crew.ann_id) == []

    _, refused = crew.sign_in("ann@example.com")
    assert (refused.status, refused.json) == (403, BANNED)
    assert _keys(redis_storage, crew.ann_id) == []  # no session was written
    assert crew.boss.call("list_user_sessions", {"userId": crew.ann_id}).json == {"sessions": []}

    clock.advance(seconds=3601)  # the ban expires: it lifts itself at the next sign-in
    _, again = crew.sign_in("ann@example.com")
    assert again.status == 200, again.json
    user = crew.boss.call("get_user", query={"id": crew.ann_id}).json
    assert (user["banned"], user["banReason"]) == (False, None)


def test_impersonating_a_banned_user_is_refused(redis_crew: Crew) -> None:
    crew = redis_crew
    assert crew.boss.call("ban_user", {"userId": crew.ann_id}).status == 200
    refused = crew.boss.call("impersonate_user", {"userId": crew.ann_id})
    assert (refused.status, refused.json) == (403, BANNED)
    assert crew.boss.call("get_session").json["user"]["id"] == crew.boss_id  # still himself
