"""The pages app (or any app) served on a real port for Chromium, and the Node flow scripts
that drive it (``tests/pages/browser/*_flow.mjs``, built on its ``lib.mjs``); shared by the
browser tests of the core pages, of the plugins and of the example app."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer
from werkzeug.serving import make_server

from tests.mailserver import SMTPServer

from .app import create_pages_app

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIEnvironment

BROWSER_DIR = Path(__file__).parent / "browser"
CHROMIUM = Path("/usr/bin/chromium")


def missing_tools() -> str | None:
    """Say how to install what the browser tests need, or ``None`` when all is there."""
    if not CHROMIUM.exists():
        return "Chromium is missing: apt-get install -y chromium"
    if shutil.which("node") is None:
        return "Node.js is missing: apt-get install -y nodejs npm"
    for package in ("playwright-core", "axe-core"):
        if not (BROWSER_DIR / "node_modules" / package).is_dir():
            return f"{package} is missing: npm ci --prefix tests/pages/browser"
    return None


def _refuse(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
    raise RuntimeError("the app is not attached to the server yet")


@contextmanager
def serving(make_app: Callable[[str], Flask]) -> Iterator[str]:
    """Serve ``make_app(base_url)`` on a free local port; yields the base URL. The port is
    bound first so the app can be told its own URL (which it trusts as an origin); its
    database engine is disposed of afterwards."""
    server: BaseWSGIServer = make_server("127.0.0.1", 0, _refuse, threaded=True)
    base_url = f"http://127.0.0.1:{server.server_port}"
    app = make_app(base_url)
    server.app = app
    thread = threading.Thread(target=server.serve_forever, name="live-app-server")
    thread.start()
    try:
        yield base_url
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()


@contextmanager
def serving_pages(
    tmp_path: Path,
    smtp_server: SMTPServer,
    prepare: Callable[[Flask], object] | None = None,
    **options: Any,
) -> Iterator[str]:
    """Serve the pages app as deployed (origin checks on) on a free local port; yields its
    base URL. Rate limits are off (a flow signs in several times within seconds from one
    address) and mail goes out at once (a flow reads a link as soon as the form answered);
    ``options`` add to these. ``prepare`` gets the app before it serves (to add routes)."""

    def make_app(base_url: str) -> Flask:
        app, _, _ = create_pages_app(
            f"sqlite:///{tmp_path / 'pages.sqlite'}",
            base_url,
            smtp_server,
            testing=False,
            rate_limit={"enabled": False},
            advanced={"mail_after_response": False},
            **options,
        )
        if prepare is not None:
            prepare(app)
        return app

    with serving(make_app) as base_url:
        yield base_url


def run_flow(
    script: str, *args: str, timeout: int
) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    """Run ``browser/<script>`` (or the flow at that absolute path) with ``args``; the
    facts of its last line of JSON, and the process. Fails the test when the tools are
    missing or the flow did not end ``ok``."""
    missing = missing_tools()
    if missing:
        pytest.fail(f"The browser test cannot run. {missing}", pytrace=False)
    node = shutil.which("node")
    assert node is not None
    # Fixed arguments: our own script, our own server's URL, folders under tmp_path.
    completed = subprocess.run(  # noqa: S603
        [node, script, *args],
        cwd=BROWSER_DIR,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    lines = completed.stdout.strip().splitlines()
    assert lines, f"{script} printed nothing; stderr:\n{completed.stderr}"
    facts: dict[str, Any] = json.loads(lines[-1])
    assert facts["ok"], f"{facts.get('error')}\nstderr:\n{completed.stderr}"
    return facts, completed
