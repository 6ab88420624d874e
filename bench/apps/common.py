"""What every benchmarked app shares: the user, the secrets, the database URL, cookies."""

from __future__ import annotations

import os
from collections.abc import Iterable

from flask.testing import FlaskClient

#: The one user each app creates and signs in.
EMAIL = "bench@example.com"
PASSWORD = "correct horse battery staple"
NAME = "Bench User"

#: Sent by the benchmark and by the sign-in during setup. Flask-Login's session
#: protection hashes the client address with the User-Agent, so both must agree, or
#: every benchmarked request would rewrite the session cookie.
USER_AGENT = "flask-betterauth-bench"

#: Fixed secrets, so that the setup process and the gunicorn worker sign alike.
SECRET = "bench-secret-0123456789abcdef0123456789abcdef"
SALT = "bench-password-salt-0123456789"


def database_url() -> str:
    """The SQLAlchemy URL the benchmark runner chose for this app."""
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        raise RuntimeError(
            "BENCH_DATABASE_URL is not set; run the apps through bench/run.py, or set it"
            " to a SQLAlchemy URL such as sqlite:////tmp/bench.db"
        )
    return url


def cookie_header(set_cookie_lines: Iterable[str]) -> str:
    """Build a ``Cookie`` request header from ``Set-Cookie`` response lines.

    Values are kept byte for byte (Better Auth's are percent-encoded); cookies that a
    line expires (empty value or ``Max-Age=0``) are left out, and a later line for the
    same name replaces an earlier one.
    """
    jar: dict[str, str] = {}
    for line in set_cookie_lines:
        pair, _, attributes = line.partition(";")
        name, _, value = pair.strip().partition("=")
        expired = "max-age=0" in attributes.replace(" ", "").lower()
        if not value or expired:
            jar.pop(name, None)
        else:
            jar[name] = value
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def expect_signed_in(client: FlaskClient, path: str, cookie: str) -> None:
    """Fail setup unless ``cookie`` opens ``path`` as the bench user, without new cookies.

    A response that sets a cookie would mean each benchmarked request pays for
    re-signing a session, which is not the steady state being measured.
    """
    response = client.get(path, headers={"Cookie": cookie, "User-Agent": USER_AGENT})
    body = response.get_json(silent=True)
    if response.status_code != 200 or not _names_bench_user(body):
        raise RuntimeError(f"GET {path} with the session cookie answered {response.status_code}")
    if response.headers.getlist("Set-Cookie"):
        raise RuntimeError(f"GET {path} with the session cookie set a cookie again")


def _names_bench_user(body: object) -> bool:
    if not isinstance(body, dict):
        return False
    user = body.get("user", body)
    return isinstance(user, dict) and user.get("email") == EMAIL
