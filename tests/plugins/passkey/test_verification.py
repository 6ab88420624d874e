"""The checks of each ceremony, with generated attestation and assertion data: wrong
origin, wrong RP ID hash, bad signature, replayed and expired challenges, counter
regression, malformed data and huge bodies. Every refusal is a 4xx with the spec's code.

On SQLite and over HTTP only (the central flows run on PostgreSQL and ``auth.api``
too); the cases of one check share one app, to keep the suite fast.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from flask_betterauth.plugins import anonymous
from flask_betterauth.plugins import passkey
from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import rows

from .authenticator import UP
from .authenticator import Authenticator
from .authenticator import b64url
from .conftest import CHALLENGE_COOKIE
from .conftest import auth_options
from .conftest import call
from .conftest import register
from .conftest import register_options
from .conftest import sign_in
from .conftest import sign_up
from .conftest import signed_out


@pytest.fixture
def database_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path}/auth.sqlite"


@pytest.fixture
def via() -> str:
    return "http"


@pytest.fixture
def ann(pk: Caller, device: Authenticator) -> Caller:
    """Ann signed up with one passkey; the caller is a new browser, signed out."""
    sign_up(pk)
    assert register(pk, device).status == 200
    return signed_out(pk)


def code(reply: Any) -> tuple[int, str | None]:
    return reply.status, (reply.json or {}).get("code")


REG_FAILED = (400, "FAILED_TO_VERIFY_REGISTRATION")
AUTH_FAILED = (400, "AUTHENTICATION_FAILED")


# -- registration -------------------------------------------------------------------------


REGISTRATION_LIES: list[dict[str, Any]] = [
    {"origin": "http://evil.example"},
    {"rp_id": "evil.example"},
    {"kind": "webauthn.get"},
    {"flags": 0},  # user not present
]


def test_registration_refuses_a_foreign_credential(pk: Caller, device: Authenticator) -> None:
    sign_up(pk)
    for lie in REGISTRATION_LIES:
        response = device.create(register_options(pk), **lie)
        reply = call(pk, "verify_passkey_registration", {"response": response})
        assert code(reply) == REG_FAILED, lie
    assert rows(pk.app, "passkey") == []


def _mangle(response: dict[str, Any], field: str, value: Any) -> dict[str, Any]:
    return {**response, "response": {**response["response"], field: value}}


MALFORMED_REGISTRATIONS: list[Any] = [
    lambda r: _mangle(r, "attestationObject", b64url(b"\xa3\x63fmt\xff\xff")),  # bad CBOR
    lambda r: _mangle(r, "attestationObject", "!!not base64!!"),
    lambda r: _mangle(r, "attestationObject", 12),
    lambda r: _mangle(r, "clientDataJSON", b64url(b"{not json")),
    lambda r: {**r, "response": "nope"},
    lambda r: {"id": r["id"]},
    lambda r: {**r, "type": "password"},
]


def test_registration_refuses_malformed_data(pk: Caller, device: Authenticator) -> None:
    sign_up(pk)
    for index, bad in enumerate(MALFORMED_REGISTRATIONS):
        response = bad(device.create(register_options(pk)))
        reply = call(pk, "verify_passkey_registration", {"response": response})
        assert code(reply) == REG_FAILED, index


def test_registration_challenge_rules(pk: Caller, device: Authenticator, clock: Clock) -> None:
    sign_up(pk)
    options = register_options(pk)
    response = device.create(options)
    # No body response: a validation error, the challenge left alone.
    missing = call(pk, "verify_passkey_registration", {})
    assert code(missing) == (400, "VALIDATION_ERROR")
    assert call(pk, "verify_passkey_registration", {"response": response}).status == 200
    # Single use: the same response again finds no challenge.
    again = call(pk, "verify_passkey_registration", {"response": response})
    assert code(again) == (400, "CHALLENGE_NOT_FOUND")
    # Expired after 300 s.
    options = register_options(pk)
    clock.advance(seconds=301)
    late = call(pk, "verify_passkey_registration", {"response": device.create(options)})
    assert code(late) == (400, "CHALLENGE_NOT_FOUND")
    # An authentication challenge is not a registration challenge.
    auth_options(pk)
    wrong = call(pk, "verify_passkey_registration", {"response": device.create(options)})
    assert code(wrong) == (400, "CHALLENGE_NOT_FOUND")
    # No cookie, or a forged one.
    del pk.jar[CHALLENGE_COOKIE]
    assert code(call(pk, "verify_passkey_registration", {"response": response}))[1] == (
        "CHALLENGE_NOT_FOUND"
    )
    pk.jar[CHALLENGE_COOKIE] = "forged.c2lnbmF0dXJl"
    assert code(call(pk, "verify_passkey_registration", {"response": response}))[1] == (
        "CHALLENGE_NOT_FOUND"
    )


def test_another_users_challenge_cannot_register(pk: Caller, device: Authenticator) -> None:
    sign_up(pk)
    options = register_options(pk)
    bob = signed_out(pk)
    sign_up(bob, {"name": "Bob", "email": "bob@example.com", "password": "password123"})
    bob.jar[CHALLENGE_COOKIE] = pk.jar[CHALLENGE_COOKIE]
    reply = call(bob, "verify_passkey_registration", {"response": device.create(options)})
    assert code(reply) == (401, "YOU_ARE_NOT_ALLOWED_TO_REGISTER_THIS_PASSKEY")


def test_registration_needs_a_fresh_session(
    pk: Caller, device: Authenticator, clock: Clock
) -> None:
    assert code(call(pk, "generate_passkey_registration_options")) == (401, "UNAUTHORIZED")
    sign_up(pk)
    bad = call(pk, "generate_passkey_registration_options", query={"authenticatorAttachment": "x"})
    assert code(bad) == (400, "VALIDATION_ERROR")
    assert "authenticatorAttachment" in bad.json["message"]
    clock.advance(days=2)
    stale = call(pk, "generate_passkey_registration_options")
    assert code(stale) == (403, "SESSION_NOT_FRESH")


# -- authentication -----------------------------------------------------------------------


ASSERTION_LIES: list[dict[str, Any]] = [
    {"origin": "http://evil.example"},
    {"rp_id": "evil.example"},
    {"kind": "webauthn.create"},
    {"bad_signature": True},
]


def test_sign_in_refuses_a_forged_assertion(ann: Caller, device: Authenticator) -> None:
    for lie in ASSERTION_LIES:
        reply = sign_in(ann, device, **lie)
        assert code(reply) == AUTH_FAILED, lie
    assert "better-auth.session_token" not in ann.jar


def test_replayed_assertions_and_challenges(ann: Caller, device: Authenticator) -> None:
    options = auth_options(ann)
    response = device.get(options)
    assert call(ann, "verify_passkey_authentication", {"response": response}).status == 200
    # The same request again: its challenge is used up.
    again = call(ann, "verify_passkey_authentication", {"response": response})
    assert code(again) == (400, "CHALLENGE_NOT_FOUND")
    # Recorded and replayed against a new challenge: the challenge does not match.
    auth_options(ann)
    replay = call(ann, "verify_passkey_authentication", {"response": response})
    assert code(replay) == AUTH_FAILED


def test_expired_challenge(ann: Caller, device: Authenticator, clock: Clock) -> None:
    options = auth_options(ann)
    clock.advance(seconds=299)
    assert (
        call(ann, "verify_passkey_authentication", {"response": device.get(options)}).status == 200
    )
    options = auth_options(ann)
    clock.advance(seconds=301)
    late = call(ann, "verify_passkey_authentication", {"response": device.get(options)})
    assert code(late) == (400, "CHALLENGE_NOT_FOUND")


def test_counter_regression_is_refused(ann: Caller, device: Authenticator) -> None:
    assert sign_in(ann, device).status == 200  # counter 1
    assert sign_in(ann, device, sign_count=5).status == 200
    assert rows(ann.app, "passkey")[0]["counter"] == 5
    assert code(sign_in(ann, device, sign_count=5)) == AUTH_FAILED  # a clone
    assert code(sign_in(ann, device, sign_count=3)) == AUTH_FAILED
    assert rows(ann.app, "passkey")[0]["counter"] == 5


def test_authenticators_without_a_counter_keep_zero(pk: Caller) -> None:
    device = Authenticator(count_step=0)
    sign_up(pk)
    assert register(pk, device).status == 200
    browser = signed_out(pk)
    assert sign_in(browser, device).status == 200
    assert sign_in(browser, device).status == 200
    assert rows(pk.app, "passkey")[0]["counter"] == 0


def test_user_verification_is_not_required(pk: Caller) -> None:
    device = Authenticator(flags=UP)
    sign_up(pk)
    assert register(pk, device).status == 200
    assert rows(pk.app, "passkey")[0]["deviceType"] == "singleDevice"
    assert rows(pk.app, "passkey")[0]["backedUp"] is False
    assert sign_in(signed_out(pk), device).status == 200


MALFORMED_ASSERTIONS: list[Any] = [
    lambda r: _mangle(r, "authenticatorData", b64url(b"\x00" * 10)),
    lambda r: _mangle(r, "signature", "!!"),
    lambda r: _mangle(r, "clientDataJSON", b64url(b"[1, 2]")),
    lambda r: _mangle(r, "clientDataJSON", None),
    lambda r: {**r, "response": []},
    lambda r: {"id": r["id"]},
]


def test_sign_in_refuses_malformed_data(ann: Caller, device: Authenticator) -> None:
    for index, bad in enumerate(MALFORMED_ASSERTIONS):
        response = bad(device.get(auth_options(ann)))
        reply = call(ann, "verify_passkey_authentication", {"response": response})
        assert code(reply) == AUTH_FAILED, index


BAD_BODIES: list[tuple[dict[str, Any], tuple[int, str]]] = [
    ({}, (400, "VALIDATION_ERROR")),
    ({"response": "text"}, (400, "VALIDATION_ERROR")),
    ({"response": {}}, (401, "PASSKEY_NOT_FOUND")),
    ({"response": {"id": ["x"]}}, (401, "PASSKEY_NOT_FOUND")),
    ({"response": {"id": "x" * 5000}}, (401, "PASSKEY_NOT_FOUND")),
    ({"response": {"id": b64url(b"unknown")}}, (401, "PASSKEY_NOT_FOUND")),
]


def test_sign_in_bad_bodies(ann: Caller) -> None:
    for body, expected in BAD_BODIES:
        auth_options(ann)
        assert code(call(ann, "verify_passkey_authentication", body)) == expected, body


def test_a_registration_challenge_cannot_sign_in(pk: Caller, device: Authenticator) -> None:
    sign_up(pk)
    assert register(pk, device).status == 200
    options = register_options(pk)
    response = device.get({"rpId": options["rp"]["id"], "challenge": options["challenge"]})
    reply = call(pk, "verify_passkey_authentication", {"response": response})
    assert code(reply) == (400, "CHALLENGE_NOT_FOUND")


def test_no_origin_anywhere(ann: Caller, device: Authenticator) -> None:
    """Without the option and without an ``Origin`` header (``auth.api`` from a script,
    or a client with no cookies) there is nothing to compare: 400 without a code."""
    api = Caller(ann.app, "api")
    options = auth_options(api)
    reply = api.call("verify_passkey_authentication", {"response": device.get(options)}, headers={})
    assert reply.status == 400 and reply.json == {"message": "origin missing"}


def test_huge_bodies_are_refused(ann: Caller) -> None:
    auth_options(ann)
    blob = base64.b64encode(b"\x00" * 2_000_000).decode()
    reply = call(ann, "verify_passkey_authentication", {"response": {"id": "x", "response": blob}})
    assert reply.status == 413
    assert json.loads(json.dumps(reply.json))["code"] == "PAYLOAD_TOO_LARGE"


def test_configured_origins_and_rp_id(make_app: Any, clock: Clock) -> None:
    """With ``origin`` set, clientDataJSON must carry one of those origins, whatever the
    request's ``Origin`` header; ``rp_id`` replaces the host of the base URL."""
    app = make_app(
        plugins=[passkey(rp_id="localhost", origin=["http://localhost", "http://localhost:3000"])],
    )
    caller = Caller(app, "http")
    sign_up(caller)
    device = Authenticator(origin="http://localhost:3000")
    assert register(caller, device).status == 200
    browser = signed_out(caller)
    assert sign_in(browser, device).status == 200
    assert code(sign_in(browser, device, origin="http://localhost:4000")) == AUTH_FAILED
    other = make_app(plugins=[passkey(rp_id="example.com", rp_name="Example")])
    bob = Caller(other, "http")
    sign_up(bob, {"name": "Bob", "email": "bob@example.com", "password": "password123"})
    assert register_options(bob)["rp"] == {"name": "Example", "id": "example.com"}


def test_update_and_delete_bodies(ann: Caller) -> None:
    pk = signed_out(ann)
    assert code(call(pk, "list_passkeys")) == (401, "UNAUTHORIZED")
    pk.call("sign_in_email", {"email": "ann@example.com", "password": "password123"})
    passkey_id = call(pk, "list_passkeys").json[0]["id"]
    blank = call(pk, "update_passkey", {"id": passkey_id, "name": "   "})
    assert code(blank) == (400, "VALIDATION_ERROR")
    assert code(call(pk, "update_passkey", {"id": passkey_id, "name": "x" * 300}))[0] == 400
    assert code(call(pk, "update_passkey", {"id": "nope", "name": "A"})) == (
        404,
        "PASSKEY_NOT_FOUND",
    )
    assert code(call(pk, "delete_passkey", {})) == (400, "VALIDATION_ERROR")
    assert code(call(pk, "delete_passkey", {"id": 5})) == (400, "VALIDATION_ERROR")


def test_a_guest_signing_in_with_a_passkey_is_linked(make_app: Any, clock: Clock) -> None:
    """With ``anonymous()`` on, a guest's browser signing in with a passkey hands the
    guest over and deletes it, as after any sign-in (Better Auth links on
    ``/passkey/verify-authentication`` too): the endpoint is a ``sign_in`` endpoint."""
    app = make_app(plugins=[passkey(), anonymous()])
    ann = Caller(app, "http")
    sign_up(ann)
    device = Authenticator()
    assert register(ann, device).status == 200
    browser = signed_out(ann)
    guest = call(browser, "sign_in_anonymous", {})
    assert guest.status == 200, guest.json
    assert [u["id"] for u in rows(app, "user") if u.get("isAnonymous")] == [
        guest.json["user"]["id"]
    ]
    assert sign_in(browser, device).status == 200
    assert not [u for u in rows(app, "user") if u.get("isAnonymous")]
