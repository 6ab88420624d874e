"""The username plugin's pages in Chromium (``tests/pages/browser/username_flow.mjs``)."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from flask_betterauth.plugins import username
from tests.mailserver import SMTPServer
from tests.pages.app import create_pages_app
from tests.pages.test_browser import BROWSER_DIR
from tests.pages.test_browser import _missing_tools
from tests.pages.test_browser import _refuse

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path: Path, smtp_server: SMTPServer) -> Iterator[str]:
    """The pages app with the username plugin, as deployed, on a free local port."""
    server = make_server("127.0.0.1", 0, _refuse, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app, db, _ = create_pages_app(
        f"sqlite:///{tmp_path / 'pages.sqlite'}",
        base_url,
        smtp_server,
        testing=False,
        rate_limit={"enabled": False},
        advanced={"mail_after_response": False},
        plugins=[username()],
    )
    server.app = app
    thread = threading.Thread(target=server.serve_forever, name="username-pages-server")
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def test_username_on_the_pages_in_chromium(live_server: str) -> None:
    missing = _missing_tools()
    if missing:
        pytest.fail(f"The browser test cannot run. {missing}", pytrace=False)
    node = shutil.which("node")
    assert node is not None
    completed = subprocess.run(  # noqa: S603 (our own script and server)
        [node, "username_flow.mjs", live_server],
        cwd=BROWSER_DIR,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    lines = completed.stdout.strip().splitlines()
    assert lines, completed.stderr
    facts = json.loads(lines[-1])
    assert facts["ok"], f"{facts.get('error')}\n{completed.stderr}"
    assert facts["audits"] == {"sign-up": [], "account": [], "sign-in": []}
    assert facts["accountUsername"] == "Ann_Pages"
    assert facts["savedNotice"] == "Your username was saved."
    assert facts["renamed"] == "Ann.Renamed"
    assert facts["fieldLabel"] == "Email or username"
    assert facts["wrongPasswordError"] == "The username or the password is wrong."
    assert facts["signedInAt"] == "/auth/account"
    assert facts["accountEmail"] == "ann.user@example.com"
