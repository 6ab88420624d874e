"""Fuzzing every endpoint of the served OpenAPI document with schemathesis.

Each operation gets ``FUZZ_EXAMPLES`` generated requests (default 20, about half a
minute for the whole API; ``FUZZ_EXAMPLES=500 pytest tests/security/test_fuzz.py`` for a
longer run), sent once without cookies and once with a fresh session. Every answer must
be below 500, and every 4xx must be a JSON error with a ``code``, except the answers
Better Auth itself sends without one (spec 4.3: a 404 with no body, a few message-only
errors).
"""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings

from flask_betterauth.plugins import open_api
from tests.helpers import PASSWORD
from tests.security.conftest import ANN
from tests.security.conftest import APP_ORIGIN
from tests.security.conftest import BASE
from tests.security.conftest import TOKEN_COOKIE
from tests.security.conftest import set_cookie_value

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "20"))
#: Errors Better Auth sends with a message and no code (spec 4.3 and 8.1).
MESSAGE_ONLY = {"No fields to update", "Email is the same", "Verification email isn't enabled"}


@pytest.fixture
def fuzz_app(make_app: Any) -> Any:
    """An app with every core feature on, the OpenAPI plugin, and Ann signed up."""
    test_app = make_app(
        plugins=[open_api()],
        email_and_password={"send_reset_password": lambda user, url, token: None},
        email_verification={"send_verification_email": lambda user, url, token: None},
        user={"change_email": {"enabled": True}, "delete_user": {"enabled": True}},
    )
    test_app.app.test_client().post(f"{BASE}/sign-up/email", json=ANN)
    return test_app


@pytest.fixture
def api_schema(fuzz_app: Any) -> Any:
    return schemathesis.openapi.from_wsgi(f"{BASE}/open-api/generate-schema", fuzz_app.app)


schema = schemathesis.pytest.from_fixture("api_schema")


def session_cookie(app: Any) -> str:
    """A new session of Ann's (signing her up again if the fuzzer deleted her)."""
    client = app.test_client(use_cookies=False)
    credentials = {"email": ANN["email"], "password": PASSWORD}
    response = client.post(f"{BASE}/sign-in/email", json=credentials)
    if response.status_code != 200:
        response = client.post(f"{BASE}/sign-up/email", json=ANN)
    value = set_cookie_value(response)
    return f"{TOKEN_COOKIE}={value}" if value else ""


def check(response: Any, what: str) -> None:
    status = response.status_code
    assert status < 500, (what, status, response.content[:300])
    if not 400 <= status < 500:
        return
    if status == 404 and not response.content:
        return
    try:
        body = json.loads(response.content)
    except ValueError:
        pytest.fail(f"{what}: {status} is not JSON: {response.content[:200]!r}")
    assert isinstance(body, dict) and isinstance(body.get("message"), str), (what, body)
    if "code" in body:
        assert isinstance(body["code"], str) and body["code"], (what, body)
        return
    message = body["message"]
    documented = message in MESSAGE_ONLY or (
        message.startswith("Invalid ") and message.endswith(": expected a string")
    )
    assert documented, (what, status, body)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors_and_coded_client_errors(case: Any, fuzz_app: Any) -> None:
    what = f"{case.method} {case.formatted_path}"
    check(case.call(), what + " (no cookies)")
    headers = {"Cookie": session_cookie(fuzz_app.app), "Origin": APP_ORIGIN}
    check(case.call(headers=headers), what + " (signed in)")
