"""The example app's mail flows in a real browser (Debian's Chromium,
``browser/account_flow.mjs``): every mailed link is clicked from the development outbox,
``/dev/mail``, and lands on the ready-made pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.pages.live import run_flow

from . import test_browser
from .test_browser import FLOW_TIMEOUT
from .test_browser import FLOWS
from .test_browser import live_server  # noqa: F401  (the server fixture, used by name)

pytestmark = pytest.mark.browser


@pytest.fixture
def account_server(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> str:
    """``live_server`` in debug mode with its development mail logged to a file, for
    ``/dev/mail`` (which the browser, on this machine, may open)."""
    original = test_browser.make_test_config
    log = str(tmp_path / "mail.log")

    def with_mail_log(*args: Any, **kwargs: Any) -> dict[str, Any]:
        return {**original(*args, **kwargs), "BETTER_AUTH_MAIL_LOG": log, "DEBUG": True}

    monkeypatch.setattr(test_browser, "make_test_config", with_mail_log)
    return str(request.getfixturevalue("live_server"))


def test_account_pages_in_chromium(account_server: str) -> None:
    facts, completed = run_flow(
        str(FLOWS / "account_flow.mjs"), account_server, timeout=FLOW_TIMEOUT
    )
    assert completed.returncode == 0
    assert facts["outboxWarning"].startswith("A development tool")
    assert facts["mailSubject"] == "Verify your email address for Example app"
    assert facts["verifiedNotice"] == "Your email address is verified."
    assert facts["verified"] == "ann.account@example.com is verified."
    assert facts["resetRequested"].startswith("If there is an account for this address")
    assert facts["resetNotice"] == "Your password was reset. Sign in with the new one."
    assert facts["signedInWithNewPassword"] == "ann.account@example.com"
