"""The official ``passkeyClient`` (``@better-auth/passkey`` 1.7.6) drives the passkey plugin
(``tests/compat/passkey.mjs``) with a software authenticator behind
``navigator.credentials``: add a passkey, refuse the same authenticator twice, list, sign
in without naming the account, rename, delete, and the errors the client reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from flask_betterauth.plugins import passkey
from tests.test_compat import compat_client_installed as compat_client_installed
from tests.test_compat import run_node
from tests.test_compat import serving

pytestmark = pytest.mark.compat


@pytest.mark.usefixtures("compat_client_installed")
def test_passkey_client_flows(tmp_path: Path) -> None:
    with serving(tmp_path, plugins=[passkey()]) as server:
        proc = run_node("passkey.mjs", server.url, "passkey")
    report = json.loads(proc.stdout)
    assert "crashed" not in report, report
    steps = report["steps"]

    added = steps["add"]
    assert added["error"] is None, added
    assert added["data"]["name"] == "Laptop" and added["data"]["counter"] == 0
    assert added["data"]["credentialID"] == report["credentials"][0]["id"]
    assert added["data"]["transports"] == "hybrid,internal"
    options = json.loads(added["http"][0]["body"])
    assert options["rp"]["id"] == "127.0.0.1" and options["user"]["name"] == "Laptop"
    # The authenticator refuses a second passkey (excludeCredentials); no verify call.
    again = steps["addAgain"]
    assert again["error"]["code"] == "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED"
    assert [h["path"].split("?")[0] for h in again["http"]] == [
        "/api/auth/passkey/generate-register-options"
    ]
    assert [p["id"] for p in steps["list"]["data"]] == [added["data"]["id"]]

    signed_in = steps["signIn"]
    assert signed_in["error"] is None, signed_in
    assert signed_in["data"]["user"]["id"] == added["data"]["userId"]
    assert "better-auth.session_token" in signed_in["cookies"]
    assert steps["session"]["data"]["user"]["id"] == added["data"]["userId"]
    assert steps["reauth"]["error"] is None and steps["reauth"]["data"]["session"]["token"]
    assert report["credentials"][0]["signCount"] == 3  # two sign-ins, one after the delete

    assert steps["rename"]["data"]["passkey"]["name"] == "Phone"
    assert steps["listRenamed"]["data"][0]["name"] == "Phone"
    assert steps["bobRename"]["error"]["status"] == 401
    assert steps["bobRename"]["error"]["code"] == "YOU_ARE_NOT_ALLOWED_TO_REGISTER_THIS_PASSKEY"
    assert steps["bobDelete"]["error"]["status"] == 401

    none_held = steps["noPasskey"]["error"]
    assert none_held["status"] == 400 and none_held["message"] == "Auth cancelled"
    assert [h["path"] for h in steps["noPasskey"]["http"]] == [
        "/api/auth/passkey/generate-authenticate-options"
    ]
    assert steps["delete"]["data"] == {"status": True}
    deleted = steps["afterDelete"]["error"]
    assert deleted["status"] == 401 and deleted["code"] == "PASSKEY_NOT_FOUND"
