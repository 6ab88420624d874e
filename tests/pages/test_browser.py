"""The ready-made pages in a real browser: Debian's Chromium, driven by
``browser/pages_flow.mjs``, with an axe-core audit and a screenshot of every page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.mailserver import SMTPServer

from .live import run_flow
from .live import serving_pages

FLOW_TIMEOUT = 300
PAGES = [
    "sign-up",
    "account",
    "verify-email",
    "sign-out",
    "sign-in",
    "sign-in-error",
    "forgot-password",
    "reset-password",
    "account-error",
    "account-sessions",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path: Path, smtp_server: SMTPServer) -> Iterator[str]:
    """Serve the pages app as deployed, with its test routes, on a free local port."""
    with serving_pages(tmp_path, smtp_server, test_routes=True) as base_url:
        yield base_url


def test_every_page_and_flow_in_chromium(live_server: str, tmp_path: Path) -> None:
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    print(f"\nscreenshots of the pages: {artifacts}")
    facts, completed = run_flow("pages_flow.mjs", live_server, str(artifacts), timeout=FLOW_TIMEOUT)
    assert completed.returncode == 0
    print(f"axe findings below 'serious': {json.dumps(facts['minorViolations'])}")

    assert facts["audited"] == PAGES
    assert {"image-alt", "label"} <= set(facts["auditOfInaccessiblePage"])
    for name in [*PAGES, "sign-in-narrow"]:
        assert (artifacts / f"{name}.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

    assert facts["accountEmail"] == "ann.pages@example.com"
    assert facts["emailStateBefore"] == "not verified"
    assert facts["verifiedAt"] == "/auth/verify-email?notice=email-verified"
    assert facts["verifiedNotice"] == "Your email address is verified."
    assert facts["signedOutNotice"] == "You are signed out."
    assert "better-auth.session_token" not in facts["cookiesAfterSignOut"]
    assert facts["protectedRedirect"] == "/auth/sign-in?next=/private"
    assert facts["pleaseSignIn"] == "Please sign in to see that page."
    assert facts["focusOrder"] == ["email", "password", "remember-me", "Sign in"]
    assert facts["wrongPasswordError"] == "The email address or the password is wrong."
    assert facts["errorDescribes"] == "sign-in-error"
    assert facts["backOnProtectedPage"] == "/private"

    assert facts["resetSentNotice"].startswith("If there is an account for this address")
    assert facts["resetPage"] == "/auth/reset-password"
    assert facts["resetNotice"] == "Your password was reset. Sign in with the new one."

    assert facts["profileNotice"] == "Your profile was saved."
    assert facts["emailSentNotice"].startswith("We sent a link to confirm the new address")
    assert facts["emailChangedNotice"] == "Your email address was changed."
    assert facts["accountEmailAfterChange"] == "ann.moved@example.com"
    assert facts["passwordError"] == "The password is wrong."
    assert facts["sessionsListed"] == 2
    assert facts["revokeNotice"] == "That device was signed out."
    assert facts["sessionsAfterRevoke"] == 1
    assert facts["otherDeviceAfterRevoke"] == "/auth/sign-in"
    assert facts["deletedNotice"] == "Your account was deleted."
    assert facts["signInAfterDelete"] == "The email address or the password is wrong."

    assert facts["noScriptAccount"] == "noscript@example.com"
    assert facts["noScriptSignedOut"] == "You are signed out."
    assert facts["narrowOverflow"] <= 0
