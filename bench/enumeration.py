"""Sign-in timing: does an unknown email answer as fast as a wrong password?

If it answered faster, an attacker could tell which addresses have accounts by timing
``POST /api/auth/sign-in/email``. The extension spends one password hash either way.
This measures both answers through the HTTP face (the Flask test client, SQLite in a
temporary directory) at the default bcrypt cost, alternating the two kinds of attempt
so that drift in the machine's speed hits both alike, and prints the medians::

    python3 bench/enumeration.py                 # 50 attempts of each kind, cost 11
    python3 bench/enumeration.py --attempts 200 --rounds 12

The target: the medians within 10% of each other, and the two answers identical.
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
    BetterAuth().init_app(app, db, email_and_password={"enabled": True, "password": password})
    with app.app_context():
        db.create_all()
    return app


def measure(attempts: int = 50, rounds: int | None = None, warmup: int = 3) -> dict[str, Any]:
    """Time ``attempts`` sign-ins of each kind; medians in milliseconds.

    :param rounds: the bcrypt cost (``None``: the extension's default).
    :returns: ``attempts``, ``bcrypt_rounds``, ``unknown_email_ms``, ``wrong_password_ms``,
        ``difference`` (relative to the slower median), ``same_answer`` (status and body
        alike) and ``within_target``.
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
        kinds = {
            "unknown_email": {"email": "nobody@example.com", "password": PASSWORD},
            "wrong_password": {"email": EMAIL, "password": "a-wrong-password-1"},
        }
        answers: dict[str, set[tuple[int, bytes]]] = {kind: set() for kind in kinds}
        times: dict[str, list[float]] = {kind: [] for kind in kinds}
        for attempt in range(warmup + attempts):
            order = list(kinds) if attempt % 2 == 0 else list(reversed(kinds))
            for kind in order:
                start = time.perf_counter()
                response = client.post(SIGN_IN, json=kinds[kind])
                elapsed = (time.perf_counter() - start) * 1000
                answers[kind].add((response.status_code, response.data))
                if attempt >= warmup:
                    times[kind].append(elapsed)
        state = app.extensions["betterauth"]
        with app.app_context():
            state.adapter.engine.dispose()
    unknown = statistics.median(times["unknown_email"])
    wrong = statistics.median(times["wrong_password"])
    difference = abs(unknown - wrong) / max(unknown, wrong)
    return {
        "attempts": attempts,
        "bcrypt_rounds": state.hasher.rounds,
        "unknown_email_ms": unknown,
        "wrong_password_ms": wrong,
        "difference": difference,
        "same_answer": len(answers["unknown_email"] | answers["wrong_password"]) == 1,
        "within_target": difference <= TARGET,
    }


def report(result: dict[str, Any]) -> str:
    """The result as the lines the script prints."""
    return "\n".join(
        [
            f"sign-in timing, {result['attempts']} attempts each, bcrypt cost "
            f"{result['bcrypt_rounds']}:",
            f"  unknown email   median {result['unknown_email_ms']:8.2f} ms",
            f"  wrong password  median {result['wrong_password_ms']:8.2f} ms",
            f"  difference      {result['difference'] * 100:8.2f} % "
            f"(target <= {TARGET * 100:.0f} %: {'met' if result['within_target'] else 'MISSED'})",
            f"  same status and body: {'yes' if result['same_answer'] else 'NO'}",
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
    return 0 if result["same_answer"] and result["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
