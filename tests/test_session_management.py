"""Session management across devices: list-sessions and the three revocations (spec 3.7,
3.8), the client IP and User-Agent each session records, expiry and ``cleanup_expired``.

Every test runs on each place sessions can live: SQLite; SQLite with the in-memory
secondary storage; PostgreSQL; PostgreSQL with sessions in Redis; PostgreSQL with Redis
and the database both (``store_session_in_database``). And each runs over HTTP and
through ``auth.api``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from datetime import timedelta
from typing import Any

import pytest

from flask_betterauth.clock import now
from flask_betterauth.cookies import encode_signed
from flask_betterauth.crypto import hash_token
from flask_betterauth.options import merge_options
from flask_betterauth.storage.secondary import MemoryStorage
from flask_betterauth.storage.secondary import RedisStorage
from tests.factories import sign_in
from tests.factories import sign_up
from tests.helpers import PASSWORD
from tests.helpers import SECRET
from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import TestApp
from tests.helpers import rows

ANN = {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
BOB = {"name": "Bob", "email": "bob@example.com", "password": PASSWORD}
SIGN_IN_ANN = {"email": ANN["email"], "password": PASSWORD}
SESSION_KEYS = {"id", "token", "userId", "expiresAt", "ipAddress", "userAgent", "createdAt",
                "updatedAt"}  # fmt: skip
UNCACHED = {"disableCookieCache": "true"}
TOKEN_COOKIE = "better-auth.session_token"
DATA_COOKIE = "better-auth.session_data"
#: Stands for the socket's address in expectations.
SOCKET = object()


@dataclass
class Backend:
    """Where the sessions of one test live."""

    name: str
    database_url: str
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def in_database(self) -> bool:
        """Whether the ``session`` table holds the sessions."""
        storage = self.options.get("secondary_storage")
        return storage is None or self.options.get("session", {}).get(
            "store_session_in_database", False
        )


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("sqlite+memory", id="sqlite+memory"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    pytest.param(
        "postgresql+redis", id="postgresql+redis", marks=[pytest.mark.postgres, pytest.mark.redis]
    ),
    pytest.param(
        "postgresql+redis+database",
        id="postgresql+redis+database",
        marks=[pytest.mark.postgres, pytest.mark.redis],
    ),
]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, tmp_path: Any) -> Backend:
    """The database (and secondary storage) of this run."""
    name = request.param
    if name.startswith("sqlite"):
        url = f"sqlite:///{tmp_path}/auth.sqlite"
    else:
        url = str(request.getfixturevalue("fresh_postgresql_url"))
    options: dict[str, Any] = {}
    if "memory" in name:
        options["secondary_storage"] = MemoryStorage()
    if "redis" in name:
        options["secondary_storage"] = RedisStorage.from_url(request.getfixturevalue("redis_url"))
    if name.endswith("+database"):
        options["session"] = {"store_session_in_database": True}
    return Backend(name, url, options)


@pytest.fixture
def database_url(backend: Backend) -> str:
    """Overrides the conftest's: the database of :func:`backend`."""
    return backend.database_url


@pytest.fixture
def app_with(make_app: Callable[..., TestApp], backend: Backend) -> Callable[..., TestApp]:
    """Build an app on :func:`backend` with extra options."""

    def build(**options: Any) -> TestApp:
        return make_app(**merge_options(backend.options, options))

    return build


@pytest.fixture
def auth_app(app_with: Callable[..., TestApp]) -> TestApp:
    """Overrides the conftest's: the default test app on :func:`backend`."""
    return app_with()


@pytest.fixture
def devices(auth_app: TestApp, via: str, clock: Clock) -> Callable[[], Caller]:
    """Make one more browser (a device with its own cookies) on the test app."""
    return lambda: Caller(auth_app, via)


def session_of(device: Caller) -> dict[str, Any] | None:
    """What an authoritative ``get-session`` says for ``device`` (the cookie cache skipped)."""
    reply = device.call("get_session", query=UNCACHED)
    assert reply.status == 200, reply.json
    return reply.json["session"] if reply.json else None


# -- list-sessions ----------------------------------------------------------------------


def test_list_sessions_shows_every_device(devices):
    laptop, phone, tablet = devices(), devices(), devices()
    own = sign_up(laptop)
    phone_token = sign_in(phone)
    tablet_token = sign_in(tablet)

    reply = laptop.call("list_sessions")

    assert reply.status == 200
    listed = reply.json
    assert all(set(session) == SESSION_KEYS for session in listed), listed
    # The caller's own session carries its token; the others, the value kept for them.
    assert [s["token"] for s in listed] == [own, hash_token(phone_token), hash_token(tablet_token)]
    assert len({s["id"] for s in listed}) == 3
    assert {s["userId"] for s in listed} == {session_of(laptop)["userId"]}
    assert all(s["expiresAt"].endswith("Z") for s in listed)
    assert TOKEN_COOKIE not in reply.headers.get("Set-Cookie", "")


def test_list_sessions_leaves_out_other_users_and_expired_sessions(devices, clock):
    laptop, old_phone, bob, desk = devices(), devices(), devices(), devices()
    sign_up(laptop)
    sign_up(bob, BOB)
    sign_in(old_phone, rememberMe=False)  # lives one day
    assert len(laptop.call("list_sessions").json) == 2
    laptop_id = session_of(laptop)["id"]
    clock.advance(days=1, seconds=1)
    sign_in(desk)

    listed = desk.call("list_sessions").json

    assert [s["id"] for s in listed] == [laptop_id, session_of(desk)["id"]]


def test_list_sessions_needs_a_fresh_session(devices, clock):
    laptop = devices()
    sign_up(laptop)
    clock.advance(days=1, seconds=1)

    reply = laptop.call("list_sessions")

    assert (reply.status, reply.json["code"]) == (403, "SESSION_NOT_FRESH")


def test_session_management_needs_a_session(devices):
    stranger = devices()
    for name, body in (
        ("list_sessions", None),
        ("revoke_session", {"token": "x" * 32}),
        ("revoke_sessions", None),
        ("revoke_other_sessions", None),
    ):
        reply = stranger.call(name, body)
        assert (reply.status, reply.json) == (
            401,
            {"message": "Unauthorized", "code": "UNAUTHORIZED"},
        ), name


# -- revoke-session ---------------------------------------------------------------------


def test_revoke_session_by_token_ends_that_device_only(devices):
    laptop, phone = devices(), devices()
    sign_up(laptop)
    phone_token = sign_in(phone)

    reply = laptop.call("revoke_session", {"token": phone_token})

    assert (reply.status, reply.json) == (200, {"status": True})
    assert reply.cookie(TOKEN_COOKIE) is None, "the caller's cookies must stay"
    assert session_of(phone) is None
    assert session_of(laptop) is not None
    assert len(laptop.call("list_sessions").json) == 1


def test_revoke_session_by_listed_value(devices):
    laptop, phone = devices(), devices()
    sign_up(laptop)
    sign_in(phone)
    other = [s for s in laptop.call("list_sessions").json if s["id"] != session_of(laptop)["id"]]

    reply = laptop.call("revoke_session", {"token": other[0]["token"]})

    assert reply.json == {"status": True}
    assert session_of(phone) is None
    assert session_of(laptop) is not None


def test_a_listed_value_is_not_a_cookie(auth_app, devices):
    laptop, phone = devices(), devices()
    sign_up(laptop)
    sign_in(phone)
    listed = [s["token"] for s in laptop.call("list_sessions").json]
    thief = devices()
    thief.jar[TOKEN_COOKIE] = encode_signed(SECRET.encode(), listed[1])

    assert thief.call("get_session", query=UNCACHED).json is None
    assert thief.call("list_sessions").status == 401
    assert session_of(phone) is not None


def test_revoke_session_ignores_other_users_and_unknown_tokens(devices):
    ann, bob = devices(), devices()
    sign_up(ann)
    bob_token = sign_up(bob, BOB)

    assert ann.call("revoke_session", {"token": bob_token}).json == {"status": True}
    assert ann.call("revoke_session", {"token": hash_token(bob_token)}).json == {"status": True}
    assert ann.call("revoke_session", {"token": "no-such-token"}).json == {"status": True}

    assert session_of(bob) is not None
    assert session_of(ann) is not None


def test_revoke_own_session_expires_the_cookies(devices):
    laptop, phone = devices(), devices()
    own = sign_up(laptop)
    sign_in(phone)

    reply = laptop.call("revoke_session", {"token": own})

    assert reply.json == {"status": True}
    assert reply.cookie(TOKEN_COOKIE) == ""
    assert TOKEN_COOKIE not in laptop.jar
    laptop.jar[TOKEN_COOKIE] = encode_signed(SECRET.encode(), own)
    assert session_of(laptop) is None
    assert session_of(phone) is not None


def test_revoke_session_needs_a_token(devices):
    laptop = devices()
    sign_up(laptop)

    reply = laptop.call("revoke_session", {})

    assert (reply.status, reply.json["code"]) == (400, "VALIDATION_ERROR")
    assert session_of(laptop) is not None


# -- revoke-sessions and revoke-other-sessions ------------------------------------------


def test_revoke_sessions_ends_every_session_of_the_user(devices):
    laptop, phone, bob = devices(), devices(), devices()
    own = sign_up(laptop)
    sign_in(phone)
    sign_up(bob, BOB)

    reply = laptop.call("revoke_sessions")

    assert (reply.status, reply.json) == (200, {"status": True})
    assert reply.cookie(TOKEN_COOKIE) == ""
    assert session_of(phone) is None
    laptop.jar[TOKEN_COOKIE] = encode_signed(SECRET.encode(), own)
    assert session_of(laptop) is None
    assert session_of(bob) is not None
    # A new sign-in after "sign out everywhere" works at once.
    sign_in(phone)
    assert session_of(phone) is not None


def test_revoke_other_sessions_leaves_only_the_callers(devices):
    laptop, phone, tablet, bob = devices(), devices(), devices(), devices()
    own = sign_up(laptop)
    sign_in(phone)
    sign_in(tablet)
    sign_up(bob, BOB)

    reply = laptop.call("revoke_other_sessions")

    assert (reply.status, reply.json) == (200, {"status": True})
    assert reply.set_cookies == [], "revoke-other-sessions changes no cookie"
    assert session_of(phone) is None
    assert session_of(tablet) is None
    assert session_of(bob) is not None
    assert [s["token"] for s in laptop.call("list_sessions").json] == [own]


def test_session_management_is_on_auth_api(auth_app, devices):
    laptop, phone = devices(), devices()
    sign_up(laptop)
    phone_token = sign_in(phone)
    cookie = {"Cookie": "; ".join(f"{k}={v}" for k, v in laptop.jar.items())}
    api = auth_app.auth.api

    with auth_app.app.test_request_context():
        listed = api.list_sessions(headers=cookie)
        assert len(listed) == 2
        assert api.revoke_session(body={"token": phone_token}, headers=cookie) == {"status": True}
        assert api.revoke_other_sessions(headers=cookie) == {"status": True}
        answer = api.revoke_sessions(headers=cookie, return_headers=True)
    assert answer.response == {"status": True}
    expired = [line for line in answer.headers.getlist("Set-Cookie") if "Max-Age=0" in line]
    assert any(line.startswith(f"{TOKEN_COOKIE}=;") for line in expired)
    assert session_of(laptop) is None


# -- revocation and the cookie cache ----------------------------------------------------


def test_cookie_cache_of_a_revoked_session_lasts_at_most_its_max_age(app_with, via, clock):
    test_app = app_with(session={"cookie_cache": {"enabled": True, "max_age": 300}})
    laptop, phone = Caller(test_app, via), Caller(test_app, via)
    sign_up(laptop)
    phone_token = sign_in(phone)
    assert DATA_COOKIE in phone.jar

    laptop.call("revoke_session", {"token": phone_token})
    cookies = dict(phone.jar)

    # As in Better Auth, the signed copy in the phone's cookie is trusted until it expires...
    assert phone.call("get_session").json["session"]["token"] == phone_token
    # ...but not by a sensitive endpoint, which always reads the storage,
    assert phone.call("revoke_other_sessions").status == 401
    # ...nor by a request that asks for the stored session,
    phone.jar = dict(cookies)
    assert phone.call("get_session", query=UNCACHED).json is None
    # ...nor a moment past its max age.
    phone.jar = dict(cookies)
    clock.advance(seconds=299)
    assert phone.call("get_session").json is not None
    clock.advance(seconds=2)
    assert phone.call("get_session").json is None


# -- what a session records -------------------------------------------------------------


def test_sessions_record_user_agent_and_socket_address(devices):
    laptop, phone = devices(), devices()
    sign_up(laptop)
    reply = phone.call(
        "sign_in_email",
        SIGN_IN_ANN,
        headers={"User-Agent": "Phone/1.0", "X-Forwarded-For": "203.0.113.9"},
    )
    assert reply.status == 200

    session = session_of(phone)

    assert session["userAgent"] == "Phone/1.0"
    # No proxy header is trusted unless named: the socket's address is recorded (none
    # for a call through auth.api outside a real request).
    assert session["ipAddress"] == socket_address(phone)


def socket_address(device: Caller) -> str:
    """The peer address the app sees for ``device``: the test client's, or none."""
    return "127.0.0.1" if device.via == "http" else ""


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("ip_options", "forwarded", "recorded"),
    [
        ({}, "203.0.113.9", SOCKET),
        ({"ip_address_headers": ["x-forwarded-for"]}, "203.0.113.9", "203.0.113.9"),
        ({"ip_address_headers": ["x-forwarded-for"]}, "203.0.113.9, 10.0.0.1", SOCKET),
        ({"ip_address_headers": ["x-real-ip"]}, "203.0.113.9", SOCKET),
        ({"disable_ip_tracking": True}, "203.0.113.9", ""),
        (
            {"disable_ip_tracking": True, "ip_address_headers": ["x-forwarded-for"]},
            "203.0.113.9",
            "",
        ),
    ],
)
def test_client_ip_comes_only_from_configured_headers(
    app_with, via, clock, ip_options, forwarded, recorded
):
    test_app = app_with(advanced={"ip_address": ip_options})
    device = Caller(test_app, via)
    reply = device.call("sign_up_email", ANN, headers={"X-Forwarded-For": forwarded})
    assert reply.status == 200

    expected = socket_address(device) if recorded is SOCKET else recorded
    assert session_of(device)["ipAddress"] == expected


# -- expiry and cleanup -----------------------------------------------------------------


def test_an_expired_session_is_removed_when_met(auth_app, backend, devices, clock):
    phone = devices()
    sign_up(phone, {**ANN, "rememberMe": False})
    clock.advance(days=1, seconds=1)

    reply = phone.call("get_session", query=UNCACHED)

    assert reply.json is None
    assert reply.cookie(TOKEN_COOKIE) == ""
    assert rows(auth_app, "session") == []


def test_cleanup_expired_deletes_expired_sessions_and_verifications(
    auth_app, backend, devices, clock
):
    laptop, phone = devices(), devices()
    sign_up(laptop)
    sign_in(phone, rememberMe=False)
    adapter = auth_app.app.extensions["betterauth"].adapter
    moment = now()
    for name, hours in (("old", 1), ("new", 72)):
        expires = moment + timedelta(hours=hours)
        adapter.create(
            "verification",
            {"id": name, "identifier": name, "value": "v", "expiresAt": expires,
             "createdAt": moment, "updatedAt": moment},
        )  # fmt: skip
    clock.advance(days=2)

    with auth_app.app.app_context():
        counts = auth_app.auth.cleanup_expired()

    assert counts == {"sessions": 1 if backend.in_database else 0, "verifications": 1}
    assert [v["id"] for v in rows(auth_app, "verification")] == ["new"]
    assert session_of(laptop) is not None
    if backend.in_database:
        assert [s["id"] for s in rows(auth_app, "session")] == [session_of(laptop)["id"]]
    with auth_app.app.app_context():
        assert auth_app.auth.cleanup_expired() == {"sessions": 0, "verifications": 0}


def test_sliding_refresh_is_seen_by_the_list(app_with, via, clock):
    test_app = app_with(session={"fresh_age": 0})
    laptop = Caller(test_app, via)
    sign_up(laptop)
    first = session_of(laptop)
    clock.advance(days=1, seconds=1)

    refreshed = session_of(laptop)
    [listed] = laptop.call("list_sessions").json

    assert refreshed["expiresAt"] > first["expiresAt"]
    assert listed["expiresAt"] == refreshed["expiresAt"]
    clock.advance(days=6)
    assert session_of(laptop) is not None, "the refreshed session outlives the first expiry"


def test_sign_out_removes_the_session_from_the_list(devices):
    laptop, phone = devices(), devices()
    sign_up(laptop)
    sign_in(phone)

    assert phone.call("sign_out", {}).json == {"success": True}

    assert len(laptop.call("list_sessions").json) == 1
