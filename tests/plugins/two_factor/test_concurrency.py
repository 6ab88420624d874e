"""Guesses racing each other are all counted (no lost updates), on PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from tests.helpers import Caller
from tests.helpers import rows
from tests.plugins.two_factor.conftest import code_at
from tests.plugins.two_factor.conftest import enroll
from tests.plugins.two_factor.conftest import held_sign_in

GUESSES = 12


def _race(tf_app, cookies: str, body: dict) -> list[tuple[int, str | None]]:
    """``GUESSES`` threads post ``body`` to verify-totp at once; their statuses and codes."""
    barrier = threading.Barrier(GUESSES)
    statuses: list[tuple[int, str | None]] = []
    lock = threading.Lock()

    def guess() -> None:
        client = tf_app.app.test_client(use_cookies=False)
        barrier.wait()
        reply = client.post(
            "/api/auth/two-factor/verify-totp",
            json=body,
            headers={"Cookie": cookies, "Origin": "http://localhost"},
        )
        code = (reply.get_json(silent=True) or {}).get("code")
        with lock:
            statuses.append((reply.status_code, code))

    threads = [threading.Thread(target=guess) for _ in range(GUESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.mark.postgres
def test_concurrent_wrong_guesses_spend_the_budget_once(tf_app, clock, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("threads against PostgreSQL")
    caller = Caller(tf_app, "http")
    enrolled = enroll(caller, clock)
    held_sign_in(caller)
    cookies = "; ".join(f"{k}={v}" for k, v in caller.jar.items())
    wrong = "000000" if code_at(enrolled.key, clock) != "000000" else "111111"
    statuses = _race(tf_app, cookies, {"code": wrong})
    # Exactly five guesses were checked; every other one met the spent budget, or (when
    # it came after the guess that spent it) the challenge that budget cancelled.
    assert statuses.count((401, "INVALID_CODE")) == 5
    assert statuses.count((400, "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE")) >= 1
    refused = {(400, "TOO_MANY_ATTEMPTS_REQUEST_NEW_CODE"), (401, "INVALID_TWO_FACTOR_COOKIE")}
    assert all(status in refused for status in statuses if status != (401, "INVALID_CODE"))
    (factor,) = rows(tf_app, "twoFactor")
    assert factor["failedVerificationCount"] == 5


@pytest.mark.postgres
def test_concurrent_right_codes_make_one_session(tf_app, clock, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("threads against PostgreSQL")
    caller = Caller(tf_app, "http")
    enrolled = enroll(caller, clock)
    held_sign_in(caller)
    sessions_before = len(rows(tf_app, "session"))
    cookies = "; ".join(f"{k}={v}" for k, v in caller.jar.items())
    statuses = _race(tf_app, cookies, {"code": code_at(enrolled.key, clock)})
    assert [status for status, _ in statuses].count(200) == 1
    assert len(rows(tf_app, "session")) == sessions_before + 1
