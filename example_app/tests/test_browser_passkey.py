"""Passkeys on the example app in a real browser (Debian's Chromium with a virtual
authenticator, ``browser/passkey_flow.mjs``): add one on the account page, sign out,
sign in with it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from example_app import create_app
from tests.pages.live import run_flow
from tests.pages.live import serving

from .conftest import make_test_config
from .test_browser import FLOW_TIMEOUT
from .test_browser import FLOWS

pytestmark = pytest.mark.browser


def _localhost(base_url: str) -> str:
    return base_url.replace("://127.0.0.1:", "://localhost:")


@pytest.fixture
def localhost_server(tmp_path: Path) -> Iterator[str]:
    """The example app as deployed, its base URL on ``localhost`` (browsers refuse
    WebAuthn on an IP address): the passkey's RP ID and origin come from it."""
    database = f"sqlite:///{tmp_path / 'example.sqlite'}"
    with serving(
        lambda base_url: create_app(make_test_config(database, _localhost(base_url), testing=False))
    ) as base_url:
        yield _localhost(base_url)


def test_passkey_on_the_example_app_in_chromium(localhost_server: str) -> None:
    facts, completed = run_flow(
        str(FLOWS / "passkey_flow.mjs"), localhost_server, timeout=FLOW_TIMEOUT
    )
    assert completed.returncode == 0
    assert facts["addedNotice"] == "Your passkey is added."
    assert facts["listed"] == ["Laptop"]
    assert facts["heldCredentials"] == 1
    assert facts["rpId"] == "localhost"
    assert "better-auth.session_token" not in facts["cookiesAfterSignOut"]
    assert facts["signedInWithPasskey"] == "/dashboard"
    assert facts["dashboardEmail"] == "ann.passkey@example.com"
