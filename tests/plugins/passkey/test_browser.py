"""The passkey pages in Chromium with a virtual authenticator
(``tests/pages/browser/passkey_flow.mjs``): add a passkey, rename it, sign in with it with
and without typing the email and by autofill; a second browser context cannot use it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flask_betterauth.plugins import passkey
from tests.mailserver import SMTPServer
from tests.pages.live import run_flow
from tests.pages.live import serving_pages

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path: Path, smtp_server: SMTPServer) -> Iterator[str]:
    """The pages app with passkeys, opened as http://localhost:PORT (browsers refuse
    WebAuthn on an IP address): RP ID ``localhost``, that origin trusted."""
    with serving_pages(
        tmp_path,
        smtp_server,
        plugins=[passkey(rp_id="localhost")],
        trusted_origins=["http://localhost:*"],
    ) as base_url:
        yield base_url.replace("127.0.0.1", "localhost")


def test_passkey_pages_in_chromium(live_server: str) -> None:
    facts, _ = run_flow("passkey_flow.mjs", live_server, timeout=180)
    assert facts["audits"] == {
        "account": [],
        "account-with-passkey": [],
        "sign-in": [],
    }
    assert facts["addedNotice"] == "Your passkey is added."
    assert facts["listed"] == ["Laptop"]
    assert facts["heldCredentials"] == 1 and facts["residentKey"] is True
    assert facts["secondAddError"] == "This device already holds a passkey for your account."
    assert facts["renamed"] == ["Work laptop"]
    assert facts["autocomplete"] == "username webauthn"
    assert facts["signedInWithoutEmail"] == "/auth/account"
    assert facts["accountEmail"] == "ann.passkey@example.com"
    assert facts["signedInAfterTypingEmail"] == "/auth/account"
    assert facts["conditionalAvailable"] is False  # switched off for the button steps
    assert facts["signedInByAutofill"] == "/auth/account"
    assert facts["strangerError"] == "No passkey was used. Try again, or sign in another way."
