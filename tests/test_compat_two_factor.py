"""The official ``twoFactorClient`` drives the two-factor plugin (``tests/compat/two-factor.mjs``):
enable, sign-in with TOTP (the code computed in Node from the ``totpURI``), trust device,
OTP (read from the app's ``send_otp``), a backup code, disable."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth.plugins import two_factor
from tests.test_compat import compat_client_installed as compat_client_installed
from tests.test_compat import run_scenario
from tests.test_compat import serving

pytestmark = pytest.mark.compat


@pytest.mark.usefixtures("compat_client_installed")
def test_two_factor_client_flows(tmp_path: Path) -> None:
    log = tmp_path / "otp.jsonl"

    def send_otp(user: Any, otp: str) -> None:
        with log.open("a") as out:
            out.write(json.dumps({"email": user["email"], "otp": otp}) + "\n")

    plugin = two_factor(issuer="Compat", otp_options={"send_otp": send_otp})
    with serving(tmp_path, plugins=[plugin]) as server:
        report = run_scenario(server.url, "two-factor", "two-factor.mjs", env={"OTP_LOG": str(log)})
    steps = report["steps"]

    enable = steps["enable"]["data"]
    assert enable["method"] == "totp" and enable["totpURI"].startswith("otpauth://totp/Compat:")
    assert len(enable["backupCodes"]) == 10
    assert steps["verifyEnable"]["error"] is None and steps["verifyEnable"]["data"]["token"]
    assert steps["sessionOn"]["data"]["user"]["twoFactorEnabled"] is True

    held = steps["heldTotp"]
    assert held["data"] == {"twoFactorRedirect": True, "twoFactorMethods": ["totp", "otp"]}
    assert "better-auth.two_factor" in held["cookies"]
    assert "better-auth.session_token" not in held["cookies"]
    assert steps["sessionHeld"]["data"] is None
    assert report["redirects"][0] == ["totp", "otp"]

    assert steps["verifyTotp"]["error"] is None
    assert "better-auth.trust_device" in steps["verifyTotp"]["cookies"]
    assert steps["sessionTotp"]["data"]["user"]["email"] == steps["signUp"]["data"]["user"]["email"]
    trusted = steps["trusted"]["data"]
    assert trusted.get("token") and not trusted.get("twoFactorRedirect")

    assert steps["heldOtp"]["data"]["twoFactorRedirect"] is True
    assert steps["sendOtp"]["data"] == {"status": True}
    wrong = steps["wrongOtp"]["error"]
    assert wrong["status"] == 401 and wrong["code"] == "INVALID_CODE"
    assert steps["verifyOtp"]["error"] is None and steps["sessionOtp"]["data"] is not None

    assert steps["heldBackup"]["data"]["twoFactorRedirect"] is True
    wrong = steps["wrongBackup"]["error"]
    assert wrong["status"] == 401 and wrong["code"] == "INVALID_BACKUP_CODE"
    assert steps["verifyBackup"]["error"] is None and steps["sessionBackup"]["data"] is not None

    assert steps["disable"]["data"] == {"status": True}
    assert steps["sessionOff"]["data"]["user"]["twoFactorEnabled"] is False
    assert steps["plainSignIn"]["data"]["token"]
