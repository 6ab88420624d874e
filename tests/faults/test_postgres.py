"""PostgreSQL failing under load: restarted, slow, out of pooled connections, and a
worker killed mid-sign-up.

The app runs as two gunicorn gthread workers of two threads, one pooled connection each
(``pool_timeout`` 1 s), with ``statement_timeout`` 1.5 s (tests/faults/app.py). Four
clients sign new users up in a loop. A user sees a ``200`` or a fast ``503
DATABASE_UNAVAILABLE`` with ``Retry-After``: never a ``500``, never a wait past
:data:`~tests.faults.infra.HANG_BOUND`, and nothing half-written.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tests.faults.conftest import DBNAME
from tests.faults.infra import HANG_BOUND
from tests.faults.infra import PASSWORD
from tests.faults.infra import Gunicorn
from tests.faults.infra import Load
from tests.faults.infra import app_connections
from tests.faults.infra import eventually
from tests.faults.infra import locked
from tests.faults.infra import request
from tests.faults.infra import users_and_accounts
from tests.servers import PostgreSQLServer

pytestmark = pytest.mark.postgres

#: statement_timeout plus pool_timeout plus slack: no answer may take longer.
SLOW_BOUND = 1.5 + 1.0 + 1.5
#: Connections the app may hold: one pooled connection per worker.
POOLED = 2


def _check_answers(load: Load) -> None:
    """Only 200s and 503 DATABASE_UNAVAILABLE with Retry-After; none slower than bound."""
    for answer in load.answers:
        assert answer.status in (200, 503), (answer, load.summary())
        if answer.status == 503:
            assert answer.code == "DATABASE_UNAVAILABLE", answer
            assert answer.retry_after == "1", answer
        assert answer.seconds < HANG_BOUND, answer


def _check_kept(pg: PostgreSQLServer, load: Load, prefix: str) -> None:
    """Every sign-up answered 200 has its user and credential account; no user lacks one."""
    with pg.connect(DBNAME) as conn:
        users, accounts = users_and_accounts(conn, f"{prefix}-%")
    answered = {a.email for a in load.answers if a.status == 200}
    assert answered <= accounts
    assert users == accounts


def _pool_back_to_baseline(pg: PostgreSQLServer) -> None:
    with pg.connect(DBNAME) as conn:
        eventually(
            lambda: (
                len(rows := app_connections(conn, DBNAME)) <= POOLED
                and all(state == "idle" for state, _ in rows)
            ),
            "the app's connections back to its idle pool",
        )


def test_restart_mid_load(served: Gunicorn, pg: PostgreSQLServer) -> None:
    """PostgreSQL stops and starts again under load: fast 503s meanwhile, recovery
    without restarting the app, every answered sign-up complete."""
    with Load(served.port, clients=4, prefix="restart") as load:
        load.wait_for(200, 10)
        pg.down()
        try:
            load.wait_for(503, 5)
            down_ok = load.count(200)
            time.sleep(0.5)  # the outage lasts a little while clients keep asking
        finally:
            pg.up()
        load.wait_for(200, down_ok + 10)
    _check_answers(load)
    outage = [a for a in load.answers if a.status == 503]
    assert max(a.seconds for a in outage) < 3.0  # fast: connect_timeout 2 s at worst
    _check_kept(pg, load, "restart")
    _pool_back_to_baseline(pg)


def test_slow_statements_time_out(served: Gunicorn, pg: PostgreSQLServer) -> None:
    """A lock holds the user table past statement_timeout: requests answer 503 within the
    bound, the pool does not leak, pg_stat_activity returns to its baseline."""
    _pool_back_to_baseline(pg)
    with Load(served.port, clients=4, prefix="slow") as load:
        load.wait_for(200, 5)
        with locked(lambda: pg.connect(DBNAME), "user"):
            load.wait_for(503, 4)
        during = load.count(200)
        load.wait_for(200, during + 5)
    _check_answers(load)
    for answer in load.answers:
        assert answer.seconds < SLOW_BOUND, answer
    _check_kept(pg, load, "slow")
    _pool_back_to_baseline(pg)


def test_pool_exhausted_then_served(served: Gunicorn, pg: PostgreSQLServer) -> None:
    """Four requests, two pooled connections (one per worker), a short lock: requests
    beyond the pool queue for a connection and are all served (a long lock is the test
    above: 503s after statement_timeout or pool_timeout, never a hang)."""
    results: list[int] = []

    def sign_up(n: int) -> None:
        body = {"name": "Q", "email": f"queue-{n}@example.com", "password": PASSWORD}
        results.append(request(served.port, "POST", "/api/auth/sign-up/email", body)[0])

    with locked(lambda: pg.connect(DBNAME), "user"):
        threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(4)]
        for thread in threads:
            thread.start()
        with pg.connect(DBNAME) as conn:  # a pooled connection waits on the lock
            eventually(
                lambda: any(w == "Lock" for _, w in app_connections(conn, DBNAME)),
                "a request waiting on the lock",
            )
        time.sleep(0.3)  # the other two queue for the pool meanwhile (pool_timeout 1 s)
    for thread in threads:
        thread.join(HANG_BOUND)
    assert sorted(results) == [200, 200, 200, 200]
    _pool_back_to_baseline(pg)


def test_worker_killed_mid_sign_up(served: Gunicorn, pg: PostgreSQLServer) -> None:
    """Workers SIGKILLed while sign-ups wait to write their accounts: each user exists
    with its account or not at all, and the respawned workers serve."""
    answers: list[Any] = []

    def sign_up(n: int) -> None:
        body = {"name": "K", "email": f"killed-{n}@example.com", "password": PASSWORD}
        answers.append(request(served.port, "POST", "/api/auth/sign-up/email", body)[0])

    with locked(lambda: pg.connect(DBNAME), "account"):
        threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        with pg.connect(DBNAME) as conn:  # a user inserted, its account waiting
            eventually(
                lambda: any(w == "Lock" for _, w in app_connections(conn, DBNAME)),
                "a sign-up waiting to write its account",
            )
        time.sleep(0.2)  # the other reaches the lock too, or waits for its worker's pool
        assert served.kill_workers()
        for thread in threads:
            thread.join(HANG_BOUND)
    assert answers == [0, 0]  # the connections were cut: no answer, certainly no 200
    with pg.connect(DBNAME) as conn:
        eventually(lambda: not app_connections(conn, DBNAME), "the killed workers' backends")
        users, accounts = users_and_accounts(conn, "killed-%")
    assert users == accounts
    eventually(lambda: served.request("GET", "/api/auth/ok")[0] == 200, "respawned workers")
    status, _, _ = served.request(
        "POST", "/api/auth/sign-up/email",
        {"name": "K", "email": "killed-0@example.com", "password": PASSWORD},
    )  # fmt: skip
    assert status == 200  # nothing half-written blocks signing up again
