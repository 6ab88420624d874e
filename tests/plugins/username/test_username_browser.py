"""The username plugin's pages in Chromium (``tests/pages/browser/username_flow.mjs``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flask_betterauth.plugins import username
from tests.mailserver import SMTPServer
from tests.pages.live import run_flow
from tests.pages.live import serving_pages

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path: Path, smtp_server: SMTPServer) -> Iterator[str]:
    """The pages app with the username plugin, as deployed, on a free local port."""
    with serving_pages(tmp_path, smtp_server, plugins=[username()]) as base_url:
        yield base_url


def test_username_on_the_pages_in_chromium(live_server: str) -> None:
    facts, _ = run_flow("username_flow.mjs", live_server, timeout=180)
    assert facts["audits"] == {"sign-up": [], "account": [], "sign-in": []}
    assert facts["accountUsername"] == "Ann_Pages"
    assert facts["savedNotice"] == "Your username was saved."
    assert facts["renamed"] == "Ann.Renamed"
    assert facts["fieldLabel"] == "Email or username"
    assert facts["wrongPasswordError"] == "The username or the password is wrong."
    assert facts["signedInAt"] == "/auth/account"
    assert facts["accountEmail"] == "ann.user@example.com"
