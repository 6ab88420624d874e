"""The example app in a real browser: Debian's Chromium, driven by ``browser/flow.mjs``
(built on the pages tests' ``tests/pages/browser/lib.mjs``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from example_app import create_app
from tests.pages.live import run_flow
from tests.pages.live import serving

from .conftest import make_test_config

FLOWS = Path(__file__).parent / "browser"
FLOW_TIMEOUT = 180

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """Serve the example app as deployed on a free local port, on a fresh SQLite file."""
    database = f"sqlite:///{tmp_path / 'example.sqlite'}"
    with serving(
        lambda base_url: create_app(make_test_config(database, base_url, testing=False))
    ) as base_url:
        yield base_url


def test_sign_up_sign_out_sign_in_in_chromium(live_server: str, tmp_path: Path) -> None:
    screenshot = tmp_path / "dashboard.png"
    summary, completed = run_flow(
        str(FLOWS / "flow.mjs"), live_server, str(screenshot), timeout=FLOW_TIMEOUT
    )
    assert completed.returncode == 0
    email = "ann.browser@example.com"
    assert summary["dashboardEmail"] == email
    assert summary["headerUser"] == "Ann Browser"
    assert summary["expires"].endswith(" UTC")
    assert "better-auth.session_token" in summary["cookiesAfterSignUp"]
    assert "better-auth.session_token" not in summary["cookiesAfterSignOut"]
    assert summary["signUpTitle"] == "Create an account · Example app"
    assert summary["dashboardSignedOut"] == "/auth/sign-in"
    assert summary["wrongPasswordError"] == "The email address or the password is wrong."
    assert summary["signedInAgainEmail"] == email
    assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert summary["notFoundStatus"] == 404
    assert summary["notFoundHeading"] == "Page not found"
    assert summary["notFoundStyled"] == "solid"  # the app's stylesheet applies
