"""A passkey registered under the real Better Auth signs in here.

``tests/better_auth_db/make_passkey_db.mjs`` runs Better Auth 1.7.24 with
``@better-auth/passkey`` 1.7.6 on a SQLite file: a user registers a passkey made by a
software authenticator (whose private key the script prints) and signs in with it once.
The Flask app, with ``passkey()``, serves that row: the same credential signs in, its
counter goes on from Better Auth's, and the list shows the row as Better Auth stored it.

The Node dependencies must be installed first: ``npm ci --prefix tests/better_auth_db``.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from flask_betterauth.plugins import passkey
from tests.better_auth_made import MadeDatabase
from tests.better_auth_made import app_on
from tests.better_auth_made import copy_database
from tests.better_auth_made import make_database
from tests.helpers import Caller
from tests.helpers import TestApp
from tests.helpers import rows
from tests.plugins.passkey.authenticator import Authenticator
from tests.plugins.passkey.authenticator import Credential


@pytest.fixture(scope="module")
def made_db(tmp_path_factory: pytest.TempPathFactory) -> MadeDatabase:
    """The SQLite file Better Auth made, and what its script printed."""
    return make_database("make_passkey_db.mjs", tmp_path_factory)


@pytest.fixture
def moved(made_db: MadeDatabase, tmp_path: Path) -> Iterator[TestApp]:
    """The Flask app on a copy of that file, after ``flask auth migrate``."""
    with app_on(copy_database(made_db, tmp_path), plugins=[passkey()], migrate=True) as app:
        yield app


def _device(made: dict[str, object]) -> Authenticator:
    """A software authenticator holding the credential Better Auth registered."""
    held = made["credential"]
    assert isinstance(held, dict)
    key = load_pem_private_key(str(held["privateKeyPem"]).encode(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    raw_id = base64.urlsafe_b64decode(held["id"] + "=" * (-len(held["id"]) % 4))
    credential = Credential(str(made["rpId"]), key, raw_id, str(held["userHandle"]))
    credential.sign_count = int(held["signCount"])
    return Authenticator(origin=str(made["origin"]), credentials=[credential])


def test_migrate_finds_the_passkey_schema_complete(moved: TestApp) -> None:
    result = moved.app.test_cli_runner().invoke(args=["auth", "generate"])
    assert "The database already has every table" in result.output


def test_the_better_auth_passkey_signs_in(moved: TestApp, made_db: MadeDatabase) -> None:
    made = made_db[1]
    assert made["signedInUserId"] == made["userId"]  # it worked under Better Auth too
    (before,) = rows(moved, "passkey")
    assert before["counter"] == 1 and before["name"] == "Made laptop"
    device = _device(made)
    caller = Caller(moved, "http")
    headers = {"Origin": made["origin"]}
    options = caller.call("generate_passkey_authentication_options", headers=headers).json
    assert options["rpId"] == made["rpId"] and "allowCredentials" not in options
    reply = caller.call(
        "verify_passkey_authentication", {"response": device.get(options)}, headers=headers
    )
    assert reply.status == 200, reply.json
    assert reply.json["user"]["id"] == made["userId"]
    assert caller.call("get_session").json["user"]["email"] == made["email"]
    (after,) = rows(moved, "passkey")
    assert after["counter"] == 2
    listed = caller.call("list_passkeys").json
    assert [p["id"] for p in listed] == [made["passkeyId"]]
    assert listed[0]["publicKey"] == before["publicKey"]
    assert listed[0]["transports"] == "hybrid,internal" and listed[0]["backedUp"] is True
    # Signed in here, the same credential is named in the options and signs in again;
    # an assertion with Better Auth's old count is refused (a replay or a clone).
    named = caller.call("generate_passkey_authentication_options", headers=headers).json
    assert [c["id"] for c in named["allowCredentials"]] == [after["credentialID"]]
    old = device.get(named, sign_count=1)
    refused = caller.call("verify_passkey_authentication", {"response": old}, headers=headers)
    assert refused.status == 400 and refused.json["code"] == "AUTHENTICATION_FAILED"
