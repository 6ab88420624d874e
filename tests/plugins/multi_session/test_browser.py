"""Guest mode and the account switcher in Chromium (``tests/pages/browser/accounts_flow.mjs``):
the anonymous and multi-session plugins' pages, one browser launch for both."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from flask_betterauth.plugins import anonymous
from flask_betterauth.plugins import multi_session
from tests.mailserver import SMTPServer
from tests.pages.live import run_flow
from tests.pages.live import serving_pages

pytestmark = pytest.mark.browser
ANN = "ann.guest@example.com"
BOB = "bob.second@example.com"


@pytest.fixture
def live_server(tmp_path: Path, smtp_server: SMTPServer) -> Iterator[str]:
    """The pages app with both plugins, as deployed, on a free local port."""
    plugins = [anonymous(), multi_session()]
    with serving_pages(tmp_path, smtp_server, plugins=plugins) as base_url:
        yield base_url


def test_guest_mode_and_account_switcher_in_chromium(live_server: str) -> None:
    facts, _ = run_flow("accounts_flow.mjs", live_server, timeout=180)
    assert facts["audits"] == {
        "sign-in": [],
        "guest": [],
        "guest-account": [],
        "switcher": [],
    }
    assert facts["guestTitle"] == "You are a guest"
    assert facts["guestEmail"].endswith("@anonymous.placeholder.invalid")
    assert facts["guestSectionAfterSignUp"] == 0
    assert facts["afterSignUp"] == [[ANN, True]]
    assert facts["addAccountSearch"] == "?add_account=1"
    assert sorted(facts["twoAccounts"]) == [[ANN, False], [BOB, True]]
    assert facts["switchedNotice"] == "You switched accounts."
    assert sorted(facts["afterSwitch"]) == [[ANN, True], [BOB, False]]
    assert facts["activeEmail"] == ANN
    assert facts["afterSignOutOne"] == [[ANN, True]]
    assert facts["endedAt"] == "/auth/account"
