"""The two-factor pages in Chromium (``tests/pages/browser/two_factor_flow.mjs``), the
TOTP codes computed here with pyotp and served to the flow by a test route."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from flask import Flask
from flask import request

from flask_betterauth.plugins import two_factor
from tests.mailserver import SMTPServer
from tests.pages.live import run_flow
from tests.pages.live import serving_pages

pytestmark = pytest.mark.browser


def _add_totp_route(app: Flask) -> None:
    """``GET /test/totp?key=...``: the current TOTP code of that key, for the flow."""

    @app.get("/test/totp")
    def totp_code() -> str:
        key = request.args["key"]
        return pyotp.TOTP(key + "=" * (-len(key) % 8)).now()


@pytest.fixture
def live_server(tmp_path: Path, smtp_server: SMTPServer) -> Iterator[str]:
    """The pages app with two-factor, served on a free local port."""
    with serving_pages(
        tmp_path, smtp_server, _add_totp_route, plugins=[two_factor(issuer="Pages")]
    ) as base_url:
        yield base_url


def test_two_factor_pages_in_chromium(live_server: str) -> None:
    facts, _ = run_flow("two_factor_flow.mjs", live_server, timeout=240)
    assert facts["audited"] == ["two-factor-setup", "two-factor-code"]
    assert facts["qrDrawn"] >= 1
    assert facts["keyLength"] == 52
    assert facts["backupCodes"] == 10
    assert facts["onNotice"] == "Two-factor authentication is on."
    assert facts["wrongCode"] == "That code is not right. Try the newest code."
    assert facts["signedInWithTotp"] == "/auth/account"
    assert facts["trustedSignIn"] == "/auth/account"
    assert facts["signedInWithBackupCode"] == "/auth/account"
