"""The example app's mail flows in a real browser (Debian's Chromium,
``browser/account_flow.mjs``): every mailed link is clicked from the development outbox,
``/dev/mail``, and lands on the ready-made pages."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from . import test_browser
from .test_browser import BROWSER_DIR
from .test_browser import FLOW_TIMEOUT
from .test_browser import _missing_tools
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
    missing = _missing_tools()
    if missing:
        pytest.fail(f"The browser test cannot run. {missing}", pytrace=False)
    node = shutil.which("node")
    assert node is not None

    # Fixed arguments: our own script and our own server's URL.
    completed = subprocess.run(  # noqa: S603
        [node, "account_flow.mjs", account_server],
        cwd=BROWSER_DIR,
        capture_output=True,
        text=True,
        timeout=FLOW_TIMEOUT,
        check=False,
    )

    lines = completed.stdout.strip().splitlines()
    assert lines, f"account_flow.mjs printed nothing; stderr:\n{completed.stderr}"
    facts = json.loads(lines[-1])
    assert facts["ok"], f"{facts.get('error')}\nstderr:\n{completed.stderr}"
    assert completed.returncode == 0
    assert facts["outboxWarning"].startswith("A development tool")
    assert facts["mailSubject"] == "Verify your email address for Example app"
    assert facts["verifiedNotice"] == "Your email address is verified."
    assert facts["verified"] == "ann.account@example.com is verified."
    assert facts["resetRequested"].startswith("If there is an account for this address")
    assert facts["resetNotice"] == "Your password was reset. Sign in with the new one."
    assert facts["signedInWithNewPassword"] == "ann.account@example.com"
