"""The account lifecycle with the official ``better-auth`` client: ``sendVerificationEmail``,
``verifyEmail``, ``requestPasswordReset``, ``resetPassword``, ``changePassword``,
``updateUser``, ``changeEmail`` and ``deleteUser`` against the Flask server (spec 3.9,
3.11-3.20, 11).

The server is the one of ``tests/test_compat.py``, with mail on: its development sender
writes each message to a JSON-lines file that the Node scenarios read (``MAIL_LOG``), as a
person would read their inbox. One more test shows that verification tokens are Better
Auth's own JWTs: Better Auth's code verifies ours, and ours accepts Better Auth's.

Needs ``npm ci --prefix tests/compat``.
"""

from __future__ import annotations

import functools
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flask_betterauth import jwt
from flask_betterauth.mail.dev import DevSender
from flask_betterauth.mail.dev import read_log
from tests import test_compat
from tests.test_compat import ALNUM_32
from tests.test_compat import SESSION_DATA
from tests.test_compat import SESSION_TOKEN
from tests.test_compat import TEST_SECRET
from tests.test_compat import WEEK
from tests.test_compat import LiveServer
from tests.test_compat import Step
from tests.test_compat import assert_dates
from tests.test_compat import assert_error
from tests.test_compat import assert_session_cookie
from tests.test_compat import assert_user
from tests.test_compat import compat_client_installed  # noqa: F401  (compat_server needs it)
from tests.test_compat import compat_server  # noqa: F401  (used by name below)
from tests.test_compat import exchange
from tests.test_compat import ok
from tests.test_compat import run_node
from tests.test_compat import run_scenario
from tests.test_compat import set_cookies

pytestmark = pytest.mark.compat

RESET_ANSWER = {
    "status": True,
    "message": "If this email exists in our system, check your email for the reset link",
}


@pytest.fixture
def account_server(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[LiveServer, Path]]:
    """The compatibility server with the account features on and mail logged to a file.

    It is ``compat_server`` itself, built with more options: verification mail on sign-up,
    change-email, and delete-user confirmed by a mailed link.
    """
    log = tmp_path / "mail.jsonl"
    monkeypatch.setenv("MAIL_LOG", str(log))
    options: dict[str, Any] = {
        "mail_sender": DevSender(log, stream=io.StringIO()),
        "email_verification": {"send_on_sign_up": True},
        "user": {
            "change_email": {"enabled": True},
            "delete_user": {"enabled": True, "send_delete_account_verification": True},
        },
    }
    monkeypatch.setattr(
        test_compat,
        "build_compat_app",
        functools.partial(test_compat.build_compat_app, **options),
    )
    yield request.getfixturevalue("compat_server"), log


def location(step: Step) -> str:
    """Where a link's answer sends the browser."""
    http = exchange(step)
    assert http["status"] == 302, http
    return str(http["location"])


def test_send_and_verify_email(account_server: tuple[LiveServer, Path]) -> None:
    server, _ = account_server
    report = run_scenario(server.url, "email-verification")
    steps, email = report["steps"], report["email"].lower()
    base = f"{server.url}/api/auth"

    ok(steps["signUp"])
    assert report["signUpMail"]["url"].startswith(f"{base}/verify-email?token=")
    assert report["signUpMail"]["url"].endswith("&callbackURL=%2F")

    assert ok(steps["resend"]) == {"status": True}
    assert (exchange(steps["resend"])["method"], exchange(steps["resend"])["path"]) == (
        "POST",
        "/api/auth/send-verification-email",
    )
    resent = report["resendMail"]
    assert resent["email"] == email
    assert resent["url"] == f"{base}/verify-email?token={resent['token']}&callbackURL=%2Fverified"

    assert ok(steps["anonymousUnknown"]) == {"status": True}
    assert report["mailsAfterAnonymous"] == report["mailsBeforeAnonymous"]

    assert_error(steps["verifyBogus"], 401, "INVALID_TOKEN", "Invalid token")
    verify = exchange(steps["verify"])
    assert verify["method"] == "GET"
    assert verify["path"] == f"/api/auth/verify-email?token={resent['token']}"
    assert ok(steps["verify"]) == {"status": True, "user": None}
    assert ok(steps["session"])["user"]["emailVerified"] is True

    assert_error(
        steps["alreadyVerified"], 400, "EMAIL_ALREADY_VERIFIED", "Email is already verified"
    )
    assert location(steps["linkWithCallback"]) == "/verified"


def test_request_and_reset_password(account_server: tuple[LiveServer, Path]) -> None:
    server, log = account_server
    report = run_scenario(server.url, "password-reset")
    steps = report["steps"]
    ok(steps["signUp"])

    assert ok(steps["request"]) == RESET_ANSWER
    assert ok(steps["requestUnknown"]) == RESET_ANSWER
    assert [m["type"] for m in read_log(log)] == ["verify-email", "reset-password"]
    token = report["mail"]["token"]
    assert len(token) == 24 and token.isalnum()
    assert (
        report["mail"]["url"]
        == f"{server.url}/api/auth/reset-password/{token}?callbackURL=%2Freset"
    )

    assert location(steps["link"]) == f"{server.url}/reset?token={token}"
    assert_error(steps["tooShort"], 400, "PASSWORD_TOO_SHORT", "Password too short")
    assert ok(steps["reset"]) == {"status": True}
    assert exchange(steps["reset"])["setCookies"] == []
    assert_error(steps["replay"], 400, "INVALID_TOKEN", "Invalid token")
    assert location(steps["linkAfterUse"]) == f"{server.url}/reset?error=INVALID_TOKEN"
    assert_error(
        steps["oldPassword"], 401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password"
    )
    assert ok(steps["newPassword"])["token"]


def test_change_password(compat_server: LiveServer) -> None:  # noqa: F811
    report = run_scenario(compat_server.url, "change-password")
    steps = report["steps"]
    first_token = ok(steps["signUp"])["token"]
    ok(steps["phoneSignIn"])

    assert_error(steps["wrongCurrent"], 400, "INVALID_PASSWORD", "Invalid password")

    data = ok(steps["change"])
    assert set(data) == {"token", "user"}
    assert ALNUM_32.fullmatch(data["token"]) and data["token"] != first_token
    assert_user(data["user"], report["email"])
    assert_dates(steps["change"], ["user.createdAt", "user.updatedAt"])
    assert_session_cookie(steps["change"], data["token"], WEEK)

    assert ok(steps["laptopSession"])["session"]["token"] == data["token"]
    assert ok(steps["phoneSession"]) is None
    assert ok(steps["newPassword"])["token"]


def test_update_user(compat_server: LiveServer) -> None:  # noqa: F811
    steps = run_scenario(compat_server.url, "update-user")["steps"]
    ok(steps["signUp"])

    assert ok(steps["update"]) == {"status": True}
    assert SESSION_DATA in set_cookies(steps["update"])
    cached = ok(steps["cachedSession"])["user"]
    assert (cached["name"], cached["image"]) == ("Ann Updated", "https://images.example/ann.png")

    assert ok(steps["clearImage"]) == {"status": True}
    stored = ok(steps["session"])["user"]
    assert (stored["name"], stored["image"]) == ("Ann Updated", None)

    assert_error(steps["email"], 400, "EMAIL_CAN_NOT_BE_UPDATED", "Email can not be updated")


def test_change_email(account_server: tuple[LiveServer, Path]) -> None:
    server, _ = account_server
    report = run_scenario(server.url, "change-email")
    steps = report["steps"]
    old, new = report["email"].lower(), report["newEmail"].lower()
    ok(steps["signUp"])

    same = steps["same"]
    assert same["data"] is None
    assert (same["error"]["status"], same["error"]["message"]) == (400, "Email is the same")
    assert "code" not in same["error"]

    assert ok(steps["change"]) == {"status": True}
    assert report["mail"]["email"] == new
    assert report["mail"]["url"].endswith("&callbackURL=%2Fsettings")
    assert ok(steps["beforeVerify"])["user"]["email"] == old

    verified = ok(steps["verify"])
    assert verified["status"] is True
    assert verified["user"]["email"] == new
    assert verified["user"]["emailVerified"] is False
    assert_dates(steps["verify"], ["user.createdAt", "user.updatedAt"])
    assert ok(steps["cachedSession"])["user"]["email"] == new
    assert_error(steps["replay"], 401, "INVALID_TOKEN", "Invalid token")


def test_delete_user(account_server: tuple[LiveServer, Path]) -> None:
    server, _ = account_server
    report = run_scenario(server.url, "delete-user")
    steps = report["steps"]
    ok(steps["signUp"])
    ok(steps["signUpOther"])

    assert_error(steps["wrongPassword"], 400, "INVALID_PASSWORD", "Invalid password")
    assert ok(steps["request"]) == {"success": True, "message": "Verification email sent"}
    assert exchange(steps["request"])["method"] == "POST"
    token = report["mail"]["token"]
    assert len(token) == 32 and token == token.lower()
    assert report["mail"]["url"] == (
        f"{server.url}/api/auth/delete-user/callback?token={token}&callbackURL=%2Fgoodbye"
    )

    assert_error(steps["foreignToken"], 404, "INVALID_TOKEN", "Invalid token")
    assert ok(steps["confirm"]) == {"success": True, "message": "User deleted"}
    assert set_cookies(steps["confirm"])[SESSION_TOKEN]["maxAge"] == 0
    assert steps["confirm"]["cookies"] == []
    assert ok(steps["afterDelete"]) is None
    assert_error(
        steps["signInDeleted"], 401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password"
    )

    assert ok(steps["otherRequest"])["message"] == "Verification email sent"
    assert location(steps["otherLink"]) == "/"
    assert SESSION_TOKEN not in steps["otherLink"]["cookies"]
    assert ok(steps["otherAfterDelete"]) is None


_JWT_SCRIPT = """
import { jwtVerify } from "jose";
import { signJWT } from "./node_modules/better-auth/dist/crypto/jwt.mjs";
const [secret, ours, email, userId] = process.argv.slice(1);
const key = new TextEncoder().encode(secret);
const verified = await jwtVerify(ours, key, { algorithms: ["HS256"] });
const theirs = await signJWT({ email, updateTo: undefined, userId }, secret, 3600);
const header = verified.protectedHeader;
process.stdout.write(JSON.stringify({ payload: verified.payload, header, theirs }));
"""


def test_verification_tokens_are_better_auths_jwts(
    account_server: tuple[LiveServer, Path],
) -> None:
    server, _ = account_server
    client = server.app.test_client()
    user = client.post(
        "/api/auth/sign-up/email",
        json={"name": "Ann", "email": "ann@example.com", "password": "password123"},
    ).json["user"]
    ours = jwt.encode(
        {"email": "ann@example.com", "userId": user["id"]}, TEST_SECRET.encode(), 3600
    )

    proc = run_node(
        "--input-type=module", "-e", _JWT_SCRIPT, TEST_SECRET, ours, "ann@example.com", user["id"]
    )
    result = json.loads(proc.stdout)

    assert result["header"] == {"alg": "HS256"}
    assert result["payload"]["email"] == "ann@example.com"
    assert result["payload"]["userId"] == user["id"]
    response = client.get("/api/auth/verify-email", query_string={"token": result["theirs"]})
    assert response.json == {"status": True, "user": None}
    session = client.get("/api/auth/get-session", query_string={"disableCookieCache": "1"}).json
    assert session["user"]["emailVerified"] is True
