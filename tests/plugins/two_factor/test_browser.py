"""The two-factor pages in Chromium (``tests/pages/browser/two_factor_flow.mjs``), the
TOTP codes computed here with pyotp and served to the flow by a test route."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from flask import request
from werkzeug.serving import make_server

from flask_betterauth.plugins import two_factor
from tests.mailserver import SMTPServer
from tests.pages.app import create_pages_app
from tests.pages.test_browser import BROWSER_DIR
from tests.pages.test_browser import _missing_tools

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path: Path, smtp_server: SMTPServer) -> Iterator[str]:
    """The pages app with two-factor, served on a free local port."""
    holder: dict[str, object] = {}

    def late(environ, start_response):  # type: ignore[no-untyped-def]
        return holder["app"](environ, start_response)  # type: ignore[operator]

    server = make_server("127.0.0.1", 0, late, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app, db, _ = create_pages_app(
        f"sqlite:///{tmp_path / 'pages.sqlite'}",
        base_url,
        smtp_server,
        testing=False,
        rate_limit={"enabled": False},
        plugins=[two_factor(issuer="Pages")],
    )

    @app.get("/test/totp")
    def totp_code() -> str:
        key = request.args["key"]
        return pyotp.TOTP(key + "=" * (-len(key) % 8)).now()

    holder["app"] = app
    thread = threading.Thread(target=server.serve_forever, name="two-factor-pages")
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        with app.app_context():
            db.engine.dispose()


def test_two_factor_pages_in_chromium(live_server: str) -> None:
    missing = _missing_tools()
    if missing:
        pytest.fail(f"The browser test cannot run. {missing}", pytrace=False)
    node = shutil.which("node")
    assert node is not None
    completed = subprocess.run(  # noqa: S603
        [node, "two_factor_flow.mjs", live_server],
        cwd=BROWSER_DIR,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    lines = completed.stdout.strip().splitlines()
    assert lines, f"two_factor_flow.mjs printed nothing; stderr:\n{completed.stderr}"
    facts = json.loads(lines[-1])
    assert facts["ok"], f"{facts.get('error')}\nstderr:\n{completed.stderr}"
    assert facts["audited"] == ["two-factor-setup", "two-factor-code"]
    assert facts["qrDrawn"] >= 1
    assert facts["keyLength"] == 52
    assert facts["backupCodes"] == 10
    assert facts["onNotice"] == "Two-factor authentication is on."
    assert facts["wrongCode"] == "That code is not right. Try the newest code."
    assert facts["signedInWithTotp"] == "/auth/account"
    assert facts["trustedSignIn"] == "/auth/account"
    assert facts["signedInWithBackupCode"] == "/auth/account"
