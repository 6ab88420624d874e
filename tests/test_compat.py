"""Wire compatibility with the official ``better-auth`` client (npm, pinned in ``tests/compat``).

Each test starts a real HTTP server for a fresh app (SQLite file in ``tmp_path``), runs
``node tests/compat/scenarios.mjs <url> <scenario>`` and checks what the official client saw
against what Better Auth 1.7.24 answers (spec sections 3.3-3.8, 5, 11, 13).

The Node dependencies must be installed first: ``npm ci --prefix tests/compat``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from werkzeug.serving import make_server

from flask_betterauth import BetterAuth
from flask_betterauth.crypto import hash_token

pytestmark = pytest.mark.compat

COMPAT_DIR = Path(__file__).parent / "compat"
SCENARIOS_SCRIPT = COMPAT_DIR / "scenarios.mjs"
PINNED_CLIENT_VERSION = "1.7.24"
NODE_TIMEOUT_SECONDS = 60
TEST_SECRET = "compat-tests-secret-0123456789abcdefghijklmnop"

USER_KEYS = {"id", "name", "email", "emailVerified", "image", "createdAt", "updatedAt"}
SESSION_KEYS = {
    "id",
    "token",
    "userId",
    "expiresAt",
    "ipAddress",
    "userAgent",
    "createdAt",
    "updatedAt",
}
SESSION_TOKEN = "better-auth.session_token"
SESSION_DATA = "better-auth.session_data"
DONT_REMEMBER = "better-auth.dont_remember"
WEEK = 7 * 24 * 3600
DAY = 24 * 3600
ALNUM_32 = re.compile(r"[A-Za-z0-9]{32}")
JS_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")

Step = dict[str, Any]
Report = dict[str, Any]


# --------------------------------------------------------------------------- app and server


def build_compat_app(database_uri: str, base_url: str, **auth_options: Any) -> Flask:
    """Build a Flask app served the way the compatibility tests need it.

    Email and password sign-in with fast bcrypt, cookie cache on, ``BETTER_AUTH_URL`` set to
    ``base_url`` (so the client's ``Origin`` is trusted). ``auth_options`` override or add
    keyword arguments of ``BetterAuth.init_app``. The tables are created. The extension's
    ``SQLAlchemy`` instance is ``app.extensions["sqlalchemy"]``.
    """
    db = SQLAlchemy()
    auth = BetterAuth()
    app = Flask(__name__)
    app.config.update(
        TESTING=True,
        SQLALCHEMY_DATABASE_URI=database_uri,
        BETTER_AUTH_SECRET=TEST_SECRET,
        BETTER_AUTH_URL=base_url,
    )
    db.init_app(app)
    options: dict[str, Any] = {
        "email_and_password": {"enabled": True, "password": {"bcrypt_rounds": 4}},
        "session": {"cookie_cache": {"enabled": True}},
    }
    options.update(auth_options)
    auth.init_app(app, db, **options)
    with app.app_context():
        db.create_all()
    return app


class _LateBoundApp:
    """A WSGI callable bound to its Flask app after the socket exists.

    The app needs its own URL (``BETTER_AUTH_URL``) before it is built, and the port is only
    known once the server has bound port 0.
    """

    def __init__(self) -> None:
        self.app: Flask | None = None

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        assert self.app is not None, "request arrived before the app was bound"
        return self.app(environ, start_response)


@dataclass
class LiveServer:
    """A running server: its origin (``http://127.0.0.1:PORT``) and its app."""

    url: str
    app: Flask


@pytest.fixture(scope="session")
def compat_client_installed() -> None:
    """Fail (never skip) when Node or the pinned npm client is missing."""
    if shutil.which("node") is None:
        pytest.fail("`node` is not on PATH: the compatibility tests need Node.js 20+")
    if not (COMPAT_DIR / "node_modules" / "better-auth" / "package.json").is_file():
        pytest.fail(
            "the official better-auth client is not installed: "
            "run `npm ci --prefix tests/compat` first"
        )


@pytest.fixture
def compat_server(tmp_path: Path, compat_client_installed: None) -> Iterator[LiveServer]:
    """Serve a fresh compat app (SQLite file in ``tmp_path``) over real HTTP in a thread."""
    with serving(tmp_path) as server:
        yield server


@contextmanager
def serving(tmp_path: Path, **auth_options: Any) -> Iterator[LiveServer]:
    """A compat app built with ``auth_options``, served over real HTTP in a thread."""
    wsgi = _LateBoundApp()
    server = make_server("127.0.0.1", 0, wsgi, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app = build_compat_app(f"sqlite:///{tmp_path / 'compat.sqlite'}", url, **auth_options)
    wsgi.app = app
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name="compat-server",
        daemon=True,
    )
    thread.start()
    try:
        yield LiveServer(url=url, app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            app.extensions["sqlalchemy"].engine.dispose()


# --------------------------------------------------------------------------- running node


def run_node(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``node *args`` in tests/compat (with ``env`` as its whole environment, if given);
    fails the test when node exits non-zero."""
    proc = subprocess.run(
        ["node", *args],
        cwd=COMPAT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=NODE_TIMEOUT_SECONDS,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def run_scenarios(
    base_url: str, *names: str, script: str = "scenarios.mjs", env: dict[str, str] | None = None
) -> dict[str, Report]:
    """Run the named scenarios of ``script`` (a driver in tests/compat built on
    ``runScenarios``) with the official client; return their reports by name. ``env`` adds
    variables to the driver's environment.

    Fails the test when node exits non-zero or a scenario crashed inside the client.
    """
    try:
        proc = subprocess.run(
            ["node", str(COMPAT_DIR / script), base_url, *names],
            cwd=COMPAT_DIR,
            env={**os.environ, **env} if env else None,
            capture_output=True,
            text=True,
            timeout=NODE_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"scenarios {names} did not finish in {NODE_TIMEOUT_SECONDS}s: {exc.stderr!r}")
    if proc.returncode != 0:
        pytest.fail(
            f"node exited {proc.returncode}\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
        )
    reports = {}
    for line in proc.stdout.splitlines():
        report = json.loads(line)
        if report.get("crashed"):
            pytest.fail(
                f"scenario {report['scenario']} crashed in the client:\n{report['exception']}\n"
                f"steps so far: {json.dumps(report['steps'], indent=1)}"
            )
        reports[report["scenario"]] = report
    assert set(reports) == set(names), proc.stderr
    return reports


def run_scenario(
    base_url: str, name: str, script: str = "scenarios.mjs", env: dict[str, str] | None = None
) -> Report:
    """Run one scenario of ``script`` and return its report."""
    return run_scenarios(base_url, name, script=script, env=env)[name]


# --------------------------------------------------------------------------- assertions


def exchange(step: Step) -> dict[str, Any]:
    """The single HTTP exchange behind a client call."""
    assert len(step["http"]) == 1, step
    http: dict[str, Any] = step["http"][0]
    return http


def set_cookies(step: Step) -> dict[str, dict[str, Any]]:
    """The Set-Cookie lines of a call, parsed, by cookie name."""
    return {c["name"]: c for c in exchange(step)["setCookies"]}


def ok(step: Step) -> Any:
    """Assert the call succeeded with HTTP 200; return its data."""
    assert step["error"] is None, f"{step['call']} failed: {step['error']}\n{step['http']}"
    assert exchange(step)["status"] == 200, step
    return step["data"]


def passed(step: Step) -> Any:
    """Assert a call that may take several exchanges succeeded, each with HTTP 200; return
    its data (``ok`` for a plugin call)."""
    assert step["error"] is None, step
    assert all(h["status"] == 200 for h in step["http"]), step
    return step["data"]


def refusal(step: Step) -> tuple[int, str | None]:
    """The ``(status, code)`` of a call the client reports as failed."""
    assert step["data"] is None, step
    return step["error"]["status"], step["error"].get("code")


def assert_error(step: Step, status: int, code: str | None, message: str) -> None:
    """Assert the client returned ``{data: null, error: {code, message, status}}``."""
    assert step["data"] is None, step
    error = step["error"]
    assert error is not None, f"{step['call']} unexpectedly succeeded: {step['data']}"
    assert (error.get("status"), error.get("code"), error.get("message")) == (
        status,
        code,
        message,
    ), step


def raw_value(step: Step, path: str) -> Any:
    """A value from the raw JSON body (before the client revived dates), by dotted path."""
    value: Any = json.loads(exchange(step)["body"])
    for key in path.split("."):
        value = value[int(key)] if isinstance(value, list) else value[key]
    return value


def assert_dates(step: Step, paths: Iterable[str]) -> None:
    """Each path is a JS ISO date on the wire and came back from the client as a ``Date``."""
    for path in paths:
        assert path in step["dates"], f"{path} was not revived as a Date: {step['dates']}"
        assert JS_ISO_DATE.fullmatch(raw_value(step, path)), raw_value(step, path)


def assert_user(user: dict[str, Any], email: str) -> None:
    """The user object of spec 2.1 for a user signed up by the scenarios."""
    assert set(user) == USER_KEYS, user
    assert user["email"] == email.lower()
    assert user["name"] == "Ann Example"
    assert user["emailVerified"] is False
    assert user["image"] is None
    assert ALNUM_32.fullmatch(user["id"]), user["id"]


def assert_session_cookie(step: Step, token: str, max_age: int | None) -> None:
    """``session_token`` is the signed token (spec 5.3) with the given Max-Age (None: none)."""
    cookie = set_cookies(step)[SESSION_TOKEN]
    assert cookie["value"].startswith(f"{token}."), cookie
    assert cookie["maxAge"] == max_age, cookie
    attrs = cookie["attributes"]
    assert (attrs.get("path"), attrs.get("httponly"), attrs.get("samesite")) == ("/", True, "Lax")


def seconds_until(iso: str, step: Step) -> float:
    """Seconds from the client clock at the end of ``step`` to the ISO date ``iso``."""
    moment = datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
    return float(moment - step["at"] / 1000)


# --------------------------------------------------------------------------- tests


def test_client_is_the_pinned_version(compat_client_installed: None) -> None:
    info = run_scenario("http://127.0.0.1:9", "client-info")
    assert info["betterAuthVersion"] == PINNED_CLIENT_VERSION


def test_sign_up_with_official_client(compat_server: LiveServer) -> None:
    report = run_scenario(compat_server.url, "sign-up")
    step = report["steps"]["signUp"]
    data = ok(step)
    assert set(data) == {"token", "user"}
    assert ALNUM_32.fullmatch(data["token"]), data["token"]
    assert_user(data["user"], report["email"])
    assert_dates(step, ["user.createdAt", "user.updatedAt"])
    http = exchange(step)
    assert (http["method"], http["path"]) == ("POST", "/api/auth/sign-up/email")
    assert_session_cookie(step, data["token"], WEEK)
    assert set_cookies(step)[SESSION_DATA]["maxAge"] == 300
    assert step["cookies"] == [SESSION_DATA, SESSION_TOKEN]


def test_duplicate_sign_up_is_rejected(compat_server: LiveServer) -> None:
    steps = run_scenario(compat_server.url, "sign-up-duplicate")["steps"]
    ok(steps["first"])
    for name in ("duplicate", "duplicateOtherCase"):
        assert_error(
            steps[name],
            422,
            "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
            "User already exists. Use another email.",
        )
        assert steps[name]["cookies"] == [], steps[name]


def test_sign_in_with_official_client(compat_server: LiveServer) -> None:
    report = run_scenario(compat_server.url, "sign-in")
    steps = report["steps"]
    signed_up = ok(steps["signUp"])
    data = ok(steps["signIn"])
    assert set(data) == {"redirect", "token", "user"}
    assert data["redirect"] is False
    assert ALNUM_32.fullmatch(data["token"]) and data["token"] != signed_up["token"]
    assert_user(data["user"], report["email"])
    assert data["user"]["id"] == signed_up["user"]["id"]
    assert_dates(steps["signIn"], ["user.createdAt", "user.updatedAt"])
    assert_session_cookie(steps["signIn"], data["token"], WEEK)
    assert SESSION_DATA in set_cookies(steps["signIn"])

    with_callback = ok(steps["signInWithCallback"])
    assert (with_callback["redirect"], with_callback["url"]) == (True, "/dashboard")
    assert exchange(steps["signInWithCallback"])["location"] == "/dashboard"


def test_wrong_password_and_unknown_email_are_rejected_alike(compat_server: LiveServer) -> None:
    steps = run_scenario(compat_server.url, "sign-in-wrong-password")["steps"]
    ok(steps["signUp"])
    for name in ("wrongPassword", "unknownEmail"):
        assert_error(steps[name], 401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password")
        assert exchange(steps[name])["setCookies"] == [], steps[name]
        assert steps[name]["cookies"] == []


def test_get_session_with_official_client(compat_server: LiveServer) -> None:
    report = run_scenario(compat_server.url, "get-session")
    steps = report["steps"]

    signed_out = steps["signedOut"]
    assert ok(signed_out) is None
    assert exchange(signed_out)["body"] == "null"
    assert "no-store" in (exchange(signed_out)["cacheControl"] or "")

    signed_in = ok(steps["signIn"])
    step = steps["getSession"]
    data = ok(step)
    assert (exchange(step)["method"], exchange(step)["path"]) == ("GET", "/api/auth/get-session")
    assert exchange(step)["requestCookies"] == [SESSION_DATA, SESSION_TOKEN]
    assert "no-store" in (exchange(step)["cacheControl"] or "")
    assert set(data) == {"session", "user"}
    assert set(data["session"]) == SESSION_KEYS, data["session"]
    assert data["user"]["email"] == report["email"].lower()
    assert_user(data["user"], report["email"])
    session = data["session"]
    assert session["token"] == signed_in["token"]
    assert session["userId"] == data["user"]["id"] == signed_in["user"]["id"]
    assert isinstance(session["ipAddress"], str) and isinstance(session["userAgent"], str)
    assert_dates(
        step,
        [
            "session.expiresAt",
            "session.createdAt",
            "session.updatedAt",
            "user.createdAt",
            "user.updatedAt",
        ],
    )
    assert abs(seconds_until(session["expiresAt"], step) - WEEK) < 120


def test_remember_me_false(compat_server: LiveServer) -> None:
    steps = run_scenario(compat_server.url, "remember-me-false")["steps"]
    ok(steps["signUp"])
    data = ok(steps["signIn"])
    assert_session_cookie(steps["signIn"], data["token"], None)
    cookies = set_cookies(steps["signIn"])
    assert DONT_REMEMBER in cookies and cookies[DONT_REMEMBER]["maxAge"] is None, cookies
    assert cookies[DONT_REMEMBER]["value"].startswith("true."), cookies[DONT_REMEMBER]
    if SESSION_DATA in cookies:
        assert cookies[SESSION_DATA]["maxAge"] is None, cookies[SESSION_DATA]

    session = ok(steps["getSession"])["session"]
    assert session["token"] == data["token"]
    assert abs(seconds_until(session["expiresAt"], steps["getSession"]) - DAY) < 120

    uncached = ok(steps["getSessionUncached"])["session"]
    assert uncached["expiresAt"] == session["expiresAt"], "a rememberMe:false session was extended"
    assert SESSION_TOKEN not in set_cookies(steps["getSessionUncached"])


def test_disable_cookie_cache_reads_storage(compat_server: LiveServer) -> None:
    steps = run_scenario(compat_server.url, "get-session-disable-cookie-cache")["steps"]
    ok(steps["signUp"])
    token = ok(steps["signIn"])["token"]
    uncached = steps["uncached"]
    assert exchange(uncached)["path"] == "/api/auth/get-session?disableCookieCache=true"
    assert ok(uncached)["session"]["token"] == token
    assert ok(steps["signOut"]) == {"success": True}

    # The row is gone; a storage read sees that and expires the copied cookies.
    after = steps["uncachedAfterSignOut"]
    assert ok(after) is None
    expired = set_cookies(after)
    assert expired[SESSION_TOKEN]["maxAge"] == 0, expired
    assert SESSION_TOKEN not in after["cookies"]


def test_cookie_cache_serves_session_until_bypassed(compat_server: LiveServer) -> None:
    """Better Auth answers get-session from a valid ``session_data`` cookie without storage.

    So a browser still holding copies of signed-out cookies is answered from the cache
    (spec 3.6 step 5) until it asks with ``disableCookieCache``.
    """
    steps = run_scenario(compat_server.url, "get-session-disable-cookie-cache")["steps"]
    token = ok(steps["signIn"])["token"]
    ok(steps["signOut"])
    cached = steps["cachedAfterSignOut"]
    assert exchange(cached)["requestCookies"] == [SESSION_DATA, SESSION_TOKEN]
    data = ok(cached)
    assert data is not None, "get-session ignored a valid session_data cookie"
    assert data["session"]["token"] == token
    assert ok(steps["uncachedAfterSignOut"]) is None


def test_sign_out_with_official_client(compat_server: LiveServer) -> None:
    steps = run_scenario(compat_server.url, "sign-out")["steps"]
    ok(steps["signUp"])
    ok(steps["signIn"])

    sign_out = steps["signOut"]
    assert ok(sign_out) == {"success": True}
    assert (exchange(sign_out)["method"], exchange(sign_out)["path"]) == (
        "POST",
        "/api/auth/sign-out",
    )
    expired = set_cookies(sign_out)
    for name in (SESSION_TOKEN, SESSION_DATA):
        assert expired[name]["maxAge"] == 0 and expired[name]["value"] == "", expired
    assert sign_out["cookies"] == []

    assert ok(steps["afterSignOut"]) is None
    assert exchange(steps["afterSignOut"])["requestCookies"] == []
    assert ok(steps["signOutAgain"]) == {"success": True}


def test_session_management_with_official_client(compat_server: LiveServer) -> None:
    steps = run_scenario(compat_server.url, "session-management")["steps"]
    tokens = {name: ok(steps[name])["token"] for name in ("signUpA", "signInB", "signInC")}

    listed = ok(steps["listAll"])
    assert exchange(steps["listAll"])["path"] == "/api/auth/list-sessions"
    assert isinstance(listed, list) and len(listed) == 3, listed
    assert all(set(session) == SESSION_KEYS for session in listed), listed
    # Tokens are kept hashed: the caller's own session is listed with its token, each
    # other session with its stored value (the hash), which revoke-session also accepts.
    expected = {tokens["signUpA"], hash_token(tokens["signInB"]), hash_token(tokens["signInC"])}
    assert {session["token"] for session in listed} == expected
    assert_dates(steps["listAll"], ["0.expiresAt", "0.createdAt", "0.updatedAt"])

    assert ok(steps["revokeB"]) == {"status": True}
    assert ok(steps["sessionB"]) is None
    assert ok(steps["revokeOthers"]) == {"status": True}
    assert ok(steps["sessionC"]) is None
    assert ok(steps["sessionA"])["session"]["token"] == tokens["signUpA"]
    remaining = ok(steps["listAfterRevokeOthers"])
    assert [session["token"] for session in remaining] == [tokens["signUpA"]]

    revoke_all = steps["revokeAll"]
    assert ok(revoke_all) == {"status": True}
    assert set_cookies(revoke_all)[SESSION_TOKEN]["maxAge"] == 0
    assert SESSION_TOKEN not in revoke_all["cookies"]
    assert ok(steps["sessionAAfterRevokeAll"]) is None


def test_update_session_with_official_client(tmp_path: Path, compat_client_installed: None) -> None:
    fields = {"theme": {"type": "string"}}
    session = {"cookie_cache": {"enabled": True}, "additional_fields": fields}
    with serving(tmp_path, session=session) as server:
        steps = run_scenario(server.url, "update-session")["steps"]
    update = steps["updateSession"]
    assert exchange(update)["path"] == "/api/auth/update-session"
    assert ok(update)["session"]["theme"] == "dark"
    assert_dates(update, ["session.expiresAt", "session.updatedAt"])
    assert ok(steps["cached"])["session"]["theme"] == "dark"
    assert ok(steps["uncached"])["session"]["theme"] == "dark"
    assert_error(steps["empty"], 400, None, "No fields to update")
