"""The ``session_data`` cookie cache (spec 3.6 step 5, 5.5), checked against the spec's
own reference code, over HTTP and through ``auth.api``."""

from __future__ import annotations

from datetime import timedelta

import pytest

from flask_betterauth.clock import to_ms
from tests.helpers import PASSWORD
from tests.helpers import SECRET
from tests.helpers import Caller
from tests.helpers import sql
from tests.spec_snippets import compact_session_data
from tests.spec_snippets import compact_signature_ok
from tests.spec_snippets import decode_compact

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
DATA = "better-auth.session_data"
EXPIRED_DATA = f"{DATA}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax"
EXPIRED_ALL = [
    "better-auth.session_token=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
    EXPIRED_DATA,
    "better-auth.dont_remember=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax",
]


@pytest.fixture
def cached(clock, make_app, via):
    """A caller signed up on an app with the cookie cache on."""
    caller = Caller(make_app(session={"cookie_cache": {"enabled": True}}), via)
    reply = caller.call("sign_up_email", ANN)
    assert reply.status == 200
    caller.signed = reply.json
    return caller


def test_compact_format_matches_the_reference(clock, cached):
    value = cached.jar[DATA]
    assert compact_signature_ok(value, SECRET)
    body = decode_compact(value)
    assert list(body) == ["session", "expiresAt", "signature"]
    payload = body["session"]
    assert list(payload) == ["session", "user", "updatedAt", "version"]
    now_ms = to_ms(clock.now)
    assert payload["updatedAt"] == now_ms
    assert payload["version"] == "1"
    assert body["expiresAt"] == now_ms + 300_000
    # The cached session carries the raw token, as the wire does.
    from_db = cached.call("get_session", query={"disableCookieCache": "true"}).json
    assert payload["session"] == from_db["session"]
    assert payload["user"] == from_db["user"] == cached.signed["user"]
    assert payload["session"]["token"] == cached.signed["token"]
    # Byte for byte what the reference code makes of the same data.
    expected = compact_session_data(payload["session"], payload["user"], SECRET, now_ms, 300)
    assert value == expected


def test_cache_cookie_line(cached):
    reply = cached.call("sign_in_email", {"email": "ann@example.com", "password": PASSWORD})
    value = reply.cookie(DATA)
    assert f"{DATA}={value}; Max-Age=300; Path=/; HttpOnly; SameSite=Lax" in reply.set_cookies


def test_hit_serves_without_the_database(cached):
    sql(cached.app, "DELETE FROM session")
    sql(cached.app, "UPDATE \"user\" SET name = 'Changed'")
    hit = cached.call("get_session")
    assert hit.json["session"]["token"] == cached.signed["token"]
    assert hit.json["user"]["name"] == "Ann"
    assert hit.set_cookies == []
    miss = cached.call("get_session", query={"disableCookieCache": "true"})
    assert miss.json is None
    assert sorted(miss.set_cookies) == sorted(EXPIRED_ALL)


def test_disable_cookie_cache_reads_the_database_and_reissues(clock, cached):
    sql(cached.app, "UPDATE \"user\" SET name = 'Changed'")
    assert cached.call("get_session").json["user"]["name"] == "Ann"
    clock.advance(seconds=10)
    fresh = cached.call("get_session", query={"disableCookieCache": "1"})
    assert fresh.json["user"]["name"] == "Changed"
    reissued = decode_compact(fresh.cookie(DATA))
    assert reissued["session"]["user"]["name"] == "Changed"
    assert reissued["expiresAt"] == to_ms(clock.now) + 300_000
    assert cached.call("get_session").json["user"]["name"] == "Changed"


def craft(
    caller,
    clock,
    *,
    token=None,
    version="1",
    session_changes=None,
    secret=SECRET,
    max_age=300,
    name="From Cache",
):
    """A cache cookie made by the reference code (as Better Auth would make it)."""
    wire = caller.call("get_session", query={"disableCookieCache": "1"}).json
    session = {**wire["session"], **(session_changes or {})}
    if token is not None:
        session["token"] = token
    user = {**wire["user"], "name": name}
    return compact_session_data(session, user, secret, to_ms(clock.now), max_age, version)


def test_cache_written_by_better_auth_is_used(clock, cached):
    cached.jar[DATA] = craft(cached, clock)
    reply = cached.call("get_session")
    assert reply.json["user"]["name"] == "From Cache"
    assert reply.set_cookies == []


@pytest.mark.parametrize(
    "kind", ["version", "token", "secret", "session expired", "garbage", "cut short"]
)
def test_invalid_cache_falls_through_and_is_expired(clock, cached, kind):
    if kind == "version":
        value = craft(cached, clock, version="2")
    elif kind == "token":
        value = craft(cached, clock, token="AnotherSessionToken0123456789abc")
    elif kind == "secret":
        value = craft(cached, clock, secret="another-secret-0123456789-0123456789")
    elif kind == "session expired":
        past = "2026-11-25T11:59:59.999Z"
        value = craft(cached, clock, session_changes={"expiresAt": past})
    elif kind == "garbage":
        value = "not-base64-json!"
    else:
        value = craft(cached, clock)[:-10]
    cached.jar[DATA] = value
    # With the row there, the answer comes from the database and the cache is renewed.
    reply = cached.call("get_session")
    assert reply.json["user"]["name"] == "Ann"
    assert reply.set_cookies[0] == EXPIRED_DATA
    assert decode_compact(reply.cookie(DATA))["session"]["user"]["name"] == "Ann"
    # Without the row, falling through means: no session.
    sql(cached.app, "DELETE FROM session")
    cached.jar[DATA] = value
    gone = cached.call("get_session")
    assert gone.json is None
    assert EXPIRED_DATA in gone.set_cookies


def test_configured_version(clock, make_app, via):
    caller = Caller(make_app(session={"cookie_cache": {"enabled": True, "version": "2"}}), via)
    caller.call("sign_up_email", ANN)
    assert decode_compact(caller.jar[DATA])["session"]["version"] == "2"
    caller.jar[DATA] = craft(caller, clock, version="1")
    sql(caller.app, "DELETE FROM session")
    assert caller.call("get_session").json is None
    caller2 = Caller(caller.app, caller.via)
    caller2.call("sign_up_email", {**ANN, "email": "bob@example.com"})
    caller2.jar[DATA] = craft(caller2, clock, version="2")
    assert caller2.call("get_session").json["user"]["name"] == "From Cache"


def test_cache_expires_after_max_age(clock, cached):
    sql(cached.app, "DELETE FROM session")
    clock.advance(seconds=299, milliseconds=999)
    assert cached.call("get_session").json["session"]["token"] == cached.signed["token"]
    clock.advance(milliseconds=1)
    assert cached.call("get_session").json is None


def test_configured_max_age(clock, make_app, via):
    caller = Caller(make_app(session={"cookie_cache": {"enabled": True, "max_age": 60}}), via)
    reply = caller.call("sign_up_email", ANN)
    line = next(c for c in reply.set_cookies if c.startswith(DATA + "="))
    assert "; Max-Age=60; " in line
    assert decode_compact(reply.cookie(DATA))["expiresAt"] == to_ms(clock.now) + 60_000
    sql(caller.app, "DELETE FROM session")
    clock.advance(seconds=59)
    assert caller.call("get_session").json is not None
    clock.advance(seconds=1)
    assert caller.call("get_session").json is None


def test_remember_me_false_cache_lives_one_minute_without_max_age(clock, cached):
    cached.jar.clear()
    reply = cached.call(
        "sign_in_email", {"email": "ann@example.com", "password": PASSWORD, "rememberMe": False}
    )
    line = next(c for c in reply.set_cookies if c.startswith(DATA + "="))
    assert "Max-Age" not in line
    body = decode_compact(reply.cookie(DATA))
    assert body["expiresAt"] == to_ms(clock.now) + 60_000
    assert compact_signature_ok(reply.cookie(DATA), SECRET)


def test_refresh_reissues_the_cache(clock, cached):
    clock.advance(days=1)
    reply = cached.call("get_session", query={"disableCookieCache": "1"})
    assert reply.json["session"]["expiresAt"] == "2026-12-03T12:00:00.000Z"
    payload = decode_compact(reply.cookie(DATA))["session"]
    assert payload["session"]["expiresAt"] == "2026-12-03T12:00:00.000Z"
    assert payload["updatedAt"] == to_ms(clock.now)


def test_cache_hit_never_extends_the_session(clock, cached):
    clock.advance(days=1)
    # The cache of sign-up has run out; re-read from the database to get a fresh one.
    cached.call("get_session")
    stored = sql(cached.app, 'SELECT "updatedAt" FROM session')
    clock.advance(seconds=30)
    hit = cached.call("get_session")
    assert hit.set_cookies == []
    assert sql(cached.app, 'SELECT "updatedAt" FROM session') == stored


def test_big_cache_is_chunked_and_read_back(clock, make_app, via):
    caller = Caller(
        make_app(
            session={"cookie_cache": {"enabled": True}},
            user={"additional_fields": {"bio": {"type": "string"}}},
        ),
        via,
    )
    bio = "b" * 6000
    reply = caller.call("sign_up_email", {**ANN, "bio": bio})
    names = [line.split("=", 1)[0] for line in reply.set_cookies]
    chunks = [f"{DATA}.{i}" for i in range(len(names) - 1)]
    assert len(chunks) >= 2
    assert names == ["better-auth.session_token", *chunks]
    assert all(len(line) <= 4050 for line in reply.set_cookies)
    joined = "".join(caller.jar[name] for name in chunks)
    assert compact_signature_ok(joined, SECRET)
    sql(caller.app, "DELETE FROM session")
    assert caller.call("get_session").json["user"]["bio"] == bio
    out = caller.call("sign_out", {})
    for name in chunks:
        assert f"{name}=; Max-Age=0; Path=/; HttpOnly; SameSite=Lax" in out.set_cookies


def test_expired_cache_with_live_row_reissues_a_fresh_one(clock, cached):
    clock.advance(minutes=10)
    reply = cached.call("get_session")
    assert reply.json["session"]["token"] == cached.signed["token"]
    body = decode_compact(reply.cookie(DATA))
    assert body["expiresAt"] == to_ms(clock.now) + 300_000
    assert body["session"]["session"]["expiresAt"] == to_iso(
        clock.now - timedelta(minutes=10) + timedelta(days=7)
    )


def to_iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")
