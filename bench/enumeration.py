"""Enumeration timing: do known and unknown addresses answer in the same time?

If one answered faster, an attacker could tell which addresses have accounts by timing:

- ``POST /api/auth/sign-in/email``: an unknown email against a wrong password. The
  extension spends one password hash either way.
- ``POST /api/auth/request-password-reset``: a known against an unknown address. The
  token and the mail of a known address are made after the answer (the response's
  ``close``, which a WSGI server calls once the body is written); the mail sender here
  takes :data:`MAIL_SECONDS`, like a provider's API, to show that it stays out of the
  answer.

Both are measured through the HTTP face (the Flask test client, SQLite in a temporary
directory), alternating the two kinds of attempt so that drift in the machine's speed
hits both alike, and the medians printed::

    python3 bench/enumeration.py                 # 50 attempts of each kind, cost 11
    python3 bench/enumeration.py --attempts 200 --rounds 12

The target: the medians within 10% of each other (for the reset, within 10% or
:data:`RESET_SLACK_MS`, as its answers take about a millisecond), and the answers
identical.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from flask import Flask
from flask_sqlalchemy import SQLAlchemy

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from flask_betterauth import BetterAuth  # noqa: E402

SIGN_IN = "/api/auth/sign-in/email"
RESET = "/api/auth/request-password-reset"
#: How long the bench's mail sender takes (seconds), as a mail provider's API might.
MAIL_SECONDS = 0.02
#: Below this difference (ms) the reset's medians count as equal whatever the ratio.
RESET_SLACK_MS = 0.5
EMAIL = "known@example.com"
PASSWORD = "the-right-password-1"
TARGET = 0.10


def _app(directory: str, rounds: int | None) -> Flask:
    app = Flask("enumeration_bench")
    app.config.update(
        TESTING=True,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{directory}/bench.sqlite",
        BETTER_AUTH_SECRET="enumeration-bench-secret-0123456789abcdef",
        BETTER_AUTH_URL="http://localhost",
    )
    db = SQLAlchemy()
    db.init_app(app)
    password: dict[str, Any] = {} if rounds is None else {"bcrypt_rounds": rounds}
    BetterAuth().init_app(
        app,
        db,
        email_and_password={
            "enabled": True,
            "password": password,
            "send_reset_password": lambda user, url, token: time.sleep(MAIL_SECONDS),
        },
        advanced={"mail_after_response": True},
    )
    with app.app_context():
        db.create_all()
    return app


def measure(attempts: int = 50, rounds: int | None = None, warmup: int = 3) -> dict[str, Any]:
    """Time ``attempts`` sign-ins and reset requests of each kind; medians in ms.

    :param rounds: the bcrypt cost (``None``: the extension's default).
    :returns: ``attempts``, ``bcrypt_rounds``, ``unknown_email_ms``, ``wrong_password_ms``,
        ``difference`` (relative to the slower median), ``same_answer`` (status and body
        alike) and ``within_target``; for the reset ``reset_known_ms``,
        ``reset_unknown_ms``, ``reset_difference``, ``reset_same_answer`` and
        ``reset_within_target``.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    with tempfile.TemporaryDirectory(prefix="fba-enum-") as directory:
        app = _app(directory, rounds)
        client = app.test_client(use_cookies=False)
        signed_up = client.post(
            "/api/auth/sign-up/email", json={"name": "K", "email": EMAIL, "password": PASSWORD}
        )
        if signed_up.status_code != 200:
            raise RuntimeError(f"sign-up failed: {signed_up.get_json()}")
        sign_in = _alternate(
            client,
            SIGN_IN,
            {
                "unknown_email": {"email": "nobody@example.com", "password": PASSWORD},
                "wrong_password": {"email": EMAIL, "password": "a-wrong-password-1"},
            },
            attempts,
            warmup,
        )
        reset = _alternate(
            client,
            RESET,
            {"known": {"email": EMAIL}, "unknown": {"email": "nobody@example.com"}},
            attempts,
            warmup,
        )
        state = app.extensions["betterauth"]
        with app.app_context():
            state.adapter.engine.dispose()
    unknown, wrong = sign_in["unknown_email"], sign_in["wrong_password"]
    difference = abs(unknown - wrong) / max(unknown, wrong)
    known_reset, unknown_reset = reset["known"], reset["unknown"]
    reset_gap = abs(known_reset - unknown_reset)
    reset_difference = reset_gap / max(known_reset, unknown_reset)
    return {
        "attempts": attempts,
        "bcrypt_rounds": state.hasher.rounds,
        "unknown_email_ms": unknown,
        "wrong_password_ms": wrong,
        "difference": difference,
        "same_answer": sign_in["same_answer"],
        "within_target": difference <= TARGET,
        "reset_known_ms": known_reset,
        "reset_unknown_ms": unknown_reset,
        "reset_difference": reset_difference,
        "reset_same_answer": reset["same_answer"],
        "reset_within_target": reset_difference <= TARGET or reset_gap <= RESET_SLACK_MS,
    }


def _alternate(
    client: Any, path: str, kinds: dict[str, dict[str, str]], attempts: int, warmup: int
) -> dict[str, Any]:
    """Post each kind's body to ``path`` in turn; per kind the median time (ms) until
    the answer is read, and ``same_answer``: whether every status and body matched.

    The response is closed after the clock stops, as a WSGI server closes it after
    writing the body: work left for after the answer runs then, outside the timing.
    """
    answers: set[tuple[int, bytes]] = set()
    times: dict[str, list[float]] = {kind: [] for kind in kinds}
    for attempt in range(warmup + attempts):
        order = list(kinds) if attempt % 2 == 0 else list(reversed(kinds))
        for kind in order:
            start = time.perf_counter()
            response = client.post(path, json=kinds[kind], buffered=False)
            data = response.get_data()
            elapsed = (time.perf_counter() - start) * 1000
            response.close()
            answers.add((response.status_code, data))
            if attempt >= warmup:
                times[kind].append(elapsed)
    medians: dict[str, Any] = {kind: statistics.median(times[kind]) for kind in kinds}
    medians["same_answer"] = len(answers) == 1
    return medians


def report(result: dict[str, Any]) -> str:
    """The result as the lines the script prints."""

    def verdict(met: bool) -> str:
        return "met" if met else "MISSED"

    return "\n".join(
        [
            f"sign-in timing, {result['attempts']} attempts each, bcrypt cost "
            f"{result['bcrypt_rounds']}:",
            f"  unknown email   median {result['unknown_email_ms']:8.2f} ms",
            f"  wrong password  median {result['wrong_password_ms']:8.2f} ms",
            f"  difference      {result['difference'] * 100:8.2f} % "
            f"(target <= {TARGET * 100:.0f} %: {verdict(result['within_target'])})",
            f"  same status and body: {'yes' if result['same_answer'] else 'NO'}",
            f"request-password-reset timing, {result['attempts']} attempts each, mail "
            f"{MAIL_SECONDS * 1000:.0f} ms after the answer:",
            f"  known address   median {result['reset_known_ms']:8.2f} ms",
            f"  unknown address median {result['reset_unknown_ms']:8.2f} ms",
            f"  difference      {result['reset_difference'] * 100:8.2f} % "
            f"(target <= {TARGET * 100:.0f} % or {RESET_SLACK_MS} ms: "
            f"{verdict(result['reset_within_target'])})",
            f"  same status and body: {'yes' if result['reset_same_answer'] else 'NO'}",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    """Run the measurement and print it; exit 1 when the answers differ or the target is
    missed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=50, help="attempts of each kind")
    parser.add_argument("--rounds", type=int, default=None, help="bcrypt cost (default 11)")
    args = parser.parse_args(argv)
    result = measure(args.attempts, args.rounds)
    print(report(result))
    passed = all(
        result[name]
        for name in ("same_answer", "within_target", "reset_same_answer", "reset_within_target")
    )
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
