"""The ready-made pages in a real browser: Debian's Chromium, driven by
``browser/pages_flow.mjs``, with an axe-core audit and a screenshot of every page."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Iterable
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import make_server

from tests.mailserver import SMTPServer

from .app import create_pages_app

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

BROWSER_DIR = Path(__file__).parent / "browser"
CHROMIUM = Path("/usr/bin/chromium")
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


def _missing_tools() -> str | None:
    """Say how to install what the browser test needs, or ``None`` when all is there."""
    if not CHROMIUM.exists():
        return "Chromium is missing: apt-get install -y chromium"
    if shutil.which("node") is None:
        return "Node.js is missing: apt-get install -y nodejs npm"
    for package in ("playwright-core", "axe-core"):
        if not (BROWSER_DIR / "node_modules" / package).is_dir():
            return f"{package} is missing: npm ci --prefix tests/pages/browser"
    return None


def _refuse(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    raise RuntimeError("the pages app is not attached to the server yet")


@pytest.fixture
def live_server(tmp_path: Path, smtp_server: SMTPServer) -> Iterator[str]:
    """Serve the pages app as deployed (origin checks on) on a free local port."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, _refuse, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app, db, _ = create_pages_app(
        f"sqlite:///{tmp_path / 'pages.sqlite'}",
        base_url,
        smtp_server,
        testing=False,
        test_routes=True,
        # The flow signs in several times within seconds from one address.
        rate_limit={"enabled": False},
        # Mail at once, so the flow reads the reset link as soon as the form answered.
        advanced={"mail_after_response": False},
    )
    server.app = app
    thread = threading.Thread(target=server.serve_forever, name="pages-app-server")
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def test_every_page_and_flow_in_chromium(live_server: str, tmp_path: Path) -> None:
    missing = _missing_tools()
    if missing:
        pytest.fail(f"The browser test cannot run. {missing}", pytrace=False)
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    print(f"\nscreenshots of the pages: {artifacts}")
    node = shutil.which("node")
    assert node is not None

    # Fixed arguments: our own script, our own server's URL, a folder under tmp_path.
    completed = subprocess.run(  # noqa: S603
        [node, "pages_flow.mjs", live_server, str(artifacts)],
        cwd=BROWSER_DIR,
        capture_output=True,
        text=True,
        timeout=FLOW_TIMEOUT,
        check=False,
    )

    lines = completed.stdout.strip().splitlines()
    assert lines, f"pages_flow.mjs printed nothing; stderr:\n{completed.stderr}"
    facts = json.loads(lines[-1])
    assert facts["ok"], f"{facts.get('error')}\nstderr:\n{completed.stderr}"
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
