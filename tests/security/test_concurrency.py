"""Races: 50 sign-ups with one email at once, over a real threaded HTTP server."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from tests.helpers import PASSWORD

RACERS = 50


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/auth.sqlite"
    return str(request.getfixturevalue("fresh_postgresql_url"))


@pytest.fixture
def served(make_app: Any) -> Iterator[tuple[Any, str]]:
    """The app behind a threaded werkzeug server on a free loopback port."""
    test_app = make_app()
    server = make_server("127.0.0.1", 0, test_app.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield test_app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=30)
        server.server_close()


def _sign_up(url: str, barrier: threading.Barrier, n: int) -> tuple[int, dict[str, Any]]:
    body = json.dumps({"name": f"Racer {n}", "email": "race@example.com", "password": PASSWORD})
    request = urllib.request.Request(  # noqa: S310 (loopback)
        url + "/api/auth/sign-up/email",
        data=body.encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    barrier.wait()
    try:
        with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        data = error.read()
        return error.code, json.loads(data) if data else {}


def test_fifty_concurrent_sign_ups_with_one_email_make_one_user(served):
    test_app, url = served
    barrier = threading.Barrier(RACERS)
    with ThreadPoolExecutor(RACERS) as pool:
        answers = list(pool.map(lambda n: _sign_up(url, barrier, n), range(RACERS)))
    statuses = Counter(status for status, _ in answers)
    assert statuses == {200: 1, 422: RACERS - 1}, statuses
    codes = {body.get("code") for status, body in answers if status == 422}
    assert codes == {"USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"}
    tables = test_app.state.models.tables
    with test_app.app.app_context(), test_app.db.engine.connect() as conn:
        count = {
            name: conn.execute(sa.select(sa.func.count()).select_from(tables[name])).scalar_one()
            for name in ("user", "account", "session")
        }
    assert count == {"user": 1, "account": 1, "session": 1}
