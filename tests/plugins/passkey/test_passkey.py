"""The passkey endpoints' central flows, on SQLite and PostgreSQL, over HTTP and
``auth.api``: register, list, sign in with and without a session, rename, delete, and
the rows encoded as Better Auth encodes them."""

from __future__ import annotations

import base64
import uuid
from typing import Any

import cbor2

from flask_betterauth.plugins import passkey
from flask_betterauth.plugins import two_factor
from tests.helpers import Caller
from tests.helpers import Clock
from tests.helpers import rows

from .authenticator import AAGUID
from .authenticator import Authenticator
from .authenticator import b64url
from .authenticator import cose_key
from .conftest import BOB
from .conftest import CHALLENGE_COOKIE
from .conftest import SESSION_COOKIE
from .conftest import auth_options
from .conftest import call
from .conftest import register
from .conftest import register_options
from .conftest import sign_in
from .conftest import sign_up
from .conftest import signed_out


def test_registration_options_and_challenge(pk: Caller) -> None:
    sign_up(pk)
    reply = call(pk, "generate_passkey_registration_options", query={"name": "Laptop"})
    assert reply.status == 200, reply.json
    options = reply.json
    assert options["rp"] == {"name": "Better Auth", "id": "localhost"}
    assert options["user"]["name"] == "Laptop"
    assert options["user"]["displayName"] == "ann@example.com"
    assert len(base64.urlsafe_b64decode(options["user"]["id"] + "=")) == 32
    assert len(options["challenge"]) == 43  # 32 bytes
    assert [p["alg"] for p in options["pubKeyCredParams"]] == [-8, -7, -257]
    assert options["timeout"] == 60000 and options["attestation"] == "none"
    assert options["excludeCredentials"] == []
    assert options["authenticatorSelection"] == {
        "residentKey": "preferred",
        "userVerification": "preferred",
        "requireResidentKey": False,
    }
    assert options["extensions"] == {"credProps": True} and options["hints"] == []
    line = next(c for c in reply.set_cookies if c.startswith(CHALLENGE_COOKIE + "="))
    assert "Max-Age=300" in line and "HttpOnly" in line
    # A new user id every time: it is never stored.
    assert register_options(pk)["user"]["id"] != options["user"]["id"]
    attached = register_options(pk, authenticatorAttachment="platform")
    assert attached["authenticatorSelection"]["authenticatorAttachment"] == "platform"


def test_register_list_and_the_stored_row(pk: Caller, device: Authenticator) -> None:
    user = sign_up(pk)
    reply = register(pk, device, name="  Laptop  ")
    assert reply.status == 200, reply.json
    cred = device.credentials[0]
    stored = rows(pk.app, "passkey")
    assert len(stored) == 1
    row = stored[0]
    # Better Auth's encodings (spec 5): COSE key in padded base64, id in base64url.
    assert row["publicKey"] == base64.b64encode(cose_key(cred.key.public_key())).decode()
    assert cbor2.loads(base64.b64decode(row["publicKey"]))[3] == -7
    assert row["credentialID"] == b64url(cred.id)
    assert row["name"] == "Laptop" and row["userId"] == user["id"]
    assert row["counter"] == 0 and row["deviceType"] == "multiDevice"
    assert row["backedUp"] is True and row["transports"] == "hybrid,internal"
    assert row["aaguid"] == str(uuid.UUID(bytes=AAGUID))
    body = reply.json
    assert set(body) == {
        "id", "name", "publicKey", "userId", "credentialID", "counter",
        "deviceType", "backedUp", "transports", "createdAt", "aaguid",
    }  # fmt: skip
    assert body["createdAt"] == "2026-11-25T12:00:00.000Z"
    listed = call(pk, "list_passkeys")
    assert listed.status == 200 and listed.json == [body]
    again = register_options(pk)
    assert again["excludeCredentials"] == [
        {"id": b64url(cred.id), "transports": ["hybrid", "internal"], "type": "public-key"}
    ]


def test_sign_in_without_and_with_a_session(pk: Caller, device: Authenticator) -> None:
    user = sign_up(pk)
    assert register(pk, device).status == 200
    browser = signed_out(pk)
    options = auth_options(browser)
    assert options["rpId"] == "localhost" and "allowCredentials" not in options
    assert options["userVerification"] == "preferred" and options["timeout"] == 60000
    reply = call(browser, "verify_passkey_authentication", {"response": device.get(options)})
    assert reply.status == 200, reply.json
    assert reply.json["user"]["id"] == user["id"]
    assert reply.json["session"]["userId"] == user["id"] and reply.json["session"]["token"]
    assert reply.cookie(SESSION_COOKIE)
    assert call(browser, "get_session").json["user"]["email"] == "ann@example.com"
    assert rows(pk.app, "passkey")[0]["counter"] == 1
    # Signed in: the options name the user's passkeys (and a second session starts).
    named = auth_options(browser)
    assert [c["id"] for c in named["allowCredentials"]] == [b64url(device.credentials[0].id)]
    again = call(browser, "verify_passkey_authentication", {"response": device.get(named)})
    assert again.status == 200, again.json
    assert rows(pk.app, "passkey")[0]["counter"] == 2
    assert len(rows(pk.app, "session")) == 3


def test_rename_and_delete_own_passkeys_only(pk: Caller, device: Authenticator) -> None:
    sign_up(pk)
    passkey_id = register(pk, device).json["id"]
    assert call(pk, "list_passkeys").json[0]["name"] is None
    renamed = call(pk, "update_passkey", {"id": passkey_id, "name": " Phone "})
    assert renamed.status == 200 and renamed.json["passkey"]["name"] == "Phone"
    bob = signed_out(pk)
    sign_up(bob, BOB)
    assert call(bob, "list_passkeys").json == []
    foreign = call(bob, "update_passkey", {"id": passkey_id, "name": "Mine"})
    assert foreign.status == 401
    assert foreign.json["code"] == "YOU_ARE_NOT_ALLOWED_TO_REGISTER_THIS_PASSKEY"
    stolen = call(bob, "delete_passkey", {"id": passkey_id})
    assert stolen.status == 401 and stolen.json is None
    missing = call(pk, "delete_passkey", {"id": "nope"})
    assert (missing.status, missing.json["code"]) == (404, "PASSKEY_NOT_FOUND")
    gone = call(pk, "delete_passkey", {"id": passkey_id})
    assert gone.status == 200 and gone.json == {"status": True}
    assert rows(pk.app, "passkey") == []
    after = sign_in(signed_out(pk), device)
    assert (after.status, after.json["code"]) == (401, "PASSKEY_NOT_FOUND")


def test_two_factor_does_not_hold_a_passkey_sign_in(make_app: Any, clock: Clock, via: str) -> None:
    """Better Auth's two-factor hook covers the password sign-ins only (plugins spec
    2.3): a passkey is a sign-in of its own, so a 2FA user gets a session at once."""
    app = make_app(plugins=[two_factor(), passkey()])
    ann = Caller(app, via)
    user = sign_up(ann)
    device = Authenticator()
    assert register(ann, device).status == 200
    with app.app.app_context():
        app.state.adapter.update_many("user", {"id": user["id"]}, {"twoFactorEnabled": True})
    reply = sign_in(signed_out(ann), device)
    assert reply.status == 200, reply.json
    assert "twoFactorRedirect" not in reply.json and reply.cookie(SESSION_COOKIE)
    # ... while the password sign-in of the same user is held.
    held = signed_out(ann).call(
        "sign_in_email", {"email": user["email"], "password": "password123"}
    )
    assert held.json["twoFactorRedirect"] is True and not held.cookie(SESSION_COOKIE)
