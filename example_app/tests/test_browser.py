"""The example app in a real browser: Debian's Chromium, driven by ``browser/flow.mjs``."""

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

from example_app import create_app
from example_app.extensions import db

from .conftest import make_test_config

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

BROWSER_DIR = Path(__file__).parent / "browser"
CHROMIUM = Path("/usr/bin/chromium")
FLOW_TIMEOUT = 180

pytestmark = pytest.mark.browser


def _missing_tools() -> str | None:
    """Say how to install what the browser test needs, or ``None`` when all is there."""
    if not CHROMIUM.exists():
        return "Chromium is missing: apt-get install -y chromium"
    if shutil.which("node") is None:
        return "Node.js is missing: apt-get install -y nodejs npm"
    if not (BROWSER_DIR / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is missing: npm ci --prefix example_app/tests/browser"
    return None


def _refuse(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    raise RuntimeError("the example app is not attached to the server yet")


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[str]:
    """Serve the example app as deployed on a free local port, on a fresh SQLite file."""
    # Bind first so the app can be told its own URL, which it trusts as an origin.
    server: BaseWSGIServer = make_server("127.0.0.1", 0, _refuse, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    database = f"sqlite:///{tmp_path / 'example.sqlite'}"
    app = create_app(make_test_config(database, base_url, testing=False))
    server.app = app
    thread = threading.Thread(target=server.serve_forever, name="example-app-server")
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def test_sign_up_sign_out_sign_in_in_chromium(live_server: str, tmp_path: Path) -> None:
    missing = _missing_tools()
    if missing:
        pytest.fail(f"The browser test cannot run. {missing}", pytrace=False)
    screenshot = tmp_path / "dashboard.png"
    node = shutil.which("node")
    assert node is not None

    # Fixed arguments: our own script, our own server's URL, a path under tmp_path.
    completed = subprocess.run(  # noqa: S603
        [node, "flow.mjs", live_server, str(screenshot)],
        cwd=BROWSER_DIR,
        capture_output=True,
        text=True,
        timeout=FLOW_TIMEOUT,
        check=False,
    )

    lines = completed.stdout.strip().splitlines()
    assert lines, f"flow.mjs printed nothing; stderr:\n{completed.stderr}"
    summary = json.loads(lines[-1])
    assert summary["ok"], f"{summary.get('error')}\nstderr:\n{completed.stderr}"
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
