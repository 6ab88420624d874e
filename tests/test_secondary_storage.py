"""Secondary storage: the backends' contract, Better Auth's key layout for sessions,
``store_session_in_database`` / ``preserve_session_in_database``, and Redis going down
(spec 6.5, 9.6)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from flask import jsonify

from flask_betterauth import APIError
from flask_betterauth import BetterAuthError
from flask_betterauth import current_user
from flask_betterauth import login_required
from flask_betterauth.clock import iso
from flask_betterauth.clock import now
from flask_betterauth.clock import to_ms
from flask_betterauth.cookies import encode_signed
from flask_betterauth.crypto import hash_token
from flask_betterauth.crypto import random_string
from flask_betterauth.storage.secondary import MemoryStorage
from flask_betterauth.storage.secondary import RedisStorage
from flask_betterauth.storage.secondary import SecondaryStorage
from tests.factories import sign_in
from tests.factories import sign_up
from tests.helpers import PASSWORD
from tests.helpers import SECRET
from tests.helpers import Caller
from tests.helpers import TestApp
from tests.helpers import build_app
from tests.helpers import rows
from tests.servers import RedisServer

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
SIGN_IN_ANN = {"email": ANN["email"], "password": PASSWORD}
UNCACHED = {"disableCookieCache": "true"}
TOKEN_COOKIE = "better-auth.session_token"
WEEK = 7 * 24 * 3600
DAY = 24 * 3600
UNAVAILABLE = {
    "message": "Session storage is unavailable. Please try again shortly.",
    "code": "SECONDARY_STORAGE_UNAVAILABLE",
}


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def storage(secondary_storage: Any) -> Any:
    """A fresh secondary storage of each built-in kind (``secondary_storage``)."""
    return secondary_storage


@pytest.fixture
def redis_storage(redis_url: str) -> Iterator[RedisStorage]:
    """A storage on the test Redis."""
    store = RedisStorage.from_url(redis_url)
    yield store
    store.client.close()


@pytest.fixture
def outage(redis_server: RedisServer) -> Iterator[Callable[[], Any]]:
    """``with outage():`` stops Redis for the block, then starts it again with its data.

    The test server keeps no data over a restart by itself (no persistence), so the data
    is saved just before the stop, as a production Redis with persistence would keep it.
    The snapshot is emptied afterwards so that no later test loads it.
    """

    @contextmanager
    def stopped() -> Iterator[None]:
        assert redis_server.command("SAVE") == b"+OK"
        redis_server.stop()
        try:
            yield
        finally:
            redis_server.start()

    yield stopped
    redis_server.start()
    redis_server.flushall()
    redis_server.command("SAVE")


@pytest.fixture
def tmp_sqlite(tmp_path: Any) -> str:
    """The URL of a SQLite file for this test."""
    return f"sqlite:///{tmp_path}/auth.sqlite"


@pytest.fixture
def apps(tmp_sqlite: str) -> Iterator[Callable[..., TestApp]]:
    """Build apps on one SQLite file; their engines are closed afterwards."""
    made: list[TestApp] = []

    def build(**options: Any) -> TestApp:
        test_app = build_app(tmp_sqlite, **options)
        made.append(test_app)
        return test_app

    yield build
    for test_app in made:
        test_app.dispose()


def add_protected_view(test_app: TestApp) -> None:
    """``GET /me``: a view behind ``login_required`` that answers the user's email."""

    @test_app.app.get("/me")
    @login_required
    def me() -> Any:
        return jsonify(email=current_user["email"])


def session_of(device: Caller) -> dict[str, Any] | None:
    """The stored session of ``device`` (cookie cache skipped), or ``None``."""
    reply = device.call("get_session", query=UNCACHED)
    assert reply.status == 200, reply.json
    return reply.json["session"] if reply.json else None


def redis_ttl(storage: RedisStorage, key: str) -> int:
    """Seconds left on ``key`` in Redis."""
    return int(storage.client.ttl(key))


# -- the backends' contract -------------------------------------------------------------


def test_set_get_delete(storage):
    assert isinstance(storage, SecondaryStorage)
    assert storage.get("missing") is None
    storage.set("k", "v1")
    storage.set("k", "v2")
    assert storage.get("k") == "v2"
    storage.delete("k")
    storage.delete("k")
    assert storage.get("k") is None


def test_set_if_exists_never_creates(storage):
    assert storage.set_if_exists("absent", "v", 60) is False
    assert storage.get("absent") is None
    storage.set("present", "old", 60)
    assert storage.set_if_exists("present", "new", 60) is True
    assert storage.get("present") == "new"
    assert storage.set_if_exists("present", "gone", 0) is True
    assert storage.get("present") is None


def test_get_and_delete_is_single_use(storage):
    storage.set("once", "value", 60)
    assert storage.get_and_delete("once") == "value"
    assert storage.get_and_delete("once") is None
    assert storage.get("once") is None


def test_memory_storage_expires_keys_with_the_clock(clock):
    storage = MemoryStorage()
    storage.set("short", "v", 10)
    storage.set("forever", "v")
    storage.set("gone", "v", 0)
    assert (storage.get("short"), storage.get("gone")) == ("v", None)
    clock.advance(seconds=10)
    assert (storage.get("short"), storage.get("forever")) == (None, "v")
    storage.set("stale", "v", 5)
    clock.advance(seconds=6)
    assert storage.purge() == 1
    assert len(storage) == 1


def test_memory_counter_keeps_its_first_expiry(clock):
    storage = MemoryStorage()
    assert [storage.increment("hits", 10) for _ in range(3)] == [1, 2, 3]
    clock.advance(seconds=9)
    assert storage.increment("hits", 10) == 4
    clock.advance(seconds=1)
    assert storage.increment("hits", 10) == 1


@pytest.mark.redis
def test_redis_ttls_and_counter(redis_storage):
    redis_storage.set("short", "v", 30)
    assert 29 <= redis_ttl(redis_storage, "short") <= 30
    redis_storage.set("forever", "v")
    assert redis_ttl(redis_storage, "forever") == -1
    redis_storage.set("short", "v", 0)
    assert redis_storage.get("short") is None
    assert [redis_storage.increment("hits", 60) for _ in range(3)] == [1, 2, 3]
    assert 59 <= redis_ttl(redis_storage, "hits") <= 60
    assert redis_storage.ping()


@pytest.mark.redis
def test_redis_key_prefix(redis_url):
    prefixed = RedisStorage.from_url(redis_url, key_prefix="app1:")
    plain = RedisStorage.from_url(redis_url)
    prefixed.set("k", "v")
    assert (plain.get("app1:k"), plain.get("k")) == ("v", None)
    prefixed.client.close()
    plain.client.close()


@pytest.mark.redis
def test_redis_errors_are_unavailable_errors(redis_server, outage):
    storage = RedisStorage.from_url(redis_server.url)
    with outage():
        with pytest.raises(APIError) as caught:
            storage.get("k")
        assert not storage.ping()
    assert (caught.value.status, caught.value.code) == (503, "SECONDARY_STORAGE_UNAVAILABLE")
    assert storage.get("k") is None
    storage.client.close()


# -- options --------------------------------------------------------------------------


def test_an_object_without_the_methods_is_refused(tmp_sqlite):
    class NotAStorage:
        def get(self, key: str) -> None:
            return None

    with pytest.raises(BetterAuthError, match="lacks set, delete"):
        build_app(tmp_sqlite, secondary_storage=NotAStorage())


def test_preserve_without_database_storage_is_reported(apps, caplog):
    with caplog.at_level(logging.WARNING, logger="flask_betterauth"):
        apps(secondary_storage=MemoryStorage(), session={"preserve_session_in_database": True})
    assert "preserve_session_in_database has no effect" in caplog.text


# -- Better Auth's key layout -----------------------------------------------------------


def test_sessions_live_under_better_auths_keys(apps, storage, clock):
    test_app = apps(secondary_storage=storage)
    laptop, phone = Caller(test_app, "http"), Caller(test_app, "http")
    laptop_token = sign_up(laptop)
    clock.advance(minutes=1)
    phone_token = sign_in(phone)
    user_id = session_of(laptop)["userId"]

    value = json.loads(storage.get(hash_token(laptop_token)))
    assert set(value) == {"session", "user"}
    assert value["session"]["token"] == hash_token(laptop_token), "tokens are kept hashed"
    assert value["session"]["expiresAt"] == iso(clock.now - timedelta(minutes=1, seconds=-WEEK))
    assert value["user"]["email"] == "ann@example.com"
    assert storage.get(laptop_token) is None, "no key names a raw token"

    active = json.loads(storage.get(f"active-sessions-{user_id}"))
    assert active == [
        {"token": hash_token(laptop_token), "expiresAt": to_ms(clock.now) - 60_000 + WEEK * 1000},
        {"token": hash_token(phone_token), "expiresAt": to_ms(clock.now) + WEEK * 1000},
    ]
    assert rows(test_app, "session") == [], "without store_session_in_database, no rows"
    if isinstance(storage, RedisStorage):
        # Redis counts real seconds from each write; the test clock stood still meanwhile.
        assert WEEK - 2 <= redis_ttl(storage, hash_token(laptop_token)) <= WEEK
        assert WEEK - 2 <= redis_ttl(storage, f"active-sessions-{user_id}") <= WEEK


def test_store_session_in_database_writes_both(apps, storage, clock):
    test_app = apps(secondary_storage=storage, session={"store_session_in_database": True})
    laptop = Caller(test_app, "api")
    token = sign_up(laptop)

    [row] = rows(test_app, "session")
    assert row["token"] == hash_token(token)
    assert json.loads(storage.get(hash_token(token)))["session"]["id"] == row["id"]


def test_revoke_sessions_writes_the_revoked_before_marker(apps, storage, clock):
    test_app = apps(secondary_storage=storage, session={"expires_in": 3600})
    laptop, phone = Caller(test_app, "http"), Caller(test_app, "http")
    sign_up(laptop)
    phone_token = sign_in(phone)
    user_id = session_of(laptop)["userId"]
    stale_copy = storage.get(hash_token(phone_token))
    clock.advance(seconds=1)

    laptop.call("revoke_sessions")

    assert storage.get(f"revoked-sessions-before-{user_id}") == str(to_ms(clock.now))
    assert storage.get(f"active-sessions-{user_id}") is None
    assert storage.get(hash_token(phone_token)) is None
    if isinstance(storage, RedisStorage):
        # At least a day, though sessions here live an hour (Better Auth's rule).
        assert DAY - 1 <= redis_ttl(storage, f"revoked-sessions-before-{user_id}") <= DAY
    # A copy written back afterwards (a request that was refreshing it) is still refused.
    storage.set(hash_token(phone_token), stale_copy, 3600)
    assert session_of(phone) is None
    # Sessions begun afterwards are not.
    sign_in(phone)
    assert session_of(phone) is not None


def test_a_refresh_racing_a_revocation_does_not_bring_the_session_back(apps, storage, clock):
    test_app = apps(secondary_storage=storage)
    laptop, phone = Caller(test_app, "http"), Caller(test_app, "http")
    sign_up(laptop)
    phone_token = sign_in(phone)
    store = test_app.app.extensions["betterauth"].sessions.store
    # A request of the phone has read its session and is about to extend it...
    seen, _ = store.find([hash_token(phone_token)])
    # ...when the laptop ends it...
    assert laptop.call("revoke_session", {"token": phone_token}).json == {"status": True}
    # ...so the extension finds nothing to extend, and writes nothing back.
    clock.advance(days=2)
    changes = {"expiresAt": clock.now + timedelta(days=7), "updatedAt": clock.now}
    assert store.update(seen, changes) is None
    assert storage.get(hash_token(phone_token)) is None
    assert session_of(phone) is None


def test_a_session_better_auth_wrote_is_honoured(apps, storage, clock):
    test_app = apps(secondary_storage=storage)
    laptop = Caller(test_app, "http")
    sign_up(laptop)
    user = json.loads(storage.get(hash_token(session_of(laptop)["token"])))["user"]
    raw = random_string(32)
    moment = now()
    session = {"id": random_string(32), "token": raw, "userId": user["id"],
               "expiresAt": iso(moment + timedelta(days=7)), "createdAt": iso(moment),
               "updatedAt": iso(moment), "ipAddress": "", "userAgent": ""}  # fmt: skip
    storage.set(raw, json.dumps({"session": session, "user": user}), WEEK)
    other = Caller(test_app, "http")
    other.jar[TOKEN_COOKIE] = encode_signed(SECRET.encode(), raw)

    found = session_of(other)

    assert (found["id"], found["token"]) == (session["id"], raw)


def test_refresh_user_rewrites_the_cached_user(apps, storage, clock):
    test_app = apps(secondary_storage=storage)
    laptop, phone = Caller(test_app, "http"), Caller(test_app, "api")
    sign_up(laptop)
    sign_in(phone)
    [user] = rows(test_app, "user")
    sessions = test_app.app.extensions["betterauth"].sessions

    sessions.refresh_user({**user, "name": "Ann B."})

    for device in (laptop, phone):
        reply = device.call("get_session", query=UNCACHED)
        assert reply.json["user"]["name"] == "Ann B."


def test_preserve_session_in_database_ends_rows_instead_of_deleting(apps, clock):
    storage = MemoryStorage()
    test_app = apps(
        secondary_storage=storage,
        session={"store_session_in_database": True, "preserve_session_in_database": True},
    )
    laptop, phone, tablet = (Caller(test_app, "http") for _ in range(3))
    sign_up(laptop)
    phone_token = sign_in(phone)
    sign_in(tablet)
    clock.advance(minutes=5)

    laptop.call("revoke_session", {"token": phone_token})

    ended = {r["token"]: r for r in rows(test_app, "session")}[hash_token(phone_token)]
    assert ended["expiresAt"] == clock.now
    assert storage.get(hash_token(phone_token)) is None
    assert session_of(phone) is None
    assert len(laptop.call("list_sessions").json) == 2

    laptop.call("revoke_sessions")
    assert len(rows(test_app, "session")) == 3, "every row is kept"
    assert all(r["expiresAt"] <= clock.now for r in rows(test_app, "session"))
    clock.advance(days=30)
    with test_app.app.app_context():
        assert test_app.auth.cleanup_expired()["sessions"] == 0
    assert len(rows(test_app, "session")) == 3


# -- a storage that fails -------------------------------------------------------------


class FlakyStorage(MemoryStorage):
    """An app's own storage whose client raises its own errors while ``down``."""

    down = False

    def get(self, key: str) -> str | None:
        if self.down:
            raise ConnectionResetError("the store went away")
        return super().get(key)


def test_an_apps_own_storage_failing_is_a_503(apps, clock, caplog):
    storage = FlakyStorage()
    test_app = apps(secondary_storage=storage)
    laptop = Caller(test_app, "http")
    sign_up(laptop)
    storage.down = True

    with caplog.at_level(logging.ERROR, logger="flask_betterauth"):
        reply = laptop.call("get_session", query=UNCACHED)

    assert (reply.status, reply.json) == (503, UNAVAILABLE)
    assert "the store went away" in caplog.text
    storage.down = False
    assert session_of(laptop) is not None


# -- Redis down -------------------------------------------------------------------------


@pytest.mark.redis
@pytest.mark.parametrize("via", ["http", "api"])
def test_redis_down_without_database_is_a_503_and_loses_nothing(
    apps, redis_storage, outage, clock, via
):
    test_app = apps(secondary_storage=redis_storage, session={"cookie_cache": {"enabled": True}})
    add_protected_view(test_app)
    laptop, phone = Caller(test_app, via), Caller(test_app, via)
    sign_up(laptop)
    phone_token = sign_in(phone)
    client = test_app.app.test_client(use_cookies=False)
    token_only = {
        "Cookie": f"{TOKEN_COOKIE}={laptop.jar[TOKEN_COOKIE]}",
        "Accept": "application/json",
    }

    with outage():
        for name, body, query in (
            ("get_session", None, UNCACHED),
            ("list_sessions", None, None),
            ("sign_in_email", SIGN_IN_ANN, None),
            ("revoke_session", {"token": phone_token}, None),
            ("revoke_sessions", None, None),
            ("revoke_other_sessions", None, None),
        ):
            reply = laptop.call(name, body, query=query)
            assert (name, reply.status, reply.json) == (name, 503, UNAVAILABLE)
        protected = client.get("/me", headers=token_only)
        assert (protected.status_code, protected.get_json()) == (503, UNAVAILABLE)
        # The cookie cache needs no storage, as in Better Auth.
        assert laptop.call("get_session").json["user"]["email"] == "ann@example.com"

    assert session_of(laptop) is not None
    assert session_of(phone) is not None
    assert len(laptop.call("list_sessions").json) == 2
    assert client.get("/me", headers=token_only).get_json() == {"email": "ann@example.com"}


@pytest.mark.redis
@pytest.mark.parametrize("via", ["http", "api"])
def test_sign_out_with_redis_down_clears_cookies_and_says_so(
    apps, redis_storage, outage, clock, via
):
    test_app = apps(secondary_storage=redis_storage)
    laptop = Caller(test_app, via)
    sign_up(laptop)
    token_cookie = laptop.jar[TOKEN_COOKIE]
    with outage():
        reply = laptop.call("sign_out", {})
        assert (reply.status, reply.json) == (503, UNAVAILABLE)
        assert reply.cookie(TOKEN_COOKIE) == ""
    # The session was not ended, and the client was told: it is still good.
    again = Caller(test_app, via)
    again.jar[TOKEN_COOKIE] = token_cookie
    assert session_of(again) is not None
    assert again.call("sign_out", {}).json == {"success": True}
    assert session_of(again) is None


@pytest.mark.redis
@pytest.mark.parametrize("via", ["http", "api"])
def test_redis_down_with_database_goes_on_from_the_database(
    apps, redis_storage, outage, clock, via
):
    test_app = apps(secondary_storage=redis_storage, session={"store_session_in_database": True})
    add_protected_view(test_app)
    laptop, phone, tablet = (Caller(test_app, via) for _ in range(3))
    sign_up(laptop)
    phone_token = sign_in(phone)
    client = test_app.app.test_client(use_cookies=False)

    with outage():
        assert session_of(laptop) is not None
        assert session_of(phone) is not None
        tablet_token = sign_in(tablet)
        assert session_of(tablet) is not None
        assert len(laptop.call("list_sessions").json) == 3
        cookie = f"{TOKEN_COOKIE}={laptop.jar[TOKEN_COOKIE]}"
        assert client.get("/me", headers={"Cookie": cookie}).get_json() == {
            "email": "ann@example.com"
        }
        # Ending a session needs both stores, or a stale copy could bring it back:
        # refused with nothing changed.
        reply = laptop.call("revoke_session", {"token": phone_token})
        assert (reply.status, reply.json) == (503, UNAVAILABLE)
        assert laptop.call("revoke_sessions").status == 503
        assert session_of(phone) is not None
        clock.advance(days=1, seconds=1)  # due for refresh: extended in the database
        assert session_of(laptop) is not None

    # The session begun while Redis was down is found in the database, and ends normally.
    assert session_of(tablet) is not None
    assert laptop.call("revoke_session", {"token": tablet_token}).json == {"status": True}
    assert laptop.call("revoke_session", {"token": phone_token}).json == {"status": True}
    assert session_of(tablet) is None
    assert session_of(phone) is None
    assert session_of(laptop) is not None
    assert [r["token"] for r in rows(test_app, "session")] == [
        hash_token(laptop.jar[TOKEN_COOKIE].split(".")[0])
    ]
